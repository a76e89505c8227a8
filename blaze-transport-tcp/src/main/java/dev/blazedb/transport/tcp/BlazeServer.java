package dev.blazedb.transport.tcp;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeException;
import dev.blazedb.BlazeTopology;
import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncListener;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.internal.sync.SyncLink;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves one database to any number of clients over TCP: the hub of a hub-and-spoke topology.
 * A change a client writes reaches every other client through the server.
 *
 * <pre>{@code
 * try (BlazeServer server = new BlazeServer("ServerDB", 8080, db, "secret-token")) {
 *     server.start().block();
 *     System.out.println("pin " + server.tlsFingerprint() + " on port " + server.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>Every connection runs TLS 1.3 (unless {@linkplain Builder#tls(boolean) switched off}, which is
 * logged as a warning), then the secure session ({@link SecureSession}: the clients prove the
 * token, frames are sealed end to end when the client or {@link Builder#encryptionMode} asks),
 * then sync. The TLS identity is generated on first start and kept beside the database
 * ({@link TlsIdentity#besideDatabase}), held in memory for an in-memory database, or supplied with
 * {@link Builder#identity}. Limits ({@link Builder}): handshake timeout, maximum connections,
 * maximum frame size; each breach is refused with an error the client sees and a log line.
 */
public final class BlazeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlazeServer.class);

    private final String database;
    private final String host;
    private final int requestedPort;
    private final BlazeDBClient localDB;
    private final String authToken;
    private final boolean tls;
    private final TlsIdentity suppliedIdentity;
    private final int maxConnections;
    private final int maxFrameLength;
    private final Duration handshakeTimeout;
    private final EncryptionMode encryptionMode;
    private final SyncPolicy policy;
    private final BlazeTopology.Options topologyOptions;
    private final boolean advertise;
    private final ServerMetrics metrics;

    private volatile BlazeTopology topology;
    /** Withdraws the mDNS advertisement; null when not advertised. */
    private volatile Disposable advertisement;
    private volatile SyncListener listener;
    private volatile TlsIdentity identity;
    private volatile int port = -1;

    /**
     * A server for {@code localDB} announced as {@code database}, on {@code port} (0 for any free
     * one), with TLS and the default limits; clients must prove {@code authToken}.
     *
     * @param database the name clients connect to ({@link dev.blazedb.RemoteNode#database()})
     * @param port the TCP port, 0 for any free one (see {@link #port()})
     * @param localDB the database to serve
     * @param authToken the shared token; null only with {@link Builder#allowUnauthenticated()}
     * @throws IllegalArgumentException if the token is null or empty
     */
    public BlazeServer(String database, int port, BlazeDBClient localDB, String authToken) {
        this(builder().database(database).port(port).localDB(localDB).authToken(authToken));
    }

    private BlazeServer(Builder b) {
        this.localDB = Objects.requireNonNull(b.localDB, "localDB");
        this.database = b.database != null ? b.database : b.localDB.name();
        this.host = b.host;
        this.requestedPort = b.port;
        this.authToken = b.authToken;
        this.tls = b.tls;
        this.suppliedIdentity = b.identity;
        this.maxConnections = b.maxConnections;
        this.maxFrameLength = b.maxFrameLength;
        this.handshakeTimeout = b.handshakeTimeout;
        this.encryptionMode = b.encryptionMode;
        this.policy = b.policy;
        this.topologyOptions = b.topologyOptions;
        this.advertise = b.advertise;
        if (authToken == null && !b.allowUnauthenticated) {
            throw new IllegalArgumentException("a BlazeServer needs an auth token; to serve without one, say so with"
                    + " BlazeServer.builder().allowUnauthenticated()");
        }
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("a port is 0..65535: " + b.port);
        }
        SecureSession.Config.builder(NodeId.random(), database); // validates the name early
        this.metrics = ServerMetrics.of(b.meterRegistry, database);
    }

    /**
     * A builder.
     *
     * @return a builder with the defaults: all interfaces, port 0, TLS on, 1024 connections,
     *     16 MiB frames, 10 s handshake timeout
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving. Blocking work (reading or generating the TLS identity)
     * runs on {@code boundedElastic}.
     *
     * @return completes once the server accepts connections
     */
    public Mono<Void> start() {
        return Mono.defer(() -> {
            if (topology != null) {
                return Mono.error(new IllegalStateException("the server is already started"));
            }
            TlsIdentity id = null;
            if (tls) {
                id = suppliedIdentity != null ? suppliedIdentity : TlsIdentity.besideDatabase(localDB);
            } else {
                LOG.warn("BlazeServer '{}' serves without TLS: only frames sealed end to end (E2E_ONLY) are protected"
                        + " on the network", database);
            }
            identity = id;
            BlazeTopology t = new BlazeTopology(topologyOptions);
            topology = t;
            SecureSession.Config config = SecureSession.Config.builder(localDB.nodeId(), database)
                    .token(authToken)
                    .encryption(encryptionMode)
                    .handshakeTimeout(handshakeTimeout)
                    .build();
            ServerTransport raw = TcpServerTransport.create(host, requestedPort, maxFrameLength, id, maxConnections, metrics);
            // SecureSession.server(raw, config), with the handshake metered when there are meters.
            ServerTransport secure = acceptor -> raw.bind(c -> {
                Mono<DuplexConnection> handshake = SecureSession.server(c, config);
                return (c instanceof MeteredConnection m ? m.meterHandshake(handshake) : handshake)
                        .onErrorResume(e -> Mono.empty())
                        .flatMap(acceptor::accept);
            });
            return t.register(localDB, database, SyncRole.SERVER)
                    .flatMap(node -> t.listen(node, secure, policy))
                    .doOnNext(l -> {
                        listener = l;
                        metrics.started();
                        port = ((InetSocketAddress) l.address()).getPort();
                        LOG.info("BlazeServer '{}' listening on {}:{}{}", database, host, port,
                                identity != null ? " (TLS, SHA-256 " + identity.fingerprint() + ")" : " (no TLS)");
                    })
                    // Off the event loop: finding the advertiser reads jars, starting mDNS blocks.
                    .then(Mono.defer(() -> advertise
                            ? ServerAdvertiser.load().advertise(this).doOnNext(a -> advertisement = a).then()
                            : Mono.<Void>empty()).subscribeOn(Schedulers.boundedElastic()))
                    .doOnError(e -> {
                        metrics.stopped();
                        t.close();
                    })
                    .then();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The bound port once started (the real one when 0 was asked for); before, the requested one.
     *
     * @return the port
     */
    public int port() {
        int p = port;
        return p >= 0 ? p : requestedPort;
    }

    /**
     * The SHA-256 fingerprint (lower-case hex) of the server's TLS certificate, which clients pin
     * with {@link dev.blazedb.RemoteNode.Builder#pinnedFingerprint}.
     *
     * @return the fingerprint, or null when TLS is off
     * @throws IllegalStateException before {@link #start()} (the identity is loaded when starting)
     */
    public String tlsFingerprint() {
        if (!tls) {
            return null;
        }
        TlsIdentity id = identity;
        if (id == null) {
            throw new IllegalStateException("the TLS identity is loaded by start(): start the server first");
        }
        return id.fingerprint();
    }

    /** The address the server binds ({@code 0.0.0.0}: every interface). */
    public String host() {
        return host;
    }

    /** The database name clients connect to. */
    public String database() {
        return database;
    }

    /** The served database's node id. */
    public NodeId nodeId() {
        return localDB.nodeId();
    }

    /** Whether TLS is on. */
    public boolean tls() {
        return tls;
    }

    /** The clients connected now. */
    public List<SyncConnection> connections() {
        SyncListener l = listener;
        return l == null ? List.of() : l.connections();
    }

    /**
     * Completes when every client connection is idle (both sides have nothing left to send).
     *
     * @return a Mono completing when idle
     */
    public Mono<Void> awaitIdle() {
        BlazeTopology t = topology;
        return t == null ? Mono.empty() : t.awaitIdle();
    }

    /**
     * Stops accepting, closes every client connection (clients see the server go away and
     * reconnect with backoff) and releases the port. The database stays open. Idempotent.
     *
     * @return completes when stopped
     */
    public Mono<Void> stop() {
        return Mono.defer(() -> {
            Disposable a = advertisement;
            advertisement = null;
            if (a != null) {
                a.dispose(); // returns at once; the goodbye goes out in the background
            }
            SyncListener l = listener;
            listener = null;
            if (l == null) {
                return Mono.empty();
            }
            // Tell every client the server is shutting down (they reconnect with backoff), not
            // that they were disconnected for good.
            return Flux.fromIterable(l.connections())
                    .flatMap(c -> c instanceof SyncLink link ? link.shutdown() : c.disconnect())
                    .then()
                    .timeout(Duration.ofSeconds(5), Mono.empty())
                    .onErrorResume(e -> Mono.empty())
                    .then(Mono.fromRunnable(() -> {
                        l.dispose();
                        metrics.stopped();
                        BlazeTopology t = topology;
                        topology = null;
                        if (t != null) {
                            t.close();
                        }
                        port = -1;
                    }).subscribeOn(Schedulers.boundedElastic()))
                    .then();
        });
    }

    /** {@link #stop()}, waiting up to 10 seconds (unless called on a non-blocking thread). */
    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            stop().subscribe();
        } else {
            try {
                stop().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                throw new BlazeException("stopping the server: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "BlazeServer[" + database + " on " + host + ":" + port() + (tls ? ", TLS" : ", no TLS") + "]";
    }

    /** Builds a {@link BlazeServer}. */
    public static final class Builder {
        private String database;
        private String host = "0.0.0.0";
        private int port;
        private BlazeDBClient localDB;
        private String authToken;
        private boolean allowUnauthenticated;
        private boolean tls = true;
        private boolean advertise;
        private TlsIdentity identity;
        private int maxConnections = 1024;
        private int maxFrameLength = DuplexConnection.DEFAULT_MAX_FRAME_LENGTH;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private EncryptionMode encryptionMode = EncryptionMode.SMART_PROXY;
        private SyncPolicy policy = new SyncPolicy();
        private BlazeTopology.Options topologyOptions = BlazeTopology.Options.defaults();
        private Object meterRegistry;

        private Builder() {
        }

        /** The name clients connect to (default: the database's own name). */
        public Builder database(String database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** The address to bind (default {@code 0.0.0.0}: every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port, 0 (the default) for any free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The database to serve. */
        public Builder localDB(BlazeDBClient db) {
            this.localDB = Objects.requireNonNull(db, "db");
            return this;
        }

        /** The shared token clients must prove. */
        public Builder authToken(String token) {
            this.authToken = token == null || token.isEmpty() ? null : token;
            return this;
        }

        /** Serves without a token: any client that reaches the port may sync. */
        public Builder allowUnauthenticated() {
            this.allowUnauthenticated = true;
            return this;
        }

        /**
         * Whether {@link BlazeServer#start()} also advertises the server on the local network
         * over mDNS (default false), so clients find it with {@code BlazeDiscovery.browse()};
         * {@link BlazeServer#stop()} withdraws it. Needs the module
         * {@code dev.blazedb:blaze-discovery} on the class path (see {@link ServerAdvertiser});
         * it advertises on the interface of {@link #host(String)}, or on the default one when
         * the server binds every interface.
         */
        public Builder advertise(boolean advertise) {
            this.advertise = advertise;
            return this;
        }

        /** TLS 1.3 on (the default) or off (logged as a warning). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * A TLS identity to present instead of the one generated and kept beside the database,
         * for example a certificate issued by the user's own CA:
         * {@code TlsIdentity.of(privateKey, List.of(serverCertificate, intermediateCa))}. Clients
         * then trust it with {@code RemoteNode.builder(..).trustedCertificates(rootCa)}, which
         * checks, as HTTPS does, the validity dates, the chain and that a subject alternative
         * name of the certificate is the host they dial; or they pin its fingerprint
         * ({@link BlazeServer#tlsFingerprint()}). Ignored with {@link #tls(boolean) tls(false)}.
         *
         * @param identity the private key and the certificate chain, the server's certificate first
         * @return this builder
         */
        public Builder identity(TlsIdentity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** The most client connections open at once (default 1024); more are refused. */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be positive");
            }
            this.maxConnections = max;
            return this;
        }

        /** The largest frame accepted (default 16 MiB); clients must use the same. */
        public Builder maxFrameLength(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxFrameLength must be at least 1 KiB");
            }
            this.maxFrameLength = bytes;
            return this;
        }

        /** How long a client may take for the secure handshake (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * {@link EncryptionMode#E2E_ONLY} seals every connection's frames; the default,
         * {@link EncryptionMode#SMART_PROXY}, seals them when the client asks.
         */
        public Builder encryptionMode(EncryptionMode mode) {
            this.encryptionMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The policy for the server's side of every connection (default {@code new SyncPolicy()}). */
        public Builder policy(SyncPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Options of the server's topology, such as a meter registry for {@code blaze.sync.*}. */
        public Builder topologyOptions(BlazeTopology.Options options) {
            this.topologyOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Records the server's {@code blaze.transport.*} meters in {@code registry}: connections
         * accepted, active and refused (by reason), handshake time, bytes and frames in and out
         * (docs/tcp-security.md, "Meters"). Micrometer is an optional dependency: without this
         * call it is never loaded and the server adds nothing to its connections. The counters stay
         * registered when the server stops, so counts carry over a restart; the active-connections
         * gauge is there while the server serves. For the sync meters
         * ({@code blaze.sync.*}) give the registry to {@link #topologyOptions} as well.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The server (not started). */
        public BlazeServer build() {
            return new BlazeServer(this);
        }
    }
}
