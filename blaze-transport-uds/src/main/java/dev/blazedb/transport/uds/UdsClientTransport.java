package dev.blazedb.transport.uds;

import dev.blazedb.internal.netty.NettyDuplexConnection;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.TransportException;
import io.netty.channel.ChannelOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpResources;

/**
 * The connecting side of the Unix domain socket transport.
 *
 * <p>Each {@link #connect()} opens one connection to the socket file and checks the listener's
 * credentials: a listener running as another user is refused (a {@link TransportException})
 * unless {@link #allowUids its uid is allowed}, so a socket planted by someone else is never
 * trusted. Connecting where nobody listens (no socket file, or a stale one) fails with a
 * {@link dev.blazedb.transport.ConnectionRefusedException} naming the path. Immutable.
 */
public final class UdsClientTransport implements ClientTransport {

    private final Path path;
    private final int maxFrameLength;
    private final UdsTransportMode mode;
    private final Set<Long> allowedUids;

    private UdsClientTransport(Path path, int maxFrameLength, UdsTransportMode mode, Set<Long> allowedUids) {
        this.path = path;
        this.maxFrameLength = maxFrameLength;
        this.mode = mode;
        this.allowedUids = allowedUids;
    }

    /**
     * A client transport connecting to {@code socketPath}, with the default frame limit, mode and
     * only this process's user trusted as the listener.
     *
     * @param socketPath the listener's socket file
     * @return the transport
     * @throws IllegalArgumentException if the path is empty or too long for a Unix socket
     */
    public static UdsClientTransport create(Path socketPath) {
        Objects.requireNonNull(socketPath, "socketPath");
        return new UdsClientTransport(UdsSockets.normalize(socketPath.toString()), DuplexConnection.DEFAULT_MAX_FRAME_LENGTH,
                UdsTransportMode.AUTO, Set.of());
    }

    /**
     * This transport with another frame limit (both ends of a connection must use the same).
     *
     * @param maxFrameLength the largest frame payload in bytes, positive
     * @return a new transport
     */
    public UdsClientTransport maxFrameLength(int maxFrameLength) {
        return new UdsClientTransport(path, checkMaxFrameLength(maxFrameLength), mode, allowedUids);
    }

    /**
     * This transport on another I/O path.
     *
     * @param mode epoll, NIO or automatic
     * @return a new transport
     */
    public UdsClientTransport mode(UdsTransportMode mode) {
        return new UdsClientTransport(path, maxFrameLength, Objects.requireNonNull(mode, "mode"), allowedUids);
    }

    /**
     * This transport trusting listeners running as {@code uids} besides this process's user.
     *
     * @param uids the other user ids trusted
     * @return a new transport
     */
    public UdsClientTransport allowUids(Set<Long> uids) {
        return new UdsClientTransport(path, maxFrameLength, mode, Set.copyOf(uids));
    }

    /**
     * The socket path.
     *
     * @return the absolute path of the listener's socket file
     */
    public Path path() {
        return path;
    }

    @Override
    public Mono<DuplexConnection> connect() {
        return Mono.defer(() -> {
            boolean epoll = mode.useEpoll();
            UdsSockets.PeerPolicy policy = new UdsSockets.PeerPolicy(allowedUids);
            return TcpClient.newConnection()
                    .remoteAddress(() -> UdsSockets.address(path, epoll))
                    .runOn(TcpResources.get(), epoll)
                    // Nothing may be read before NettyDuplexConnection's handler is in place.
                    .option(ChannelOption.AUTO_READ, false)
                    .connect()
                    .onErrorMap(e -> !(e instanceof TransportException), e -> UdsSockets.connectFailure(path, e))
                    .map(connection -> {
                        UdsPeerAddress listener;
                        try {
                            listener = UdsSockets.peerOf(connection.channel(), path);
                        } catch (TransportException e) {
                            connection.dispose();
                            throw e;
                        }
                        String refusal = policy.refusal(listener);
                        if (refusal != null) {
                            connection.dispose();
                            throw new TransportException("refusing the listener on " + path + ": " + refusal);
                        }
                        return (DuplexConnection) new NettyDuplexConnection(connection, maxFrameLength, listener);
                    })
                    .doOnDiscard(DuplexConnection.class, DuplexConnection::dispose);
        });
    }

    static int checkMaxFrameLength(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        return maxFrameLength;
    }

    @Override
    public String toString() {
        return "UdsClientTransport[" + path + "]";
    }
}
