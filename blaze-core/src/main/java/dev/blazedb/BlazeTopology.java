package dev.blazedb;

import dev.blazedb.internal.sync.SyncLink;
import dev.blazedb.internal.sync.SyncMetrics;
import dev.blazedb.internal.sync.SyncSession;
import dev.blazedb.internal.sync.SyncStore;
import dev.blazedb.internal.sync.SyncStores;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ConnectionInterceptor;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportProvider;
import dev.blazedb.transport.Transports;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Databases registered as nodes, and the sync connections between them.
 *
 * <pre>{@code
 * try (BlazeTopology topology = new BlazeTopology()) {
 *     NodeId id1 = topology.register(db1, "Database1", SyncRole.SERVER).block();
 *     NodeId id2 = topology.register(db2, "Database2", SyncRole.CLIENT).block();
 *     topology.connectLocal(id1, id2, ConnectionMode.BIDIRECTIONAL).block();
 *     UUID id = db1.insert(BlazeDataRecord.builder().put("message", "Hello from DB1!").build());
 *     // db2.changes() shows it as a remote change, on the inserting thread, microseconds later
 * }
 * }</pre>
 *
 * <p>Transports are found through {@link Transports}, never imported: {@link #connectLocal} needs
 * {@code dev.blazedb:blaze-transport-memory} on the class path and fails with a
 * {@link BlazeException} naming it when it is missing; {@link #connect} and {@link #listen} take
 * any transport. Every method is non-blocking and returns a cold {@code Mono} unless it says
 * otherwise; an unknown node id fails with {@link NodeNotFoundException}.
 *
 * <p>A node's id is its database's {@link BlazeDBClient#nodeId()}, so it is stable across
 * restarts of a file database, and so are the resume points that peers keep for it.
 */
public final class BlazeTopology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlazeTopology.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final Options options;
    private final SyncMetrics metrics;
    private final SyncSession.Config sessionConfig;
    private final SyncLink.Backoff backoff;
    private final String id = Long.toString(IDS.incrementAndGet()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong linkIds = new AtomicLong();
    private final Map<NodeId, Node> nodes = new ConcurrentHashMap<>();
    private final List<NodeId> order = new CopyOnWriteArrayList<>();
    private final Map<Set<NodeId>, SyncLink> localLinks = new ConcurrentHashMap<>();
    private final Set<SyncLink> links = ConcurrentHashMap.newKeySet();
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final Map<SyncLink, LocalTerms> localTerms = new ConcurrentHashMap<>();
    private final SyncLink.Owner owner = link -> {
        links.remove(link);
        localLinks.values().remove(link);
        localTerms.remove(link);
    };
    private volatile TransportProvider memory;
    private volatile boolean closed;

    private record Node(NodeInfo info, BlazeDBClient db, SyncStore store) {
    }

    /** A topology with the default options and no meters. */
    public BlazeTopology() {
        this(Options.defaults());
    }

    /** A topology with {@code options}. */
    public BlazeTopology(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.metrics = SyncMetrics.of(options.meterRegistry);
        this.sessionConfig = new SyncSession.Config(options.window, options.batchBytes, options.batchChanges,
                options.applyScheduler, options.conflictResolver, Duration.ofSeconds(2));
        this.backoff = new SyncLink.Backoff(options.reconnectMinBackoff, options.reconnectMaxBackoff, options.reconnectJitter);
    }

    // ------------------------------------------------------------------------------------------
    // Nodes

    /**
     * Registers {@code db} as a node; its security context is the user {@code name} with the role
     * {@code role} in lower case. Registering the same database again returns the same id.
     *
     * @return the node id, {@code db.nodeId()}
     */
    public Mono<NodeId> register(BlazeDBClient db, String name, SyncRole role) {
        return register(db, name, role, null);
    }

    /**
     * Registers {@code db} as a node that acts under {@code context} when row-level security is
     * respected by its peers.
     *
     * @return the node id, {@code db.nodeId()}
     */
    public Mono<NodeId> register(BlazeDBClient db, String name, SyncRole role, SecurityContext context) {
        return Mono.fromCallable(() -> {
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            checkOpen();
            if (db.isClosed()) {
                throw new DatabaseClosedException("database '" + db.name() + "' is closed");
            }
            SecurityContext ctx = context != null ? context
                    : SecurityContext.builder().user(name).role(role.name().toLowerCase(java.util.Locale.ROOT)).build();
            NodeId nodeId = db.nodeId();
            Node n = nodes.computeIfAbsent(nodeId, k -> {
                order.add(k);
                return new Node(new NodeInfo(k, name, role, db.name(), ctx), db, SyncStores.of(db));
            });
            if (n.db() != db) {
                throw new IllegalStateException("another database with node id " + nodeId + " is already registered");
            }
            return nodeId;
        });
    }

    /** The registered nodes, in registration order. */
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (NodeId n : order) {
            Node node = nodes.get(n);
            if (node != null) {
                out.add(node.info());
            }
        }
        return out;
    }

    private Node node(NodeId id) {
        Objects.requireNonNull(id, "node id");
        Node n = nodes.get(id);
        if (n == null) {
            throw new NodeNotFoundException(id);
        }
        return n;
    }

    private SecurityContext peerContext(SyncPolicy policy, NodeId peer) {
        if (policy.peerContext().isPresent()) {
            return policy.peerContext().get();
        }
        Node n = peer == null ? null : nodes.get(peer);
        return n != null ? n.info().context() : SecurityContext.anonymous();
    }

    // ------------------------------------------------------------------------------------------
    // Local links

    /**
     * Connects two registered nodes in this process over the in-memory transport, with
     * {@code mode} and otherwise the default policy. See {@link #connectLocal(NodeId, NodeId, SyncPolicy)}.
     */
    public Mono<SyncConnection> connectLocal(NodeId from, NodeId to, ConnectionMode mode) {
        return connectLocal(from, to, SyncPolicy.of(Objects.requireNonNull(mode, "mode")));
    }

    /**
     * Connects two registered nodes in this process over the in-memory transport (module
     * {@code dev.blazedb:blaze-transport-memory}). There is at most one link per pair of nodes:
     * connecting the same pair again, either way round, returns the existing link as long as it is
     * open and the directions agree (it fails with an {@link IllegalStateException} when they do
     * not). The Mono completes after the handshake; records that existed before are then being
     * streamed to the peer.
     *
     * @throws TransportNotFoundException (in the Mono) when the memory transport is missing
     */
    public Mono<SyncConnection> connectLocal(NodeId from, NodeId to, SyncPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        Mono<SyncConnection> m = Mono.defer(() -> {
            checkOpen();
            Node a = node(from);
            Node b = node(to);
            if (from.equals(to)) {
                throw new IllegalArgumentException("a node cannot connect to itself: " + from);
            }
            TransportProvider provider = memoryProvider();
            Set<NodeId> key = Set.of(from, to);
            SyncLink[] created = {null};
            SyncLink link = localLinks.compute(key, (k, existing) -> {
                if (existing != null && !existing.isDisposed()) {
                    return existing;
                }
                created[0] = newLocalLink(provider, a, b, policy);
                return created[0];
            });
            if (created[0] == null) {
                LocalTerms t = localTerms.get(link);
                boolean aSends = from.equals(t.from()) ? t.fromSends() : t.toSends();
                boolean bSends = from.equals(t.from()) ? t.toSends() : t.fromSends();
                if (aSends != policy.mode().fromSends() || bSends != policy.mode().toSends()) {
                    throw new IllegalStateException("nodes " + from + " and " + to + " are already connected with "
                            + t.describe() + "; disconnect that connection first");
                }
                return link.start();
            }
            links.add(created[0]);
            return created[0].start();
        });
        return memory == null ? m.subscribeOn(Schedulers.boundedElastic()) : m;
    }

    private record LocalTerms(NodeId from, NodeId to, boolean fromSends, boolean toSends, String mode) {
        String describe() {
            return "mode " + mode + " (from " + from + " to " + to + ")";
        }
    }

    private SyncLink newLocalLink(TransportProvider provider, Node a, Node b, SyncPolicy policy) {
        ConnectionMode mode = policy.mode();
        NodeId from = a.info().nodeId();
        NodeId to = b.info().nodeId();
        String address = "blazedb-topology-" + id + "-link-" + linkIds.incrementAndGet();
        ClientTransport client = provider.clientTransport(address);
        ServerTransport server = provider.serverTransport(address);
        BoundServer[] bound = {null};
        SecurityContext ctxOfA = peerContext(policy, from);
        SecurityContext ctxOfB = peerContext(policy, to);
        SyncLink[] self = {null};
        SyncLink link = new SyncLink(a.store(), from, to,
                () -> bound[0] != null ? intercepted(client) : server.bind(acceptor(self, b, from, mode, policy, ctxOfA))
                        .doOnNext(s -> bound[0] = s).then(intercepted(client)),
                mode.fromSends(), mode.toSends(),
                peer -> new SyncSession.PeerTerms(policy, mode.fromSends(), mode.toSends(), ctxOfB),
                sessionConfig, metrics, backoff, owner, () -> {
                    if (bound[0] != null) {
                        bound[0].dispose();
                    }
                });
        self[0] = link;
        localTerms.put(link, new LocalTerms(from, to, mode.fromSends(), mode.toSends(), mode.name()));
        return link;
    }

    private dev.blazedb.transport.ConnectionAcceptor acceptor(SyncLink[] link, Node b, NodeId from, ConnectionMode mode,
                                                               SyncPolicy policy, SecurityContext ctxOfA) {
        SyncMetrics.Recorder recorder = metrics.recorder(b.info().name(), from.toString());
        return conn -> {
            SyncSession s = new SyncSession(b.store(), conn, sessionConfig, link[0].peerListener(), recorder,
                    mode.toSends(), mode.fromSends(), from,
                    peer -> new SyncSession.PeerTerms(policy, mode.toSends(), mode.fromSends(), ctxOfA));
            link[0].attachPeerSession(s);
            s.start();
            return conn.onClose();
        };
    }

    /** A connection of {@code transport}, through the options' interceptor. */
    private Mono<DuplexConnection> intercepted(ClientTransport transport) {
        ConnectionInterceptor i = options.interceptor;
        return i == null ? transport.connect() : transport.connect().map(i::intercept);
    }

    private TransportProvider memoryProvider() {
        TransportProvider p = memory;
        if (p == null) {
            p = Transports.provider("memory");
            memory = p;
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------
    // Cross-app links: Unix domain sockets

    /** The ServiceLoader name of the Unix socket transport (module blaze-transport-uds). */
    private static final String UDS = "uds";

    /**
     * Serves the registered node {@code nodeId} on the Unix domain socket {@code socketPath}
     * (module {@code dev.blazedb:blaze-transport-uds}), for other processes on this machine to
     * connect to with {@link #connectCrossApp(NodeId, String, ConnectionMode)}; each peer's node
     * id, database name and protocol version are exchanged in the handshake. The socket's
     * directory is created private to this user if missing (or must be so already), a stale socket
     * file left by a killed process is replaced, and a live listener on the path is never taken
     * over: the Mono fails with a {@link BlazeException} naming the path. Peers running as another
     * user are refused.
     *
     * @throws TransportNotFoundException (in the Mono) when the Unix socket transport is missing
     */
    public Mono<CrossAppListener> listenCrossApp(NodeId nodeId, String socketPath) {
        return listenCrossApp(nodeId, socketPath, SyncPolicy.defaults());
    }

    /**
     * {@link #listenCrossApp(NodeId, String)} with {@code policy}; the serving node is the
     * {@code from} node of {@link SyncPolicy#mode()}.
     */
    public Mono<CrossAppListener> listenCrossApp(NodeId nodeId, String socketPath, SyncPolicy policy) {
        Objects.requireNonNull(socketPath, "socketPath");
        return Mono.fromCallable(() -> Transports.provider(UDS).serverTransport(socketPath))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(server -> listen(nodeId, server, policy))
                .map(listener -> {
                    CrossApp crossApp = new CrossApp(listener, socketPath(listener, socketPath));
                    crossAppListeners.put(crossApp.socketPath(), crossApp);
                    return (CrossAppListener) crossApp;
                });
    }

    /**
     * Connects the registered node {@code nodeId} to the node listening on the Unix domain socket
     * {@code socketPath}, in this process or another (module {@code dev.blazedb:blaze-transport-uds});
     * the remote node id is learned in the handshake. This node is the {@code to} node of
     * {@code mode} ({@code READ_ONLY}: it receives only). When the listener goes away (its process
     * dies) the connection reconnects with backoff and resumes where it stopped; nobody listening
     * at the first attempt fails the Mono with a
     * {@link dev.blazedb.transport.ConnectionRefusedException} naming the path.
     */
    public Mono<SyncConnection> connectCrossApp(NodeId nodeId, String socketPath, ConnectionMode mode) {
        return connectCrossApp(nodeId, socketPath, SyncPolicy.of(Objects.requireNonNull(mode, "mode")));
    }

    /** {@link #connectCrossApp(NodeId, String, ConnectionMode)} with a whole {@code policy}. */
    public Mono<SyncConnection> connectCrossApp(NodeId nodeId, String socketPath, SyncPolicy policy) {
        Objects.requireNonNull(socketPath, "socketPath");
        return Mono.fromCallable(() -> Transports.provider(UDS).clientTransport(socketPath))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(client -> connect(nodeId, client, policy));
    }

    /**
     * The original guide's form, both nodes registered in this topology: serves {@code from} on
     * {@code socketPath} (reusing this topology's listener on that path if there is one) and
     * connects {@code to} to it. {@code mode} is read as in {@link #connectLocal}: {@code READ_ONLY}
     * sends changes only from {@code from} to {@code to}.
     */
    public Mono<SyncConnection> connectCrossApp(NodeId from, NodeId to, String socketPath, ConnectionMode mode) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(socketPath, "socketPath");
        SyncPolicy policy = SyncPolicy.of(mode);
        return Mono.defer(() -> {
            node(from);
            node(to);
            if (from.equals(to)) {
                throw new IllegalArgumentException("a node cannot connect to itself: " + from);
            }
            CrossApp existing = crossAppListeners.get(java.nio.file.Path.of(socketPath).toAbsolutePath().normalize().toString());
            Mono<CrossAppListener> listener = existing != null && !existing.isDisposed() && existing.nodeId().equals(from)
                    ? Mono.just(existing) : listenCrossApp(from, socketPath, policy);
            return listener.then(connectCrossApp(to, socketPath, policy));
        });
    }

    private static String socketPath(SyncListener listener, String requested) {
        SocketAddress address = listener.address();
        if (address instanceof java.net.UnixDomainSocketAddress) {
            return ((java.net.UnixDomainSocketAddress) address).getPath().toString();
        }
        return java.nio.file.Path.of(requested).toAbsolutePath().normalize().toString();
    }

    private final Map<String, CrossApp> crossAppListeners = new ConcurrentHashMap<>();

    /** A {@link SyncListener} on a Unix socket, with its path. */
    private final class CrossApp implements CrossAppListener {
        private final SyncListener listener;
        private final String socketPath;

        CrossApp(SyncListener listener, String socketPath) {
            this.listener = listener;
            this.socketPath = socketPath;
        }

        @Override
        public String socketPath() {
            return socketPath;
        }

        @Override
        public NodeId nodeId() {
            return listener.nodeId();
        }

        @Override
        public SocketAddress address() {
            return listener.address();
        }

        @Override
        public List<SyncConnection> connections() {
            return listener.connections();
        }

        @Override
        public void dispose() {
            crossAppListeners.remove(socketPath, this);
            listener.dispose();
        }

        @Override
        public boolean isDisposed() {
            return listener.isDisposed();
        }

        @Override
        public String toString() {
            return "CrossAppListener[" + socketPath + ", node " + listener.nodeId() + "]";
        }
    }

    // ------------------------------------------------------------------------------------------
    // Any transport

    /**
     * Connects the registered node {@code nodeId} to whatever node serves at the other end of
     * {@code transport}; the remote node id is learned in the handshake. The connecting node is
     * the {@code to} node of {@link SyncPolicy#mode()}: {@code READ_ONLY} makes it a replica.
     * After a transport failure the connection reconnects through {@code transport} with backoff.
     */
    public Mono<SyncConnection> connect(NodeId nodeId, ClientTransport transport, SyncPolicy policy) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(policy, "policy");
        return Mono.defer(() -> {
            checkOpen();
            Node n = node(nodeId);
            ConnectionMode mode = policy.mode();
            SyncLink link = new SyncLink(n.store(), nodeId, null, () -> intercepted(transport), mode.toSends(), mode.fromSends(),
                    peer -> new SyncSession.PeerTerms(policy, mode.toSends(), mode.fromSends(), peerContext(policy, peer)),
                    sessionConfig, metrics, backoff, owner, () -> { });
            links.add(link);
            return link.start();
        });
    }

    /**
     * Serves the registered node {@code nodeId} on {@code transport}: every peer that connects
     * (with {@link #connect}) gets a connection, listed in {@link #connections()}. The serving node
     * is the {@code from} node of {@link SyncPolicy#mode()}.
     */
    public Mono<SyncListener> listen(NodeId nodeId, ServerTransport transport, SyncPolicy policy) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(policy, "policy");
        return Mono.defer(() -> {
            checkOpen();
            Node n = node(nodeId);
            ConnectionMode mode = policy.mode();
            Listener l = new Listener(nodeId);
            return transport.bind(conn -> {
                SyncLink link = new SyncLink(n.store(), nodeId, null, null, mode.fromSends(), mode.toSends(),
                        peer -> new SyncSession.PeerTerms(policy, mode.fromSends(), mode.toSends(), peerContext(policy, peer)),
                        sessionConfig, metrics, backoff, owner, () -> l.accepted.remove(conn));
                l.accepted.put(conn, link);
                links.add(link);
                link.startAccepted(conn).subscribe(null, e -> LOG.debug("accepted connection failed: {}", e.toString()));
                return conn.onClose();
            }).map(bound -> {
                l.bound = bound;
                listeners.add(l);
                return (SyncListener) l;
            });
        });
    }

    private final class Listener implements SyncListener {
        final NodeId nodeId;
        final Map<DuplexConnection, SyncLink> accepted = new ConcurrentHashMap<>();
        volatile BoundServer bound;

        Listener(NodeId nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public NodeId nodeId() {
            return nodeId;
        }

        @Override
        public SocketAddress address() {
            return bound.address();
        }

        @Override
        public List<SyncConnection> connections() {
            List<SyncConnection> out = new ArrayList<>();
            for (SyncLink l : accepted.values()) {
                if (!l.isDisposed()) {
                    out.add(l);
                }
            }
            return out;
        }

        @Override
        public void dispose() {
            listeners.remove(this);
            for (SyncLink l : accepted.values()) {
                l.dispose();
            }
            BoundServer b = bound;
            if (b != null) {
                b.dispose();
            }
        }

        @Override
        public boolean isDisposed() {
            BoundServer b = bound;
            return b == null || b.isDisposed();
        }
    }

    // ------------------------------------------------------------------------------------------
    // All connections

    /** The open connections (not CLOSED or FAILED), local, outgoing and accepted. */
    public List<SyncConnection> connections() {
        List<SyncConnection> out = new ArrayList<>();
        for (SyncLink l : links) {
            if (!l.isDisposed()) {
                out.add(l);
            }
        }
        return out;
    }

    /** Disconnects every connection; completes when all are closed. */
    public Mono<Void> disconnectAll() {
        return Flux.fromIterable(new ArrayList<>(links)).flatMap(SyncConnection::disconnect).then();
    }

    /**
     * Completes when every connection of this topology is idle and a full pass over them saw no
     * node's log grow: changes relayed through hubs have arrived everywhere. Fails after 64 passes
     * if writes keep coming.
     */
    public Mono<Void> awaitIdle() {
        return Mono.defer(() -> {
            long before = totalSequence();
            return Flux.fromIterable(connections()).concatMap(SyncConnection::awaitIdle).then(Mono.fromCallable(() -> {
                if (totalSequence() != before) {
                    throw new NotYetIdle();
                }
                return true;
            }));
        }).retryWhen(reactor.util.retry.Retry.max(63).filter(e -> e instanceof NotYetIdle)).then();
    }

    private static final class NotYetIdle extends BlazeTransientException {
        private static final long serialVersionUID = 1L;

        NotYetIdle() {
            super("the topology is still changing");
        }
    }

    private long totalSequence() {
        long sum = 0;
        for (Node n : nodes.values()) {
            if (!n.db().isClosed()) {
                sum += n.db().lastSequence();
            }
        }
        return sum;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the topology is closed");
        }
    }

    /**
     * Disconnects everything and stops every listener. Waits up to 10 seconds for the
     * connections to close unless called on a non-blocking thread. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Listener l : listeners) {
            l.dispose();
        }
        Mono<Void> all = disconnectAll();
        if (Schedulers.isInNonBlockingThread()) {
            all.subscribe();
        } else {
            try {
                all.block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("closing the topology: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "BlazeTopology[" + nodes.size() + " nodes, " + connections().size() + " connections]";
    }

    // ------------------------------------------------------------------------------------------

    /** Settings of a {@link BlazeTopology}; immutable, built with {@link #builder()}. */
    public static final class Options {
        private static final Options DEFAULTS = builder().build();

        final Object meterRegistry;
        final ConflictResolver conflictResolver;
        final Duration reconnectMinBackoff;
        final Duration reconnectMaxBackoff;
        final double reconnectJitter;
        final int window;
        final int batchBytes;
        final int batchChanges;
        final Scheduler applyScheduler;
        final ConnectionInterceptor interceptor;

        private Options(Builder b) {
            this.meterRegistry = b.meterRegistry;
            this.conflictResolver = b.conflictResolver;
            this.reconnectMinBackoff = b.reconnectMinBackoff;
            this.reconnectMaxBackoff = b.reconnectMaxBackoff;
            this.reconnectJitter = b.reconnectJitter;
            this.window = b.window;
            this.batchBytes = b.batchBytes;
            this.batchChanges = b.batchChanges;
            this.applyScheduler = b.applyScheduler;
            this.interceptor = b.interceptor;
        }

        /** The defaults. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** A builder starting from the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Options}. */
        public static final class Builder {
            private Object meterRegistry;
            private ConflictResolver conflictResolver;
            private Duration reconnectMinBackoff = Duration.ofMillis(50);
            private Duration reconnectMaxBackoff = Duration.ofSeconds(10);
            private double reconnectJitter = 0.5;
            private int window = 8192;
            private int batchBytes = 256 << 10;
            private int batchChanges = 1024;
            private Scheduler applyScheduler = Schedulers.boundedElastic();
            private ConnectionInterceptor interceptor;

            private Builder() {
            }

            /**
             * Records {@code blaze.sync.*} meters in {@code registry} (Micrometer is an optional
             * dependency: without this call it is never loaded).
             */
            public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
                this.meterRegistry = Objects.requireNonNull(registry, "registry");
                return this;
            }

            /** Resolves conflicting field versions (default: last writer wins). */
            public Builder conflictResolver(ConflictResolver resolver) {
                this.conflictResolver = Objects.requireNonNull(resolver, "resolver");
                return this;
            }

            /**
             * The reconnect backoff: the first delay, doubling per attempt up to {@code max},
             * each varied by +-{@code jitter} (0..1). Default 50 ms, 10 s, 0.5.
             */
            public Builder reconnectBackoff(Duration min, Duration max, double jitter) {
                if (min.isNegative() || min.isZero() || max.compareTo(min) < 0 || jitter < 0 || jitter > 1) {
                    throw new IllegalArgumentException("backoff needs 0 < min <= max and 0 <= jitter <= 1");
                }
                this.reconnectMinBackoff = min;
                this.reconnectMaxBackoff = max;
                this.reconnectJitter = jitter;
                return this;
            }

            /** The most changes a sender keeps unacknowledged per connection (default 8192). */
            public Builder window(int changes) {
                if (changes < 1) {
                    throw new IllegalArgumentException("window must be positive");
                }
                this.window = changes;
                return this;
            }

            /** The target size of one CHANGES batch, bytes and changes (default 256 KiB, 1024). */
            public Builder batch(int bytes, int changes) {
                if (bytes < 1024 || changes < 1) {
                    throw new IllegalArgumentException("batch needs at least 1 KiB and 1 change");
                }
                this.batchBytes = bytes;
                this.batchChanges = changes;
                return this;
            }

            /**
             * Where received changes are applied when the transport delivers them on a
             * non-blocking thread (default {@link Schedulers#boundedElastic()}); it must allow blocking.
             */
            public Builder applyScheduler(Scheduler scheduler) {
                this.applyScheduler = Objects.requireNonNull(scheduler, "scheduler");
                return this;
            }

            /**
             * Decorates every transport connection the topology opens (reconnects included)
             * before sync uses it; see {@link ConnectionInterceptor}. Default: none.
             */
            public Builder connectionInterceptor(ConnectionInterceptor interceptor) {
                this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
                return this;
            }

            /** The options. */
            public Options build() {
                return new Options(this);
            }
        }
    }
}
