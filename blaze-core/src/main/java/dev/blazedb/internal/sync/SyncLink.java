package dev.blazedb.internal.sync;

import dev.blazedb.BlazeException;
import dev.blazedb.ChangeRejectedException;
import dev.blazedb.ConnectionState;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncStatus;
import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.DuplexConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * A {@link SyncConnection}: the logical link that survives transport failures. It owns the
 * current {@link SyncSession} (and, for a link between two local nodes, the peer side's session
 * too), reconnects with exponential backoff after the transport fails, and keeps the totals.
 */
public final class SyncLink implements SyncConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLink.class);

    /** Reconnect backoff: {@code min * 2^(attempt-1)}, capped at {@code max}, times 1 +- {@code jitter}. */
    public record Backoff(Duration min, Duration max, double jitter) {

        /** The delay before reconnect attempt {@code attempt} (from 1). */
        public Duration delay(int attempt) {
            double base = min.toNanos() * Math.pow(2, Math.min(30, attempt - 1));
            double capped = Math.min(base, max.toNanos());
            double j = jitter <= 0 ? 1 : 1 + jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
            return Duration.ofNanos((long) Math.max(min.toNanos() / 2.0, capped * j));
        }
    }

    /** Told when a link is closed for good, so its owner can forget it. */
    public interface Owner {
        /** The link reached CLOSED or FAILED. */
        void linkEnded(SyncLink link);
    }

    private final SyncStore store;
    private final NodeId localNode;
    private final NodeId expectedPeer;
    private final Supplier<Mono<DuplexConnection>> connector;
    private final boolean offerSend;
    private final boolean offerReceive;
    private final Function<NodeId, SyncSession.PeerTerms> terms;
    private final SyncSession.Config config;
    private final SyncMetrics metrics;
    private final Backoff backoff;
    private final Owner owner;

    private final Sinks.Many<ConnectionState> states = Sinks.many().replay().latest();
    private final Sinks.Many<Optional<SyncSession>> sessions = Sinks.many().replay().latest();
    private final Sinks.One<NodeId> remote = Sinks.one();
    private final Sinks.One<SyncConnection> ready = Sinks.one();
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final AtomicBoolean started = new AtomicBoolean();

    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile SyncSession session;
    private volatile SyncSession peerSession;
    private volatile SyncMetrics.Recorder recorder;
    private volatile Throwable lastError;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private int attempt;
    private boolean everConnected;
    private boolean closing;
    private Disposable reconnectTask;
    private final Runnable onClose;

    /**
     * Creates a link; {@link #start()} connects.
     *
     * @param localNode    the node this link reports as local
     * @param expectedPeer the peer, when known before the handshake
     * @param connector    opens a new transport connection (called again on every reconnect)
     * @param onClose      run once when the link is closed for good (disposes local servers)
     */
    public SyncLink(SyncStore store, NodeId localNode, NodeId expectedPeer, Supplier<Mono<DuplexConnection>> connector,
                    boolean offerSend, boolean offerReceive, Function<NodeId, SyncSession.PeerTerms> terms,
                    SyncSession.Config config, SyncMetrics metrics, Backoff backoff, Owner owner, Runnable onClose) {
        this.store = store;
        this.localNode = localNode;
        this.expectedPeer = expectedPeer;
        this.connector = connector;
        this.offerSend = offerSend;
        this.offerReceive = offerReceive;
        this.terms = terms;
        this.config = config;
        this.metrics = metrics;
        this.backoff = backoff;
        this.owner = owner;
        this.onClose = onClose;
        states.tryEmitNext(ConnectionState.CONNECTING);
        sessions.tryEmitNext(Optional.empty());
        if (expectedPeer != null) {
            remote.tryEmitValue(expectedPeer);
            recorder = metrics.recorder(store.name(), expectedPeer.toString());
            recorder.gauges(this, l -> l.status().lag().toNanos() / 1e9, l -> l.status().pending());
        }
    }

    /** Connects (once); the Mono completes with this link after the first handshake, or fails. */
    public Mono<SyncConnection> start() {
        if (started.compareAndSet(false, true)) {
            connect();
        }
        return ready.asMono();
    }

    /** Starts a link over a connection already accepted by a server: no reconnect. */
    public Mono<SyncConnection> startAccepted(DuplexConnection connection) {
        if (started.compareAndSet(false, true)) {
            synchronized (this) {
                setState(ConnectionState.HANDSHAKING);
                openSession(connection);
            }
        }
        return ready.asMono();
    }

    /** Registers the session of the other end of a local link, for status and closing. */
    public synchronized void attachPeerSession(SyncSession s) {
        SyncSession old = peerSession;
        peerSession = s;
        if (old != null && old != s) {
            old.close();
        }
        if (closing) {
            s.close();
        }
    }

    /** Forgets the other end's session once it ended. */
    public synchronized void detachPeerSession(SyncSession s) {
        if (peerSession == s) {
            peerSession = null;
        }
    }

    /** A listener for the other end's session of a local link. */
    public SyncSession.Listener peerListener() {
        return new SyncSession.Listener() {
            @Override
            public void progress(SyncSession s) {
                refresh();
            }

            @Override
            public void ended(SyncSession s, SyncSession.Outcome outcome, Throwable error) {
                detachPeerSession(s);
            }
        };
    }

    private void connect() {
        synchronized (this) {
            if (closing) {
                return;
            }
            setState(ConnectionState.CONNECTING);
        }
        Mono<DuplexConnection> m;
        try {
            m = connector.get();
        } catch (RuntimeException e) {
            connectFailed(e);
            return;
        }
        m.subscribe(conn -> {
            synchronized (this) {
                if (closing) {
                    conn.dispose();
                    return;
                }
                setState(ConnectionState.HANDSHAKING);
                openSession(conn);
            }
        }, this::connectFailed);
    }

    private void openSession(DuplexConnection conn) {
        SyncSession s = new SyncSession(store, conn, config, new Listener(), recorderOrNoop(), offerSend, offerReceive,
                expectedPeer, terms);
        session = s;
        s.start();
    }

    private SyncMetrics.Recorder recorderOrNoop() {
        SyncMetrics.Recorder r = recorder;
        return r != null ? r : new LateRecorder();
    }

    /** Forwards to the recorder created once the peer is known. */
    private final class LateRecorder implements SyncMetrics.Recorder {
        @Override
        public void sent(int changes) {
            SyncMetrics.Recorder r = recorder;
            if (r != null) {
                r.sent(changes);
            }
        }

        @Override
        public void received(int changes) {
            SyncMetrics.Recorder r = recorder;
            if (r != null) {
                r.received(changes);
            }
        }

        @Override
        public void applied(int changes) {
            SyncMetrics.Recorder r = recorder;
            if (r != null) {
                r.applied(changes);
            }
        }

        @Override
        public void rejected(int changes) {
            SyncMetrics.Recorder r = recorder;
            if (r != null) {
                r.rejected(changes);
            }
        }

        @Override
        public void applyLatency(long nanos) {
            SyncMetrics.Recorder r = recorder;
            if (r != null) {
                r.applyLatency(nanos);
            }
        }
    }

    private void connectFailed(Throwable e) {
        synchronized (this) {
            lastError = e;
            if (closing) {
                finishClose(ConnectionState.CLOSED);
                return;
            }
            if (!everConnected) {
                LOG.debug("{}: connecting failed: {}", this, e.toString());
                finishClose(ConnectionState.FAILED);
                ready.tryEmitError(e);
                return;
            }
            scheduleReconnect(e);
        }
    }

    private void scheduleReconnect(Throwable cause) {
        if (connector == null) {
            finishClose(ConnectionState.CLOSED);
            return;
        }
        attempt++;
        Duration d = backoff.delay(attempt);
        LOG.info("{}: {}; reconnecting in {} ms (attempt {})", this, cause == null ? "lost" : cause.getMessage(),
                d.toMillis(), attempt);
        setState(ConnectionState.RECONNECTING);
        reconnectTask = Mono.delay(d).subscribe(t -> connect());
    }

    private final class Listener implements SyncSession.Listener {
        @Override
        public void handshaken(SyncSession s) {
            NodeId peer = s.peer();
            synchronized (SyncLink.this) {
                if (session != s) {
                    return;
                }
                attempt = 0;
                everConnected = true;
                if (recorder == null) {
                    recorder = metrics.recorder(store.name(), peer.toString());
                    recorder.gauges(SyncLink.this, l -> l.status().lag().toNanos() / 1e9, l -> l.status().pending());
                }
                setState(ConnectionState.SYNCING);
            }
            remote.tryEmitValue(peer);
            sessions.emitNext(Optional.of(s), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            ready.tryEmitValue(SyncLink.this);
        }

        @Override
        public void progress(SyncSession s) {
            refresh();
        }

        @Override
        public void rejected(SyncSession s, ChangeRejectedException rejection) {
            lastError = rejection;
        }

        @Override
        public void ended(SyncSession s, SyncSession.Outcome outcome, Throwable error) {
            sessions.emitNext(Optional.empty(), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            synchronized (SyncLink.this) {
                if (session != s) {
                    return;
                }
                session = null;
                sent.add(s.sentCount());
                received.add(s.receivedCount());
                applied.add(s.appliedCount());
                rejected.add(s.rejectedCount());
                if (error != null) {
                    lastError = error;
                }
                if (closing) {
                    finishClose(ConnectionState.CLOSED);
                } else if (store.isClosed()) {
                    finishClose(ConnectionState.CLOSED);
                } else if (outcome == SyncSession.Outcome.FAILED) {
                    LOG.warn("{}: failed: {}", SyncLink.this, error == null ? "?" : error.getMessage());
                    finishClose(ConnectionState.FAILED);
                    ready.tryEmitError(error != null ? error : new BlazeException("the sync connection failed"));
                } else if (outcome == SyncSession.Outcome.CLOSED) {
                    finishClose(ConnectionState.CLOSED);
                    ready.tryEmitError(new ConnectionClosedException("the peer closed the sync connection"));
                } else if (!everConnected || connector == null) {
                    finishClose(everConnected ? ConnectionState.CLOSED : ConnectionState.FAILED);
                    ready.tryEmitError(error != null ? error : new ConnectionClosedException("the connection closed"));
                } else {
                    scheduleReconnect(error);
                }
            }
        }
    }

    /** Re-evaluates SYNCING / IDLE; cheap when nothing changed. */
    void refresh() {
        ConnectionState st = state;
        if (st != ConnectionState.SYNCING && st != ConnectionState.IDLE) {
            return;
        }
        ConnectionState want = busy() ? ConnectionState.SYNCING : ConnectionState.IDLE;
        if (want != st) {
            synchronized (this) {
                ConnectionState now = state;
                if (now == ConnectionState.SYNCING || now == ConnectionState.IDLE) {
                    want = busy() ? ConnectionState.SYNCING : ConnectionState.IDLE;
                    if (want != now) {
                        setState(want);
                    }
                }
            }
        }
    }

    private boolean busy() {
        SyncSession s = session;
        SyncSession p = peerSession;
        return s != null && s.isBusy() || p != null && p.isBusy();
    }

    private void setState(ConnectionState st) {
        // Always called holding this link's monitor: emissions are serialized.
        if (state == st || state.isTerminal()) {
            return;
        }
        if (st == ConnectionState.SYNCING && !busy()) {
            st = ConnectionState.IDLE;
        }
        state = st;
        states.emitNext(st, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    private void finishClose(ConnectionState terminal) {
        if (state.isTerminal()) {
            return;
        }
        setState(terminal);
        states.tryEmitComplete();
        sessions.tryEmitComplete();
        if (reconnectTask != null) {
            reconnectTask.dispose();
        }
        SyncMetrics.Recorder r = recorder;
        if (r != null) {
            r.close();
        }
        remote.tryEmitError(new ConnectionClosedException("the sync connection closed before the peer was known"));
        closed.tryEmitEmpty();
        try {
            onClose.run();
        } catch (RuntimeException e) {
            LOG.debug("closing {}: {}", this, e.toString());
        }
        owner.linkEnded(this);
    }

    // ------------------------------------------------------------------------------------------
    // SyncConnection

    @Override
    public NodeId localNode() {
        return localNode;
    }

    @Override
    public Mono<NodeId> remoteNode() {
        return remote.asMono();
    }

    /** The peer, if known. */
    public NodeId peerOrNull() {
        SyncSession s = session;
        return expectedPeer != null ? expectedPeer : s == null ? null : s.peer();
    }

    @Override
    public Flux<ConnectionState> states() {
        return states.asFlux();
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public SyncStatus status() {
        SyncSession s = session;
        SyncSession p = peerSession;
        long pending = (s == null ? 0 : s.pending()) + (p == null ? 0 : p.pending());
        Duration lag = s == null ? Duration.ZERO : s.lag();
        if (p != null && p.lag().compareTo(lag) > 0) {
            lag = p.lag();
        }
        long se = sent.sum() + (s == null ? 0 : s.sentCount());
        long re = received.sum() + (s == null ? 0 : s.receivedCount());
        long ap = applied.sum() + (s == null ? 0 : s.appliedCount());
        long rj = rejected.sum() + (s == null ? 0 : s.rejectedCount());
        Throwable err = lastError;
        if (s != null && s.lastError() != null) {
            err = s.lastError();
        }
        return new SyncStatus(state, pending, Optional.ofNullable(err), lag, se, re, ap, rj);
    }

    @Override
    public Mono<Void> awaitIdle() {
        return Mono.defer(() -> {
            if (state.isTerminal()) {
                return Mono.error(new ConnectionClosedException("the sync connection is " + state));
            }
            return sessions.asFlux().filter(Optional::isPresent).next()
                    .switchIfEmpty(Mono.error(() -> new ConnectionClosedException("the sync connection is " + state)))
                    .flatMap(o -> o.get().awaitIdle());
        }).retryWhen(Retry.indefinitely().filter(e -> e instanceof ConnectionClosedException && !state.isTerminal()));
    }

    @Override
    public Mono<Void> disconnect() {
        return end(false);
    }

    /**
     * Closes like {@link #disconnect()}, but tells the peer that this side is shutting down (a
     * server stopping), so that the peer reconnects with backoff instead of closing for good.
     */
    public Mono<Void> shutdown() {
        return end(true);
    }

    private Mono<Void> end(boolean shutdown) {
        return Mono.defer(() -> {
            SyncSession s;
            SyncSession p;
            synchronized (this) {
                if (!closing) {
                    closing = true;
                    if (reconnectTask != null) {
                        reconnectTask.dispose();
                    }
                }
                s = session;
                p = peerSession;
                if (s == null && !state.isTerminal()) {
                    finishClose(ConnectionState.CLOSED);
                }
            }
            if (s != null) {
                if (shutdown) {
                    s.shutdown();
                } else {
                    s.close();
                }
            }
            if (p != null) {
                p.close();
            }
            return closed.asMono();
        });
    }

    @Override
    public void dispose() {
        disconnect().subscribe(null, e -> LOG.debug("disconnect: {}", e.toString()));
    }

    @Override
    public boolean isDisposed() {
        return state.isTerminal();
    }

    /** Drops the transport connection without a GOODBYE, as a failing network would (tests). */
    public void breakConnection() {
        SyncSession s = session;
        if (s != null) {
            s.connectionHandle().dispose();
        }
    }

    /** The store of the local node. */
    public SyncStore store() {
        return store;
    }

    @Override
    public String toString() {
        NodeId p = peerOrNull();
        return "SyncConnection[" + store.name() + " <-> " + (p == null ? "?" : p) + ", " + state + "]";
    }
}
