package dev.blazedb.transport.tcp;

import dev.blazedb.internal.netty.NettyDuplexConnection;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionAcceptor;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.LimitExceededException;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportException;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * Listens on a TCP port, with TLS when given an {@link SslContext}, and hands each accepted
 * connection (after the TLS handshake) to the acceptor as a {@link NettyDuplexConnection}.
 *
 * <p>Limits, each enforced with an error frame telling the peer and a log line: at most
 * {@code maxConnections} open connections (more are refused with a {@link LimitExceededException},
 * code {@code LIMIT_EXCEEDED}); frames over {@code maxFrameLength} (refused from their header,
 * before the body is read, code {@code FRAME_TOO_LARGE}). Memory per connection is bounded by the
 * framing: one partial frame (at most {@code maxFrameLength}) plus a receive prefetch of 32 frames
 * or 1 MiB, plus Netty's write-buffer high-water mark on the way out, plus fixed 1 MiB kernel
 * socket buffers each way. TLS handshakes time out
 * after 30 s; the secure session adds its own handshake timeout on top.
 */
public final class TcpServerTransport implements ServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(TcpServerTransport.class);

    /**
     * The kernel socket buffers, each way, both sides: fixed (no autotuning, which on Linux grows
     * them to tens of MiB) so that what a connection holds beyond its receiver's demand stays
     * bounded; 1 MiB keeps loopback and LAN links full.
     */
    static final int SOCKET_BUFFER = 1 << 20;

    private final String host;
    private final int port;
    private final int maxFrameLength;
    private final SslContext ssl;
    private final int maxConnections;
    private final ServerMetrics metrics;

    /** When a channel was accepted (System.nanoTime()), set only with metrics. */
    private static final AttributeKey<Long> ACCEPTED_AT = AttributeKey.valueOf("blaze.acceptedAt");
    /** Set once a channel reached {@code handle} (its TLS handshake, if any, passed). */
    private static final AttributeKey<Boolean> HANDLED = AttributeKey.valueOf("blaze.handled");

    private TcpServerTransport(String host, int port, int maxFrameLength, SslContext ssl, int maxConnections,
                               ServerMetrics metrics) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("a port is 0..65535: " + port);
        }
        if (maxFrameLength <= 0 || maxConnections <= 0) {
            throw new IllegalArgumentException("maxFrameLength and maxConnections must be positive");
        }
        this.port = port;
        this.maxFrameLength = maxFrameLength;
        this.ssl = ssl;
        this.maxConnections = maxConnections;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * A server transport.
     *
     * @param host the address to bind ({@code 0.0.0.0} for all, {@code 127.0.0.1} for loopback)
     * @param port the port, 0 for any free one
     * @param maxFrameLength the frame limit (clients must use the same)
     * @param ssl the server TLS context, or null for plain TCP
     * @param maxConnections the most connections open at once
     * @return the transport
     */
    public static TcpServerTransport create(String host, int port, int maxFrameLength, SslContext ssl, int maxConnections) {
        return new TcpServerTransport(host, port, maxFrameLength, ssl, maxConnections, ServerMetrics.NOOP);
    }

    /**
     * A server transport that presents {@code identity} over TLS 1.3, or plain TCP when it is null.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @param maxFrameLength the frame limit
     * @param identity the TLS identity, or null for plain TCP
     * @param maxConnections the most connections open at once
     * @return the transport
     */
    public static TcpServerTransport create(String host, int port, int maxFrameLength, TlsIdentity identity,
                                            int maxConnections) {
        return create(host, port, maxFrameLength, identity, maxConnections, ServerMetrics.NOOP);
    }

    /** As {@link #create(String, int, int, TlsIdentity, int)}, recording in {@code metrics} (BlazeServer). */
    static TcpServerTransport create(String host, int port, int maxFrameLength, TlsIdentity identity,
                                     int maxConnections, ServerMetrics metrics) {
        return new TcpServerTransport(host, port, maxFrameLength, identity == null ? null : Tls.server(identity),
                maxConnections, metrics);
    }

    @Override
    public Mono<BoundServer> bind(ConnectionAcceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        return Mono.defer(() -> {
            Bound bound = new Bound();
            TcpServer server = TcpServer.create()
                    .host(host)
                    .port(port)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .handle((in, out) -> bound.accept((Connection) in, acceptor));
            if (metrics.enabled()) {
                MeteredConnection.ByteCounter counter = new MeteredConnection.ByteCounter(metrics);
                // Runs after Reactor Netty has set up the pipeline (TLS included): first place is
                // closest to the socket, so the counter sees the bytes on the network.
                server = server.doOnChannelInit((observer, channel, remote) -> {
                    channel.attr(ACCEPTED_AT).set(System.nanoTime());
                    channel.pipeline().addFirst(MeteredConnection.ByteCounter.NAME, counter);
                    channel.closeFuture().addListener(f -> {
                        if (channel.attr(HANDLED).get() == null) {
                            metrics.refused(ServerMetrics.Refusal.TLS_HANDSHAKE);
                        }
                    });
                });
            }
            if (ssl != null) {
                server = server.secure(spec -> spec.sslContext(ssl).handshakeTimeout(Tls.HANDSHAKE_TIMEOUT));
            }
            return server.bind()
                    .onErrorMap(e -> new TransportException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e))
                    .map(s -> {
                        bound.server = s;
                        LOG.debug("listening on {}{}", s.address(), ssl != null ? " (TLS)" : "");
                        return (BoundServer) bound;
                    });
        });
    }

    private final class Bound implements BoundServer {
        private final Set<NettyDuplexConnection> open = ConcurrentHashMap.newKeySet();
        private final AtomicInteger count = new AtomicInteger();
        private final Sinks.Empty<Void> closed = Sinks.empty();
        private volatile DisposableServer server;
        private volatile boolean disposed;

        Mono<Void> accept(Connection connection, ConnectionAcceptor acceptor) {
            NettyDuplexConnection d = new NettyDuplexConnection(connection, maxFrameLength, null);
            connection.channel().attr(HANDLED).set(Boolean.TRUE);
            if (disposed) {
                d.dispose();
                return d.onClose();
            }
            if (count.incrementAndGet() > maxConnections) {
                count.decrementAndGet();
                metrics.refused(ServerMetrics.Refusal.MAX_CONNECTIONS);
                LOG.warn("refusing {}: the server has its limit of {} connections open", d.remoteAddress(), maxConnections);
                d.closeWithError(new LimitExceededException("the server at " + host + ":" + port + " has its limit of "
                        + maxConnections + " connections open; try again later"));
                return d.onClose();
            }
            open.add(d);
            metrics.accepted();
            d.onClose().subscribe(null, null, () -> {
                open.remove(d);
                count.decrementAndGet();
                metrics.closed();
            });
            if (disposed) {
                d.dispose();
                return d.onClose();
            }
            Mono<Void> accepted;
            try {
                Long acceptedAt = connection.channel().attr(ACCEPTED_AT).get();
                DuplexConnection handed = acceptedAt == null ? d : new MeteredConnection(d, metrics, acceptedAt);
                accepted = Objects.requireNonNull(acceptor.accept(handed), "the acceptor returned null");
            } catch (RuntimeException e) {
                accepted = Mono.error(e);
            }
            accepted.subscribe(null, d::closeWithError);
            return d.onClose();
        }

        @Override
        public SocketAddress address() {
            return server.address();
        }

        @Override
        public void dispose() {
            if (disposed) {
                return;
            }
            disposed = true;
            DisposableServer s = server;
            // Connections say goodbye first; the listening channel closes after them, so that
            // closing it cannot cut a goodbye short. Connections accepted meanwhile close at once.
            Flux.fromIterable(List.copyOf(open)).flatMap(c -> {
                c.dispose();
                return c.onClose();
            }).then(Mono.defer(() -> {
                s.dispose();
                return s.onDispose();
            })).subscribe(null, e -> closed.tryEmitEmpty(), closed::tryEmitEmpty);
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }

        @Override
        public Mono<Void> onClose() {
            return closed.asMono();
        }

        @Override
        public String toString() {
            return "TcpServer[" + server.address() + (ssl != null ? ", TLS" : "") + ", " + count.get() + " connections]";
        }
    }

    @Override
    public String toString() {
        return "TcpServerTransport[" + host + ":" + port + (ssl != null ? ", TLS" : "") + "]";
    }
}
