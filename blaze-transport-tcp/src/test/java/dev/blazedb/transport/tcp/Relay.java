package dev.blazedb.transport.tcp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A TCP relay for tests, between clients and a server on loopback: records every byte both ways,
 * and can rewrite the frames a client sends (plain TCP only: it parses the 5-byte frame headers,
 * length u32 + type u8). A man in the middle on real sockets. Its threads are the test's own.
 */
final class Relay implements AutoCloseable {

    /** Rewrites one client frame: given (type, payload), the frames to forward instead. */
    interface Rewrite extends BiFunction<Integer, byte[], List<byte[][]>> {
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Rewrite rewrite;

    Relay(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Rewrites client frames from now on (null: forward as they are). */
    void rewrite(Rewrite r) {
        this.rewrite = r;
    }

    /** Every byte that crossed the relay so far, both directions. */
    byte[] recorded() {
        synchronized (recorded) {
            return recorded.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                pump("relay-c2s", client, server, true);
                pump("relay-s2c", server, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(String name, Socket from, Socket to, boolean clientToServer) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                if (clientToServer && rewrite != null) {
                    frames(new DataInputStream(in), out);
                } else {
                    bytes(in, out);
                }
            } catch (IOException e) {
                // the connection ended
            } finally {
                close(from);
                close(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private void bytes(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) >= 0) {
            record(buf, 0, n);
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private void frames(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                return;
            }
            int type = in.readUnsignedByte();
            byte[] payload = new byte[length];
            in.readFully(payload);
            Rewrite r = rewrite;
            List<byte[][]> forward = r == null ? one(type, payload) : r.apply(type, payload);
            for (byte[][] f : forward) {
                byte[] wire = ByteBuffer.allocate(5 + f[1].length).putInt(f[1].length).put(f[0][0]).put(f[1]).array();
                record(wire, 0, wire.length);
                out.write(wire);
            }
            out.flush();
        }
    }

    private void record(byte[] b, int off, int len) {
        synchronized (recorded) {
            recorded.write(b, off, len);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Cuts every relayed connection (as a network failure would); keeps listening. */
    void cutAll() {
        sockets.forEach(Relay::close);
        sockets.clear();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutAll();
    }

    /** A single frame to forward, as the rewrite returns it. */
    static List<byte[][]> one(int type, byte[] payload) {
        return java.util.Collections.singletonList(frame(type, payload));
    }

    /** A frame as the rewrite returns it. */
    static byte[][] frame(int type, byte[] payload) {
        return new byte[][] {{(byte) type}, payload};
    }
}
