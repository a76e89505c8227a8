package dev.blazedb.transport.uds;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A peer for {@link UdsSocketSafetyTest} that the test starts as another user: connects to the
 * socket given as the argument and prints every frame it receives ({@code frame <type hex> <text>})
 * until the listener closes. JDK classes only, so it runs from the test-classes folder alone.
 */
public final class ForeignPeer {

    private ForeignPeer() {
    }

    /**
     * Entry point.
     *
     * @param args the socket path
     * @throws IOException if the connection fails
     */
    public static void main(String[] args) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    System.out.println("closed");
                    return;
                }
                int type = in.readUnsignedByte();
                byte[] payload = new byte[length];
                in.readFully(payload);
                String text = type == 0xFF && length >= 4
                        ? new String(payload, 4, length - 4, StandardCharsets.UTF_8)
                        : new String(payload, StandardCharsets.UTF_8);
                System.out.println("frame " + Integer.toHexString(type) + " " + text);
            }
        }
    }
}
