package dev.blazedb.transport.uds;

import dev.blazedb.internal.netty.NettyDuplexConnection;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionAcceptor;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportException;
import io.netty.channel.ChannelOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;

/**
 * The listening side of the Unix domain socket transport.
 *
 * <pre>{@code
 * BoundServer server = UdsServerTransport.create(Path.of(dir, "blazedb.sock"))
 *         .bind(connection -> connection.send(connection.receive()))   // echo
 *         .block();
 * }</pre>
 *
 * <p>Binding, in order (on a bounded-elastic thread, since it touches files): the socket's
 * directory is created with {@code rwx------} if missing (one level only), or checked to belong
 * to this process's user and be closed to everyone else; a socket file left at the path by a
 * killed process is removed, while a live listener there is never disturbed (the bind fails with
 * a clear error); then the socket is bound and made {@code rw-------}. Each accepted connection's
 * peer credentials are checked before the acceptor sees it: a peer running as another user is
 * refused (told why in an error frame) unless {@link #allowUids its uid is allowed}. Disposing
 * the server closes its connections cleanly and removes the socket file.
 *
 * <p>Frames use {@link NettyDuplexConnection}'s format and bounds. Immutable: the {@code with}-style
 * methods return new instances.
 */
public final class UdsServerTransport implements ServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(UdsServerTransport.class);

    private final Path path;
    private final int maxFrameLength;
    private final UdsTransportMode mode;
    private final Set<Long> allowedUids;
    private final boolean requirePrivateDirectory;

    private UdsServerTransport(Path path, int maxFrameLength, UdsTransportMode mode, Set<Long> allowedUids,
            boolean requirePrivateDirectory) {
        this.path = path;
        this.maxFrameLength = maxFrameLength;
        this.mode = mode;
        this.allowedUids = allowedUids;
        this.requirePrivateDirectory = requirePrivateDirectory;
    }

    /**
     * A server transport listening on {@code socketPath}, with the defaults: the frame limit
     * {@link DuplexConnection#DEFAULT_MAX_FRAME_LENGTH}, {@link UdsTransportMode#AUTO}, only this
     * process's user admitted, a private directory required.
     *
     * @param socketPath the socket file to create
     * @return the transport
     * @throws IllegalArgumentException if the path is empty or too long for a Unix socket
     */
    public static UdsServerTransport create(Path socketPath) {
        Objects.requireNonNull(socketPath, "socketPath");
        return new UdsServerTransport(UdsSockets.normalize(socketPath.toString()), DuplexConnection.DEFAULT_MAX_FRAME_LENGTH,
                UdsTransportMode.AUTO, Set.of(), true);
    }

    /**
     * This transport with another frame limit (both ends of a connection must use the same).
     *
     * @param maxFrameLength the largest frame payload in bytes, positive
     * @return a new transport
     */
    public UdsServerTransport maxFrameLength(int maxFrameLength) {
        return new UdsServerTransport(path, UdsClientTransport.checkMaxFrameLength(maxFrameLength), mode, allowedUids,
                requirePrivateDirectory);
    }

    /**
     * This transport on another I/O path.
     *
     * @param mode epoll, NIO or automatic
     * @return a new transport
     */
    public UdsServerTransport mode(UdsTransportMode mode) {
        return new UdsServerTransport(path, maxFrameLength, Objects.requireNonNull(mode, "mode"), allowedUids,
                requirePrivateDirectory);
    }

    /**
     * This transport admitting peers running as {@code uids} besides this process's own user.
     *
     * @param uids the other user ids allowed to connect
     * @return a new transport
     */
    public UdsServerTransport allowUids(Set<Long> uids) {
        return new UdsServerTransport(path, maxFrameLength, mode, Set.copyOf(uids), requirePrivateDirectory);
    }

    /**
     * This transport with or without the private-directory check. Off, the socket may live in a
     * shared directory such as {@code /tmp}; peers are still checked by their credentials.
     *
     * @param required whether the socket's directory must be this user's and closed to others
     * @return a new transport
     */
    public UdsServerTransport requirePrivateDirectory(boolean required) {
        return new UdsServerTransport(path, maxFrameLength, mode, allowedUids, required);
    }

    /**
     * The socket path.
     *
     * @return the absolute path of the socket file
     */
    public Path path() {
        return path;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fails with a {@link TransportException} naming the path when the directory cannot be
     * created or is not private, when another listener is live on the path, or when the bind fails.
     */
    @Override
    public Mono<BoundServer> bind(ConnectionAcceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        return Mono.defer(() -> {
            boolean epoll = mode.useEpoll();
            UdsServer server = new UdsServer(acceptor, new UdsSockets.PeerPolicy(allowedUids));
            LoopResources loops = TcpResources.get();
            return Mono.fromRunnable(() -> {
                        UdsSockets.prepareDirectory(path, requirePrivateDirectory);
                        UdsSockets.clearStaleSocket(path);
                    })
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(TcpServer.create()
                            .bindAddress(() -> UdsSockets.address(path, epoll))
                            .runOn(loops, epoll)
                            // Nothing may be read before NettyDuplexConnection's handler is in place.
                            .childOption(ChannelOption.AUTO_READ, false)
                            .handle((in, out) -> server.handle(in))
                            .bind()
                            .onErrorMap(e -> !(e instanceof TransportException),
                                    e -> new TransportException("cannot listen on the Unix socket " + path + ": " + e, e)))
                    .publishOn(Schedulers.boundedElastic())
                    .map(bound -> server.bound(bound, UdsSockets.fileKey(path)))
                    .doOnDiscard(BoundServer.class, BoundServer::dispose);
        });
    }

    @Override
    public String toString() {
        return "UdsServerTransport[" + path + "]";
    }

    /** One bound server: its connections and its shutdown. */
    private final class UdsServer implements BoundServer {
        private final ConnectionAcceptor acceptor;
        private final UdsSockets.PeerPolicy policy;
        private final Set<NettyDuplexConnection> connections = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean disposed = new AtomicBoolean();
        private final Sinks.Empty<Void> closed = Sinks.empty();
        private volatile DisposableServer channel;
        private volatile Object fileKey;

        UdsServer(ConnectionAcceptor acceptor, UdsSockets.PeerPolicy policy) {
            this.acceptor = acceptor;
            this.policy = policy;
        }

        UdsServer bound(DisposableServer server, Object key) {
            this.channel = server;
            this.fileKey = key;
            LOG.info("listening on Unix socket {} ({})", path, server.channel().getClass().getSimpleName());
            return this;
        }

        Mono<Void> handle(NettyInbound in) {
            return Mono.create(sink -> in.withConnection(connection -> accept(connection, sink::success)));
        }

        private void accept(Connection connection, Runnable whenClosed) {
            UdsPeerAddress peer;
            try {
                peer = UdsSockets.peerOf(connection.channel(), path);
            } catch (TransportException e) {
                LOG.warn("refused a connection on {}: {}", path, e.getMessage());
                connection.dispose();
                whenClosed.run();
                return;
            }
            NettyDuplexConnection duplex = new NettyDuplexConnection(connection, maxFrameLength, peer);
            connections.add(duplex);
            duplex.onClose().subscribe(null, null, () -> {
                connections.remove(duplex);
                whenClosed.run();
            });
            String refusal = policy.refusal(peer);
            if (refusal != null) {
                LOG.warn("refused a connection on {}: {}", path, refusal);
                duplex.closeWithError(new RemoteTransportException(ErrorFrames.APPLICATION_ERROR, "refused: " + refusal));
                return;
            }
            if (disposed.get()) {
                duplex.dispose();
                return;
            }
            Mono<Void> accepted;
            try {
                accepted = Objects.requireNonNull(acceptor.accept(duplex), "the acceptor returned null");
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                accepted = Mono.error(t);
            }
            accepted.subscribe(null, error -> {
                if (!duplex.isDisposed()) {
                    duplex.closeWithError(error);
                }
            });
        }

        @Override
        public java.net.SocketAddress address() {
            return java.net.UnixDomainSocketAddress.of(path);
        }

        @Override
        public void dispose() {
            if (!disposed.compareAndSet(false, true)) {
                return;
            }
            List<NettyDuplexConnection> open = List.copyOf(connections);
            open.forEach(NettyDuplexConnection::dispose);
            DisposableServer server = channel;
            // The server channel closes once the connections have said goodbye, so that closing
            // it cannot cut a goodbye short; connections accepted meanwhile are closed at once.
            Flux.fromIterable(open).flatMap(DuplexConnection::onClose)
                    .then(Mono.defer(() -> {
                        if (server == null) {
                            return Mono.<Void>empty();
                        }
                        server.dispose();
                        return server.onDispose();
                    }))
                    .publishOn(Schedulers.boundedElastic())
                    .doOnTerminate(() -> UdsSockets.removeSocketFile(path, fileKey))
                    .subscribe(null, error -> closed.tryEmitEmpty(), closed::tryEmitEmpty);
        }

        @Override
        public boolean isDisposed() {
            return disposed.get();
        }

        @Override
        public Mono<Void> onClose() {
            return closed.asMono();
        }

        @Override
        public String toString() {
            return "UdsServer[" + path + (disposed.get() ? ", disposed]" : "]");
        }
    }
}
