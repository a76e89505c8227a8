package dev.blazedb.internal.sync;

import dev.blazedb.BlazeException;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeRejectedException;
import dev.blazedb.ChangeType;
import dev.blazedb.ConflictResolver;
import dev.blazedb.DatabaseClosedException;
import dev.blazedb.NodeId;
import dev.blazedb.PolicyCommand;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.RowLevelSecurity;
import dev.blazedb.SecurityContext;
import dev.blazedb.SyncPolicy;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One side of one sync connection: the protocol of docs/sync.md over a {@link DuplexConnection}.
 *
 * <h2>Flows</h2>
 * <ul>
 *   <li><b>Outbound</b>: one long-lived {@link Outbound} publisher given to
 *       {@link DuplexConnection#send}. It emits control frames first (HELLO, RESUME, REJECT,
 *       GOODBYE, then the latest ACK and STATUS, coalesced), then CHANGES frames, and only as
 *       many as the transport requests.</li>
 *   <li><b>Changes</b>: a subscription to the database's changes after the peer's resume point
 *       ({@link ChangeSource}). Demand is granted in chunks only while fewer than
 *       {@code window} changes are unacknowledged and few CHANGES frames wait for the transport,
 *       so a peer that stops reading stops the flow and memory stays bounded. A batch is closed
 *       when the source has caught up with the log, when the demand granted is used up, or when
 *       it reaches the size limit; a change too large for a frame travels in FRAGMENTs.</li>
 *   <li><b>Inbound</b>: frames are processed on the thread that delivers them when it may
 *       block (the memory transport: the sender's thread, so a change travels from commit to the
 *       peer's change feed without a thread hop), else on the apply scheduler; in order either
 *       way ({@link #dispatch}).</li>
 * </ul>
 *
 * <h2>Idle</h2>
 * {@link #awaitIdle()} sends a STATUS request and completes when the peer's reply says it has
 * nothing this side has not applied, and this side's outbound flow has passed its log head of the
 * moment of the call with everything acknowledged.
 */
public final class SyncSession {

    private static final Logger LOG = LoggerFactory.getLogger(SyncSession.class);

    /** How a session ended. */
    public enum Outcome {
        /** A clean GOODBYE or disconnect. */
        CLOSED,
        /** A protocol error, a wrong or incompatible peer, a closed database: do not retry. */
        FAILED,
        /** The transport failed or closed without a GOODBYE: a client may reconnect. */
        LOST
    }

    /** What a session tells its owner. */
    public interface Listener {
        /** The peer's HELLO arrived and was accepted. */
        default void handshaken(SyncSession session) {
        }

        /** Progress changed (busy or idle may have changed). */
        default void progress(SyncSession session) {
        }

        /** A change was refused by this side or the peer. */
        default void rejected(SyncSession session, ChangeRejectedException rejection) {
        }

        /** The session ended. */
        default void ended(SyncSession session, Outcome outcome, Throwable error) {
        }
    }

    /** What a side decides once it knows its peer. */
    public record PeerTerms(SyncPolicy policy, boolean send, boolean receive, SecurityContext peerContext) {
    }

    /** Settings of a session. */
    public record Config(int window, int batchBytes, int batchChanges, Scheduler applyScheduler,
                         ConflictResolver resolver, Duration goodbyeTimeout) {

        /** The defaults. */
        public static Config defaults() {
            return new Config(8192, 256 << 10, 1024, Schedulers.boundedElastic(), null, Duration.ofSeconds(2));
        }
    }

    private static final int PHASE_HANDSHAKE = 0;
    private static final int PHASE_OPEN = 1;
    private static final int PHASE_CLOSING = 2;
    private static final int PHASE_ENDED = 3;

    /** Data frames waiting for the transport before the change source is asked for more. */
    private static final int MAX_QUEUED_DATA_FRAMES = 4;
    /** Demand is topped up when the outstanding demand falls below this. */
    private static final int LOW_WATER = 64;
    /** Control frames queued before inbound demand is withheld (REJECTs for a hostile peer). */
    private static final int MAX_QUEUED_CONTROL = 1024;
    /** Skipped-only progress is persisted after this many sequences. */
    private static final long PERSIST_SKIP_EVERY = 4096;
    /** How long an ACK of batches that arrived on an event loop may wait for more to cover. */
    private static final long ACK_DELAY_MICROS = 1000;

    private final SyncStore store;
    private final DuplexConnection connection;
    private final Config config;
    private final Listener listener;
    private final SyncMetrics.Recorder metrics;
    private final boolean offerSend;
    private final boolean offerReceive;
    private final NodeId expectedPeer;
    private final Function<NodeId, PeerTerms> terms;
    private final int maxFrame;

    private final AtomicInteger phase = new AtomicInteger(PHASE_HANDSHAKE);
    private final Outbound outbound;
    private final ChangeSource source;
    private final Inbound inbound;

    private volatile NodeId peer;
    private volatile String peerDatabase = "";
    private volatile PeerTerms peerTerms;
    private volatile boolean sending;
    private volatile boolean receiving;
    private volatile boolean awaitingResume;
    private volatile Outcome pendingOutcome;
    private volatile Throwable pendingError;
    private final AtomicBoolean endedOnce = new AtomicBoolean();
    private volatile Disposable goodbyeTimer;

    // Progress (see docs/sync.md, "Idle")
    private volatile long covered;
    /** The covered-through of the last batch or progress STATUS handed to the outbound queue. */
    private volatile long announced;
    /** A STATUS of ours reported less than our head: send one when the outbound flow catches up. */
    private volatile boolean owesProgress;
    private final AtomicLong unacked = new AtomicLong();
    /** Set once a frame arrives on an event loop (a socket): ACKs are then coalesced, see {@link #acknowledge}. */
    private volatile boolean coalesceAcks;
    /** The applied point not yet acknowledged (-1: none). */
    private final AtomicLong ackOwed = new AtomicLong(-1);
    private final AtomicBoolean ackTimerArmed = new AtomicBoolean();
    private volatile long lastAcked;
    private final ConcurrentLinkedDeque<long[]> inFlight = new ConcurrentLinkedDeque<>();
    private volatile long ackedByPeer;
    private volatile long appliedFromPeer;
    private volatile long persistedFromPeer;
    private volatile long peerHead;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile Throwable lastError;
    private final AtomicInteger requestIds = new AtomicInteger();
    private final CopyOnWriteArrayList<IdleWaiter> waiters = new CopyOnWriteArrayList<>();
    private final Map<Integer, IdleWaiter> waitersById = new ConcurrentHashMap<>();

    /**
     * Creates a session.
     *
     * @param offerSend    whether this side offers to send (its HELLO's will-send)
     * @param offerReceive whether this side offers to receive
     * @param expectedPeer the peer this side expects, or null to learn it from the HELLO
     * @param terms        once the peer is known: the policy, the final directions (at most what
     *                     was offered) and the peer's security context
     */
    public SyncSession(SyncStore store, DuplexConnection connection, Config config, Listener listener,
                       SyncMetrics.Recorder metrics, boolean offerSend, boolean offerReceive, NodeId expectedPeer,
                       Function<NodeId, PeerTerms> terms) {
        this.store = store;
        this.connection = connection;
        this.config = config;
        this.listener = listener;
        this.metrics = metrics;
        this.offerSend = offerSend;
        this.offerReceive = offerReceive;
        this.expectedPeer = expectedPeer;
        this.terms = terms;
        this.maxFrame = connection.maxFrameLength();
        this.outbound = new Outbound();
        this.source = new ChangeSource();
        this.inbound = new Inbound();
    }

    /** Sends HELLO and starts reading. */
    public void start() {
        NodeId p = expectedPeer;
        long resume = p == null ? 0 : store.resumePoint(p);
        if (p != null) {
            appliedFromPeer = resume;
            persistedFromPeer = resume;
        }
        outbound.control(SyncCodec.hello(new SyncMessage.Hello(SyncCodec.VERSION, offerSend, offerReceive, store.nodeId(),
                p, resume, store.name())));
        connection.send(outbound).subscribe(null, e -> {
            // The connection failed while sending: the receive side reports it too.
            LOG.debug("{}: send ended with {}", this, e.toString());
        }, () -> {
            if (phase.get() >= PHASE_CLOSING) {
                connection.dispose();
            }
        });
        connection.receive().subscribe(inbound);
        connection.onClose().subscribe(null, null, () -> inbound.connectionClosed());
    }

    // ------------------------------------------------------------------------------------------
    // Accessors

    /** The local database. */
    public SyncStore store() {
        return store;
    }

    /** The peer, once its HELLO arrived; else null. */
    public NodeId peer() {
        return peer;
    }

    /** The peer's database name, once known. */
    public String peerDatabase() {
        return peerDatabase;
    }

    /** Whether the handshake is done and the session has not ended. */
    public boolean isOpen() {
        return phase.get() == PHASE_OPEN;
    }

    /** Whether this side sends changes (known after the handshake). */
    public boolean isSending() {
        return sending;
    }

    /** Whether this side receives changes (known after the handshake). */
    public boolean isReceiving() {
        return receiving;
    }

    /** Changes sent. */
    public long sentCount() {
        return sent.sum();
    }

    /** Changes received. */
    public long receivedCount() {
        return received.sum();
    }

    /** Received changes that altered local state. */
    public long appliedCount() {
        return applied.sum();
    }

    /** Changes refused, either way. */
    public long rejectedCount() {
        return rejected.sum();
    }

    /** The last failure or rejection. */
    public Throwable lastError() {
        return lastError;
    }

    /** Local changes not yet acknowledged: not yet passed by the outbound flow, plus sent and unacknowledged. */
    public long pending() {
        if (!sending) {
            return 0;
        }
        return Math.max(0, store.lastSequence() - covered) + unacked.get();
    }

    /** The age of the oldest unacknowledged batch. */
    public Duration lag() {
        long[] oldest = inFlight.peekFirst();
        return oldest == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - oldest[2]));
    }

    /** Whether anything is known to be in progress either way. */
    public boolean isBusy() {
        if (phase.get() != PHASE_OPEN) {
            return false;
        }
        boolean out = sending && (covered < store.lastSequence() || unacked.get() > 0);
        boolean in = receiving && peerHead > appliedFromPeer;
        return out || in;
    }

    @Override
    public String toString() {
        return "SyncSession[" + store.name() + " <-> " + (peer == null ? "?" : peerDatabase + "/" + peer) + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Ending

    /** Closes the session cleanly: GOODBYE, then the connection closes. Idempotent. */
    public void close() {
        closeWith(SyncCodec.BYE_NORMAL, "disconnect", Outcome.CLOSED, null);
    }

    /** Closes the session because the database is closing. */
    public void shutdown() {
        closeWith(SyncCodec.BYE_SHUTDOWN, "database '" + store.name() + "' is closing", Outcome.CLOSED, null);
    }

    private void closeWith(int reason, String message, Outcome outcome, Throwable error) {
        for (;;) {
            int p = phase.get();
            if (p >= PHASE_CLOSING) {
                return;
            }
            if (phase.compareAndSet(p, PHASE_CLOSING)) {
                break;
            }
        }
        pendingOutcome = outcome;
        pendingError = error;
        if (error != null) {
            lastError = error;
        }
        source.cancel();
        outbound.goodbye(SyncCodec.goodbye(reason, message));
        // A peer that no longer reads must not keep us waiting for the GOODBYE to be written.
        // (Cancelled when the session ends, so the timer does not keep a closed session alive.)
        goodbyeTimer = Mono.delay(config.goodbyeTimeout()).subscribe(t -> connection.dispose());
        if (phase.get() == PHASE_ENDED) {
            goodbyeTimer.dispose();
        }
    }

    private void fail(int reason, Throwable error) {
        LOG.debug("{}: failing: {}", this, error.toString());
        closeWith(reason, error.getMessage() == null ? error.toString() : error.getMessage(), Outcome.FAILED, error);
    }

    private void end(Outcome outcome, Throwable error) {
        if (!endedOnce.compareAndSet(false, true)) {
            return;
        }
        phase.set(PHASE_ENDED);
        Disposable timer = goodbyeTimer;
        if (timer != null) {
            timer.dispose();
        }
        source.cancel();
        connection.dispose();
        if (error != null) {
            lastError = error;
        }
        persistSkipped(true);
        // The owner learns first, so a waiter that retries on the next session does not find this one.
        listener.ended(this, outcome, error);
        // Waiters retry on the link's next session: always a ConnectionClosedException (the cause inside).
        dev.blazedb.transport.ConnectionClosedException waiterError =
                new dev.blazedb.transport.ConnectionClosedException("the sync session ended (" + outcome + ")", error);
        for (IdleWaiter w : waiters) {
            w.sink.error(waiterError);
        }
        waiters.clear();
        waitersById.clear();
    }

    // ------------------------------------------------------------------------------------------
    // Idle

    private static final class IdleWaiter {
        final int id;
        final long target;
        final MonoSink<Void> sink;
        volatile boolean replied;
        volatile long peerHeadAtReply;

        IdleWaiter(int id, long target, MonoSink<Void> sink) {
            this.id = id;
            this.target = target;
            this.sink = sink;
        }
    }

    /**
     * Completes when both sides have nothing left to send and everything sent is acknowledged,
     * as of the moment of the call; fails when the session ends first.
     */
    public Mono<Void> awaitIdle() {
        return Mono.create(sink -> {
            if (phase.get() >= PHASE_CLOSING) {
                sink.error(new dev.blazedb.transport.ConnectionClosedException("the sync connection is closed"));
                return;
            }
            int id = requestIds.incrementAndGet();
            if (id == 0) {
                id = requestIds.incrementAndGet();
            }
            IdleWaiter w = new IdleWaiter(id, store.lastSequence(), sink);
            waiters.add(w);
            waitersById.put(id, w);
            sink.onDispose(() -> {
                waiters.remove(w);
                waitersById.remove(w.id);
            });
            if (phase.get() == PHASE_ENDED) {
                waiters.remove(w);
                sink.error(new dev.blazedb.transport.ConnectionClosedException("the sync connection is closed"));
                return;
            }
            outbound.ordered(SyncCodec.status(statusMessage(id, true)));
        });
    }

    /**
     * This side's STATUS. Every STATUS travels in the same queue as the CHANGES frames, behind the
     * ones queued before it, so the covered-through it reports never counts a change the peer has
     * not received: it is what was handed to the queue ({@code announced}), or {@code covered}
     * when no change is buffered (covered is read first; a change is buffered, buffered > 0,
     * before covered moves past it, and its frame is queued before buffered returns to 0). A side
     * that sends nothing covers its whole log.
     */
    private SyncMessage.Status statusMessage(int requestId, boolean replyRequested) {
        long head = store.lastSequence();
        long cov;
        if (!sending) {
            cov = head;
        } else {
            cov = Math.min(head, passed());
            if (cov < head) {
                owesProgress = true; // tell the peer once the outbound flow has passed the rest
            }
        }
        return new SyncMessage.Status(head, cov, appliedFromPeer, requestId, replyRequested);
    }

    /** How far the outbound flow has passed the log with nothing held back: see {@link #statusMessage}. */
    private long passed() {
        long c = covered;
        return source.buffered == 0 ? Math.max(c, announced) : announced;
    }

    private void checkIdle() {
        if (waiters.isEmpty()) {
            return;
        }
        for (IdleWaiter w : waiters) {
            if (!w.replied || phase.get() != PHASE_OPEN) {
                continue;
            }
            boolean outDone = !sending || (passed() >= w.target && unacked.get() == 0);
            boolean inDone = !receiving || appliedFromPeer >= w.peerHeadAtReply;
            if (outDone && inDone && waiters.remove(w)) {
                waitersById.remove(w.id);
                w.sink.success();
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Inbound

    /** Receives frames and dispatches them, in order, inline or on the apply scheduler. */
    private final class Inbound implements CoreSubscriber<Frame> {
        private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Subscription upstream;
        private volatile boolean done;
        private volatile Throwable doneError;
        private final AtomicLong withheld = new AtomicLong();
        private final FragmentBuffer fragments = new FragmentBuffer();
        /** A frame an event loop could not handle without blocking, first in line for the apply scheduler. */
        private Frame deferred;
        /** {@link #deferred} as the event loop decoded it (null if it did not), so it is not decoded twice. */
        private SyncMessage deferredMessage;

        private Frame next() {
            Frame f = deferred;
            if (f != null) {
                deferred = null;
                return f;
            }
            return queue.poll();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                s.request(32);
            }
        }

        @Override
        public void onNext(Frame frame) {
            queue.offer(frame);
            dispatch();
        }

        @Override
        public void onError(Throwable t) {
            doneError = t;
            done = true;
            dispatch();
        }

        @Override
        public void onComplete() {
            done = true;
            dispatch();
        }

        void connectionClosed() {
            if (!done) {
                done = true;
                dispatch();
            }
        }

        void dispatch() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            boolean eventLoop = Schedulers.isInNonBlockingThread();
            if (eventLoop && !coalesceAcks) {
                coalesceAcks = true;
            }
            drain(!eventLoop);
        }

        /**
         * Handles the queued frames in order. On a thread that must not block (a transport's
         * event loop) a frame is handled inline only when that cannot block: an ACK, or a
         * CHANGES frame the store applies without waiting; at the first other frame the rest of
         * the drain, that frame first (with its decoded message when the event loop decoded
         * it), moves to the apply scheduler (it keeps the work-in-progress count, so order holds).
         */
        void drain(boolean mayBlock) {
            int missed = 1;
            for (;;) {
                Frame f;
                while ((f = next()) != null) {
                    SyncMessage m = deferredMessage; // set only beside the deferred frame next() returns first
                    deferredMessage = null;
                    if (phase.get() == PHASE_ENDED) {
                        queue.clear();
                        break;
                    }
                    try {
                        if (m == null && (mayBlock || f.type() == SyncCodec.CHANGES || f.type() == SyncCodec.ACK)) {
                            m = SyncCodec.decode(f);
                        }
                        if (m == null || !handle(m, f, mayBlock)) {
                            deferred = f;
                            deferredMessage = m;
                            config.applyScheduler().schedule(() -> drain(true));
                            return;
                        }
                    } catch (ProtocolVersionException e) {
                        fail(SyncCodec.BYE_VERSION, e);
                    } catch (ProtocolException e) {
                        fail(SyncCodec.BYE_PROTOCOL, e);
                    } catch (DatabaseClosedException e) {
                        closeWith(SyncCodec.BYE_SHUTDOWN, e.getMessage(), Outcome.FAILED, e);
                    } catch (RuntimeException | Error e) {
                        LOG.warn("{}: failed handling a {} frame", SyncSession.this, SyncCodec.typeName(f.type()), e);
                        fail(SyncCodec.BYE_INTERNAL, e);
                    }
                    replenish();
                }
                if (done && queue.isEmpty()) {
                    if (!mayBlock) {
                        config.applyScheduler().schedule(() -> drain(true)); // ending persists the resume point
                        return;
                    }
                    finish();
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        void replenish() {
            if (outbound.controlBacklog() > MAX_QUEUED_CONTROL) {
                withheld.incrementAndGet();
                return;
            }
            long n = 1 + withheld.getAndSet(0);
            Subscription s = upstream;
            if (s != null && phase.get() < PHASE_ENDED) {
                s.request(n);
            }
        }

        void controlDrained() {
            if (withheld.get() > 0 && outbound.controlBacklog() <= MAX_QUEUED_CONTROL) {
                long n = withheld.getAndSet(0);
                Subscription s = upstream;
                if (n > 0 && s != null) {
                    s.request(n);
                }
            }
        }

        private void finish() {
            Outcome o = pendingOutcome;
            Throwable err = pendingError;
            if (o == null) {
                Throwable t = doneError;
                BlazeException lost = new dev.blazedb.transport.ConnectionClosedException(
                        t == null ? "the connection closed without a GOODBYE" : "the connection failed: " + t.getMessage(), t);
                end(Outcome.LOST, lost);
            } else {
                end(o, err);
            }
        }

        void cancel() {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /**
     * Handles one decoded frame; false, having done nothing, when {@code mayBlock} is false and
     * handling it could block (see {@link Inbound#drain}).
     */
    private boolean handle(SyncMessage m, Frame frame, boolean mayBlock) {
        if (m instanceof SyncMessage.Changes c && phase.get() == PHASE_OPEN) {
            return onChanges(c, mayBlock);
        }
        if (!mayBlock && phase.get() != PHASE_OPEN) {
            return false;
        }
        handle(m, frame);
        return true;
    }

    private void handle(SyncMessage m, Frame frame) {
        if (phase.get() == PHASE_HANDSHAKE) {
            if (!(m instanceof SyncMessage.Hello h)) {
                if (m instanceof SyncMessage.Goodbye g) {
                    onGoodbye(g);
                    return;
                }
                throw new ProtocolException("expected HELLO, got " + SyncCodec.typeName(frame.type()));
            }
            onHello(h);
            return;
        }
        if (phase.get() >= PHASE_ENDED) {
            return;
        }
        if (m instanceof SyncMessage.Changes c) {
            onChanges(c, true);
        } else if (m instanceof SyncMessage.Fragment f) {
            byte[] whole = inbound.fragments.add(f);
            if (whole != null) {
                SyncMessage inner = SyncCodec.decode(SyncCodec.CHANGES, whole, whole.length);
                onChanges((SyncMessage.Changes) inner, true);
            }
        } else if (m instanceof SyncMessage.Ack a) {
            onAck(a.appliedThrough());
        } else if (m instanceof SyncMessage.Status s) {
            onStatus(s);
        } else if (m instanceof SyncMessage.Reject r) {
            onReject(r);
        } else if (m instanceof SyncMessage.Resume r) {
            onResume(r.resumePoint());
        } else if (m instanceof SyncMessage.Goodbye g) {
            onGoodbye(g);
        } else if (m instanceof SyncMessage.Hello) {
            throw new ProtocolException("a second HELLO");
        }
    }

    private void onHello(SyncMessage.Hello h) {
        NodeId self = store.nodeId();
        if (h.node().equals(self)) {
            closeWith(SyncCodec.BYE_WRONG_PEER, "connected to itself", Outcome.FAILED,
                    new ProtocolException("node " + self + " connected to itself"));
            return;
        }
        if (expectedPeer != null && !expectedPeer.equals(h.node())) {
            closeWith(SyncCodec.BYE_WRONG_PEER, "expected node " + expectedPeer + " but reached " + h.node(), Outcome.FAILED,
                    new ProtocolException("expected node " + expectedPeer + " but the peer is node " + h.node()
                            + " ('" + h.database() + "')"));
            return;
        }
        if (h.expectedPeer() != null && !h.expectedPeer().equals(self)) {
            closeWith(SyncCodec.BYE_WRONG_PEER, "this is node " + self + ", not " + h.expectedPeer(), Outcome.FAILED,
                    new ProtocolException("the peer expected node " + h.expectedPeer() + " but this is node " + self));
            return;
        }
        peer = h.node();
        peerDatabase = h.database();
        PeerTerms t = terms.apply(peer);
        peerTerms = t;
        sending = offerSend && t.send() && h.willReceive();
        receiving = offerReceive && t.receive() && h.willSend();
        if (expectedPeer == null) {
            long resume = store.resumePoint(peer);
            appliedFromPeer = resume;
            persistedFromPeer = resume;
            outbound.control(SyncCodec.resume(resume));
        }
        phase.compareAndSet(PHASE_HANDSHAKE, PHASE_OPEN);
        LOG.debug("{}: handshake done, sending={}, receiving={}", this, sending, receiving);
        listener.handshaken(this);
        if (h.expectedPeer() != null) {
            startSending(h.resumePoint());
        } else {
            awaitingResume = true;
        }
        listener.progress(this);
    }

    private void onResume(long point) {
        if (!awaitingResume) {
            throw new ProtocolException("RESUME not expected");
        }
        awaitingResume = false;
        startSending(point);
        listener.progress(this);
    }

    private void startSending(long resume) {
        if (!sending) {
            return;
        }
        long head = store.lastSequence();
        if (resume > head) {
            // The peer has seen more of this log than exists: this database was restored or
            // replaced. Re-sending everything is safe (the merge is idempotent); skipping is not.
            LOG.warn("{}: the peer resumes after sequence {} but this log ends at {}; sending everything", this, resume, head);
            resume = 0;
        }
        covered = resume;
        announced = resume;
        store.changes(resume).subscribe(source);
    }

    /** Applies a batch; false, having done nothing, when {@code mayBlock} is false and the store would block. */
    private boolean onChanges(SyncMessage.Changes c, boolean mayBlock) {
        if (!receiving) {
            throw new ProtocolException("the peer sent changes although this side does not receive any ("
                    + (offerReceive ? "refused by policy" : "this side's mode forbids it") + ")");
        }
        if (c.coveredThrough() <= appliedFromPeer) {
            // Already applied (a duplicate after a reconnect race): acknowledge again.
            outbound.ack(appliedFromPeer);
            return true;
        }
        long t0 = System.nanoTime();
        PeerTerms t = peerTerms;
        SyncStore.Admission admission = admission(t);
        SyncStore.ApplyResult result = store.apply(peer, c.changes(), c.coveredThrough(), admission, config.resolver(), mayBlock);
        if (result == null) {
            return false;
        }
        int n = c.changes().size();
        received.add(n);
        applied.add(result.applied());
        metrics.received(n);
        metrics.applied(result.applied());
        metrics.applyLatency(System.nanoTime() - t0);
        for (SyncStore.Rejected r : result.rejected()) {
            rejected.increment();
            metrics.rejected(1);
            SyncMessage.Change ch = r.change();
            ChangeRejectedException ex = new ChangeRejectedException(ch.collection(), ch.recordId(), peer, false,
                    r.rejection().message());
            lastError = ex;
            listener.rejected(this, ex);
            outbound.control(SyncCodec.reject(new SyncMessage.Reject(ch.sequence(), ch.recordId(), ch.collection(),
                    r.rejection().reason(), r.rejection().message())));
        }
        appliedFromPeer = c.coveredThrough();
        persistedFromPeer = c.coveredThrough();
        if (c.coveredThrough() > peerHead) {
            peerHead = c.coveredThrough();
        }
        acknowledge(c.coveredThrough());
        checkIdle();
        listener.progress(this);
        return true;
    }

    /**
     * Acknowledges the peer's changes through {@code through}. Over a socket every ACK costs
     * both sides a system call and the peer's event loop a wake-up, as much CPU as the change
     * itself when changes come one at a time; there an ACK waits up to {@link #ACK_DELAY_MICROS}
     * to cover the batches that arrive meanwhile, unless a quarter of the window is owed (the
     * sender must not stall) or the peer asks for our status (its awaitIdle). Nothing but the
     * peer's window and idle state depend on ACKs; the resume point is the receiver's own. Over
     * the memory transport an ACK costs a method call and goes at once.
     */
    private void acknowledge(long through) {
        if (!coalesceAcks) {
            outbound.ack(through);
            return;
        }
        ackOwed.accumulateAndGet(through, Math::max);
        if (through - lastAcked >= config.window() / 4) {
            sendOwedAck();
        } else if (ackTimerArmed.compareAndSet(false, true)) {
            try {
                Schedulers.parallel().schedule(() -> {
                    ackTimerArmed.set(false);
                    sendOwedAck();
                }, ACK_DELAY_MICROS, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException e) {
                ackTimerArmed.set(false);
                sendOwedAck();
            }
        }
    }

    private void sendOwedAck() {
        long owed = ackOwed.getAndSet(-1);
        if (owed >= 0) {
            lastAcked = owed;
            outbound.ack(owed);
        }
    }

    private SyncStore.Admission admission(PeerTerms t) {
        SyncPolicy policy = t.policy();
        boolean rls = policy.respectRLS();
        RowLevelSecurity security = store.security();
        SecurityContext ctx = t.peerContext();
        if (policy.collections().isEmpty() && (!rls || !security.isEnabledAnywhere())) {
            return SyncStore.Admission.ALL;
        }
        return (change, existing, proposed) -> {
            if (!policy.includes(change.collection())) {
                return new SyncStore.Rejection(SyncCodec.REASON_COLLECTION, "collection '" + change.collection()
                        + "' is not synced on this connection");
            }
            if (!rls || !security.isEnabled(change.collection())) {
                return null;
            }
            PolicyCommand cmd;
            int reason;
            if (proposed == null) {
                cmd = PolicyCommand.DELETE;
                reason = SyncCodec.REASON_RLS_DELETE;
            } else if (existing == null) {
                cmd = PolicyCommand.INSERT;
                reason = SyncCodec.REASON_RLS_INSERT;
            } else {
                cmd = PolicyCommand.UPDATE;
                reason = SyncCodec.REASON_RLS_UPDATE;
            }
            return security.check(ctx, cmd, change.collection(), existing, proposed)
                    .map(why -> new SyncStore.Rejection(reason, why)).orElse(null);
        };
    }

    private void onAck(long through) {
        if (through > ackedByPeer) {
            ackedByPeer = through;
        }
        long[] b;
        while ((b = inFlight.peekFirst()) != null && b[0] <= through) {
            if (inFlight.remove(b)) {
                unacked.addAndGet(-b[1]);
            }
        }
        source.maybeRequest();
        checkIdle();
        listener.progress(this);
    }

    private void onStatus(SyncMessage.Status s) {
        if (s.head() > peerHead) {
            peerHead = s.head();
        }
        // Frames arrive in order: everything the peer sent up to its covered point is applied.
        if (receiving && s.coveredThrough() > appliedFromPeer) {
            appliedFromPeer = s.coveredThrough();
            persistSkipped(false);
        }
        if (s.requestId() != 0 && !s.replyRequested()) {
            IdleWaiter w = waitersById.get(s.requestId());
            if (w != null) {
                w.peerHeadAtReply = s.head();
                w.replied = true;
            }
        }
        if (s.replyRequested()) {
            sendOwedAck(); // the peer waits for everything to be acknowledged
            outbound.ordered(SyncCodec.status(statusMessage(s.requestId(), false)));
        }
        checkIdle();
        listener.progress(this);
    }

    private void persistSkipped(boolean now) {
        NodeId p = peer;
        long applied = appliedFromPeer;
        // At the end of a session the point is written whatever was recorded before: applied
        // batches move it in memory only (the store writes it every few thousand sequences).
        if (p == null || !now && applied <= persistedFromPeer) {
            return;
        }
        boolean due = now || applied - persistedFromPeer >= PERSIST_SKIP_EVERY;
        try {
            store.advanceResumePoint(p, applied, due && !store.isClosed());
            if (due) {
                persistedFromPeer = applied;
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: could not record the resume point: {}", this, e.toString());
        }
    }

    private void onReject(SyncMessage.Reject r) {
        rejected.increment();
        metrics.rejected(1);
        ChangeRejectedException ex = new ChangeRejectedException(r.collection(), r.recordId(), peer, true, r.message());
        lastError = ex;
        listener.rejected(this, ex);
    }

    private void onGoodbye(SyncMessage.Goodbye g) {
        Outcome o;
        Throwable err = null;
        switch (g.reason()) {
            case SyncCodec.BYE_NORMAL, SyncCodec.BYE_SHUTDOWN -> o = Outcome.CLOSED;
            case SyncCodec.BYE_VERSION -> {
                o = Outcome.FAILED;
                err = new ProtocolVersionException(SyncCodec.VERSION, 0, "the peer refused this side's protocol version: " + g.message());
            }
            default -> {
                o = Outcome.FAILED;
                err = new ProtocolException("the peer closed the connection: " + g.message());
            }
        }
        if (g.reason() == SyncCodec.BYE_SHUTDOWN) {
            // The peer's database went away; it may come back: a client reconnects.
            o = Outcome.LOST;
            err = new dev.blazedb.transport.ConnectionClosedException("the peer is shutting down: " + g.message());
        }
        for (;;) {
            int p = phase.get();
            if (p >= PHASE_CLOSING) {
                break;
            }
            if (phase.compareAndSet(p, PHASE_CLOSING)) {
                pendingOutcome = o;
                pendingError = err;
                break;
            }
        }
        source.cancel();
        connection.dispose();
    }

    // ------------------------------------------------------------------------------------------
    // Outbound: the change source

    /** Subscribes to the local changes and turns them into CHANGES frames. */
    private final class ChangeSource implements CoreSubscriber<ChangeEvent> {
        private final AtomicReference<Subscription> upstream = new AtomicReference<>();
        private final AtomicLong outstanding = new AtomicLong();
        private final SyncCodec.ChangesWriter writer = new SyncCodec.ChangesWriter();
        private volatile int buffered;
        private final int maxPayload = Math.min(config.batchBytes(), maxFrame);

        @Override
        public void onSubscribe(Subscription s) {
            if (!upstream.compareAndSet(null, s)) {
                s.cancel();
                return;
            }
            if (phase.get() >= PHASE_CLOSING) {
                s.cancel();
                return;
            }
            maybeRequest();
        }

        void maybeRequest() {
            Subscription s = upstream.get();
            if (s == null || s == Operators.cancelledSubscription()) {
                return;
            }
            for (;;) {
                long out = outstanding.get();
                if (out >= LOW_WATER || outbound.queuedData() >= MAX_QUEUED_DATA_FRAMES) {
                    return;
                }
                long room = config.window() - unacked.get() - out - buffered;
                long want = Math.min(Math.max(0, config.batchChanges() - out), room);
                if (want <= 0 || want < Math.min(LOW_WATER, config.window() / 4) && out > 0) {
                    return;
                }
                if (outstanding.compareAndSet(out, out + want)) {
                    s.request(want);
                    return;
                }
            }
        }

        @Override
        public void onNext(ChangeEvent ev) {
            long left = outstanding.decrementAndGet();
            if (phase.get() >= PHASE_CLOSING) {
                return;
            }
            try {
                include(ev);
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot send change {}", SyncSession.this, ev, e);
                fail(SyncCodec.BYE_INTERNAL, e);
                return;
            }
            covered = ev.sequence();
            if (left <= 0 || ev.sequence() >= store.lastSequence()) {
                flush();
                maybeRequest();
                checkIdle();
            }
        }

        private void include(ChangeEvent ev) {
            NodeId p = peer;
            SyncMeta meta = InternalAccess.events().meta(ev);
            if (ev.isRemote() && (meta == null || !meta.merged())
                    && (ev.origin().equals(p) || meta != null && p.equals(meta.via()))) {
                return; // the peer has it: it wrote it, or sent it to us
            }
            PeerTerms t = peerTerms;
            SyncPolicy policy = t.policy();
            if (!policy.includes(ev.collection())) {
                return;
            }
            BlazeDataRecord record = ev.record().orElse(null);
            boolean tombstone = ev.type() == ChangeType.DELETE;
            if (!tombstone && policy.respectRLS()) {
                RowLevelSecurity security = store.security();
                if (security.isEnabled(ev.collection()) && !security.canRead(t.peerContext(), ev.collection(), record)) {
                    return; // the peer may not read this row
                }
            }
            byte[] versions = meta == null ? null : meta.fieldVersions();
            byte[] encoded = tombstone || meta == null ? null : meta.body();
            if (!tombstone && !policy.excludeFields().isEmpty()) {
                encoded = null;
                for (String f : policy.excludeFields()) {
                    if (record.has(f)) {
                        record = record.without(f);
                    }
                }
                if (versions != null && versions.length > 0) {
                    Map<String, Version> ex = FieldVersions.decode(versions, 0, versions.length);
                    java.util.TreeMap<String, Version> kept = new java.util.TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
                    kept.putAll(ex);
                    kept.keySet().removeAll(policy.excludeFields());
                    versions = kept.size() == ex.size() ? versions : FieldVersions.encode(kept);
                }
            }
            Version deletedAt = meta == null ? null : meta.deletedAt();
            byte[] coll = collectionBytes(ev.collection());
            int bodySize = tombstone ? 0 : encoded != null ? encoded.length : BlazeBinary.encodedSize(record, false);
            int size = SyncCodec.ChangesWriter.changeSize(coll, deletedAt, versions, bodySize, tombstone);
            if (writer.count() > 0 && writer.size() + size > maxPayload) {
                flush();
            }
            if (encoded != null || tombstone) {
                writer.appendEncoded(ev.sequence(), tombstone, ev.timestamp(), ev.origin(), ev.originSequence(),
                        ev.recordId(), coll, deletedAt, versions, encoded);
            } else {
                writer.append(ev.sequence(), tombstone, ev.timestamp(), ev.origin(), ev.originSequence(), ev.recordId(),
                        coll, deletedAt, versions, record, bodySize);
            }
            buffered = writer.count();
            if (writer.size() >= maxPayload || writer.count() >= config.batchChanges()) {
                covered = ev.sequence();
                flush();
            }
        }

        private String lastCollection;
        private byte[] lastCollectionBytes;

        private byte[] collectionBytes(String collection) {
            if (!collection.equals(lastCollection)) {
                lastCollection = collection;
                lastCollectionBytes = collection.getBytes(StandardCharsets.UTF_8);
            }
            return lastCollectionBytes;
        }

        /**
         * Closes the current batch. When there is none (everything since the last one was
         * skipped), the peer is told of the progress only when it needs it: a STATUS reply of
         * ours reported less than our head (so its awaitIdle waits for this), or the skipped
         * stretch has grown long (so its resume point moves on).
         */
        void flush() {
            long cov = covered;
            int n = writer.count();
            if (n == 0) {
                if (cov > announced && cov >= store.lastSequence()
                        && (owesProgress || cov - announced >= PERSIST_SKIP_EVERY)) {
                    owesProgress = false;
                    long head = store.lastSequence();
                    outbound.ordered(SyncCodec.status(new SyncMessage.Status(head, Math.min(cov, head), appliedFromPeer, 0, false)));
                    announced = cov;
                    checkIdle();
                    listener.progress(SyncSession.this);
                }
                return;
            }
            long last = writer.lastSequence();
            long through = Math.max(cov, last);
            byte[] payload = writer.finish(through);
            writer.reset();
            unacked.addAndGet(n);
            inFlight.addLast(new long[] {through, n, System.nanoTime()});
            sent.add(n);
            metrics.sent(n);
            if (payload.length <= maxFrame) {
                outbound.data(Frame.wrap(SyncCodec.CHANGES, payload));
            } else {
                List<Frame> parts = SyncCodec.fragments(payload, payload.length, maxFrame);
                for (Frame f : parts) {
                    outbound.data(f);
                }
            }
            buffered = 0; // after the frames are queued: see statusMessage
            announced = through;
            if (through >= store.lastSequence()) {
                owesProgress = false;
            }
            // The ACK may already be back (the memory transport applies the batch inside data()):
            // look again now that announced has moved.
            checkIdle();
            listener.progress(SyncSession.this);
        }

        @Override
        public void onError(Throwable t) {
            if (phase.get() >= PHASE_CLOSING) {
                return;
            }
            if (t instanceof DatabaseClosedException) {
                shutdown();
            } else {
                fail(SyncCodec.BYE_INTERNAL, t);
            }
        }

        @Override
        public void onComplete() {
            // The change feed completes when the database closes.
            shutdown();
        }

        void cancel() {
            Subscription s = upstream.getAndSet(Operators.cancelledSubscription());
            if (s != null && s != Operators.cancelledSubscription()) {
                s.cancel();
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Outbound: the frame publisher

    /** The one publisher of everything this side sends; control frames go first. */
    private final class Outbound extends Flux<Frame> implements Subscription {
        private final Queue<Frame> control = new ConcurrentLinkedQueue<>();
        private final AtomicInteger controlCount = new AtomicInteger();
        private final Queue<Frame> data = new ConcurrentLinkedQueue<>();
        private final AtomicInteger dataCount = new AtomicInteger();
        private final AtomicLong pendingAck = new AtomicLong(-1);
        private final AtomicReference<Frame> bye = new AtomicReference<>();
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile CoreSubscriber<? super Frame> actual;
        private volatile boolean cancelled;
        private boolean completed;

        @Override
        public void subscribe(CoreSubscriber<? super Frame> s) {
            if (actual != null) {
                Operators.error(s, new IllegalStateException("the outbound flow allows one subscriber"));
                return;
            }
            actual = s;
            s.onSubscribe(this);
            drain();
        }

        int controlBacklog() {
            return controlCount.get();
        }

        int queuedData() {
            return dataCount.get();
        }

        void control(Frame f) {
            controlCount.incrementAndGet();
            control.offer(f);
            drain();
        }

        void data(Frame f) {
            dataCount.incrementAndGet();
            data.offer(f);
            drain();
        }

        void ack(long through) {
            pendingAck.accumulateAndGet(through, Math::max);
            drain();
        }

        /** A control frame that must not overtake the CHANGES frames queued before it (STATUS). */
        void ordered(Frame f) {
            data.offer(f);
            drain();
        }

        void goodbye(Frame f) {
            bye.compareAndSet(null, f);
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndUpdate(r -> Operators.addCap(r, n));
                drain();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            boolean tookData = false;
            boolean tookControl = false;
            int missed = 1;
            for (;;) {
                CoreSubscriber<? super Frame> a = actual;
                if (a != null && !completed) {
                    if (cancelled) {
                        completed = true;
                        control.clear();
                        data.clear();
                    } else {
                        long r = requested.get();
                        long e = 0;
                        boolean closing = bye.get() != null;
                        while (e != r) {
                            Frame f = control.poll();
                            if (f != null) {
                                controlCount.decrementAndGet();
                                tookControl = true;
                            } else {
                                long ackValue = pendingAck.getAndSet(-1);
                                if (ackValue >= 0) {
                                    f = SyncCodec.ack(ackValue);
                                }
                            }
                            if (f == null && !closing) {
                                f = data.poll();
                                if (f != null && f.type() != SyncCodec.STATUS) {
                                    dataCount.decrementAndGet();
                                    tookData = true;
                                }
                            }
                            if (f == null && closing) {
                                f = bye.get();
                                completed = true;
                                data.clear();
                                a.onNext(f);
                                a.onComplete();
                                break;
                            }
                            if (f == null) {
                                break;
                            }
                            a.onNext(f);
                            e++;
                        }
                        if (e != 0 && r != Long.MAX_VALUE) {
                            requested.addAndGet(-e);
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    break;
                }
            }
            if (tookData) {
                source.maybeRequest();
            }
            if (tookControl) {
                inbound.controlDrained();
            }
        }
    }

    /** Joins the FRAGMENTs of one CHANGES payload; bounded by the protocol's limit. */
    private static final class FragmentBuffer {
        private byte[] buf;
        private int filled;

        byte[] add(SyncMessage.Fragment f) {
            if (buf == null) {
                if (f.offset() != 0) {
                    throw new ProtocolException("a FRAGMENT series must start at offset 0, not " + f.offset());
                }
                buf = new byte[f.totalLength()];
                filled = 0;
            } else if (f.totalLength() != buf.length || f.offset() != filled) {
                throw new ProtocolException("FRAGMENT out of sequence: expected offset " + filled + " of " + buf.length
                        + ", got " + f.offset() + " of " + f.totalLength());
            }
            System.arraycopy(f.bytes(), 0, buf, f.offset(), f.bytes().length);
            filled += f.bytes().length;
            if (filled == buf.length) {
                byte[] whole = buf;
                buf = null;
                return whole;
            }
            return null;
        }
    }

    /** Disposes the underlying connection without a GOODBYE (tests: a transport failure). */
    public Disposable connectionHandle() {
        return connection;
    }
}
