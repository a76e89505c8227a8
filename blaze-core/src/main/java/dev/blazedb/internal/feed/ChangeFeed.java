package dev.blazedb.internal.feed;

import dev.blazedb.ChangeEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * The change feed: a cursor by sequence per subscriber over a bounded ring of recent changes,
 * falling back to reading the log when a subscriber is behind the ring.
 *
 * <p>How it stays gap-free, duplicate-free and bounded:
 * <ul>
 *   <li>The writer puts each committed event into the ring (slot = sequence mod capacity) and then
 *       moves the source's published sequence (a volatile write), still under its write lock.
 *   <li>Each subscriber has a cursor (the last sequence it received) and drains in sequence order
 *       under a work-in-progress counter: whichever thread triggers a drain (the committing
 *       thread after it has released the write lock, a thread calling {@code request}, or the
 *       catch-up task) emits, one at a time, and never while holding a lock. Live events with
 *       demand are delivered synchronously on the committing thread: no thread hop.
 *   <li>When the next sequence is no longer in the ring (overwritten, or committed before this
 *       open), a task on the blocking scheduler reads a batch of at most 256 events from the log
 *       and hands it to the drain loop. Memory per subscriber is that batch at most; a slow
 *       subscriber only makes its cursor fall behind, and it catches up from the log.
 *   <li>Emission is demand-driven: nothing is read or queued for a subscriber without demand.
 *       Cancellation unregisters the subscriber; {@link #close()} completes every subscriber.
 * </ul>
 */
public final class ChangeFeed {

    /** Where committed changes come from. */
    public interface Source {
        /** The sequence of the last committed change (0 when none); a volatile read. */
        long publishedSequence();

        /**
         * Reads committed changes with sequence >= {@code from} from the log, in order, at most
         * {@code max}. Blocking; runs on the feed's blocking scheduler.
         *
         * @param hint the {@link Batch#hint()} of the previous batch of the same subscriber, or null
         */
        Batch load(long from, int max, Object hint) throws Exception;
    }

    /**
     * A batch read from the log.
     *
     * @param events      the changes, in sequence order
     * @param coveredUpTo every committed change up to this sequence is in {@code events} or no
     *                    longer in the log
     * @param hint        where to continue reading, for the next {@link Source#load} call
     */
    public record Batch(List<ChangeEvent> events, long coveredUpTo, Object hint) {
    }

    static final int MAX_BATCH = 256;
    static final int MIN_BATCH = 32;

    private final Source source;
    private final Scheduler scheduler;
    private final AtomicReferenceArray<ChangeEvent> ring;
    private final int mask;
    private final CopyOnWriteArrayList<Cursor> cursors = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * A feed over {@code source}.
     *
     * @param ringSize  recent events kept in memory, rounded up to a power of two
     * @param scheduler runs blocking log reads
     */
    public ChangeFeed(Source source, int ringSize, Scheduler scheduler) {
        this.source = source;
        this.scheduler = scheduler;
        int size = Integer.highestOneBit(Math.max(16, ringSize) - 1) << 1;
        this.ring = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /** Puts a committed event into the ring; the writer calls this before publishing its sequence. */
    public void publish(ChangeEvent event) {
        ring.lazySet((int) (event.sequence() & mask), event);
    }

    /** Lets every subscriber drain; call after a commit, holding no lock. */
    public void signal() {
        for (Cursor c : cursors) {
            c.drain();
        }
    }

    /** The number of live subscriptions. */
    public int subscriberCount() {
        return cursors.size();
    }

    /** Completes every subscriber, now and in the future. */
    public void close() {
        closed = true;
        signal();
    }

    /** Committed changes after {@code afterSequence}, then live ones. */
    public Flux<ChangeEvent> changes(long afterSequence) {
        if (afterSequence < 0) {
            throw new IllegalArgumentException("afterSequence must be >= 0: " + afterSequence);
        }
        return new ChangeFlux(this, afterSequence);
    }

    /** Changes committed after the moment of subscription. */
    public Flux<ChangeEvent> live() {
        return new ChangeFlux(this, -1);
    }

    ChangeEvent ringGet(long sequence) {
        ChangeEvent e = ring.get((int) (sequence & mask));
        return e != null && e.sequence() == sequence ? e : null;
    }

    private static final class ChangeFlux extends Flux<ChangeEvent> {
        private final ChangeFeed feed;
        private final long after;

        ChangeFlux(ChangeFeed feed, long after) {
            this.feed = feed;
            this.after = after;
        }

        @Override
        public void subscribe(CoreSubscriber<? super ChangeEvent> actual) {
            long start = after >= 0 ? after : feed.source.publishedSequence();
            Cursor c = new Cursor(feed, actual, start);
            actual.onSubscribe(c);
            if (c.cancelled) {
                return;
            }
            feed.cursors.add(c);
            if (c.cancelled) {
                feed.cursors.remove(c);
                return;
            }
            c.drain();
        }
    }

    /** One subscriber's position in the feed. */
    static final class Cursor implements Subscription {
        private static final AtomicLongFieldUpdater<Cursor> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Cursor.class, "requested");
        private static final AtomicIntegerFieldUpdater<Cursor> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Cursor.class, "wip");

        private final ChangeFeed feed;
        private final CoreSubscriber<? super ChangeEvent> actual;
        volatile long requested;
        volatile int wip;
        volatile boolean cancelled;
        private volatile boolean loading;
        private volatile Batch batch;
        private volatile Throwable error;
        private long cursor;
        private int batchIndex;
        private Object hint;

        Cursor(ChangeFeed feed, CoreSubscriber<? super ChangeEvent> actual, long cursor) {
            this.feed = feed;
            this.actual = actual;
            this.cursor = cursor;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                error = Exceptions.nullOrNegativeRequestException(n);
            } else {
                Operators.addCap(REQUESTED, this, n);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (WIP.getAndIncrement(this) == 0) {
                cleanup();
            }
        }

        private void cleanup() {
            feed.cursors.remove(this);
            batch = null;
        }

        void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                long r = requested;
                long e = 0;
                for (;;) {
                    if (cancelled) {
                        cleanup();
                        return;
                    }
                    if (feed.closed) {
                        // close() completes every stream, also one whose catch-up read failed on the closing log
                        cancelled = true;
                        cleanup();
                        actual.onComplete();
                        return;
                    }
                    Throwable err = error;
                    if (err != null) {
                        cancelled = true;
                        cleanup();
                        actual.onError(err);
                        return;
                    }
                    if (e == r) {
                        break;
                    }
                    ChangeEvent ev;
                    Batch b = batch;
                    if (b != null) {
                        if (batchIndex < b.events().size()) {
                            ev = b.events().get(batchIndex++);
                        } else {
                            cursor = Math.max(cursor, b.coveredUpTo());
                            hint = b.hint();
                            batch = null;
                            batchIndex = 0;
                            continue;
                        }
                    } else {
                        if (loading) {
                            break;
                        }
                        long next = cursor + 1;
                        if (next > feed.source.publishedSequence()) {
                            break;
                        }
                        ev = feed.ringGet(next);
                        if (ev == null) {
                            if (startLoad(next, r - e)) {
                                break;
                            }
                            continue;
                        }
                    }
                    cursor = ev.sequence();
                    try {
                        actual.onNext(ev);
                    } catch (Throwable t) {
                        cancelled = true;
                        cleanup();
                        actual.onError(Operators.onOperatorError(this, t, ev, actual.currentContext()));
                        return;
                    }
                    e++;
                }
                if (e != 0 && r != Long.MAX_VALUE) {
                    REQUESTED.addAndGet(this, -e);
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    break;
                }
            }
        }

        private boolean startLoad(long from, long demand) {
            loading = true;
            int max = (int) Math.min(Math.max(demand, MIN_BATCH), MAX_BATCH);
            Object h = hint;
            try {
                feed.scheduler.schedule(() -> {
                    try {
                        batch = feed.source.load(from, max, h);
                    } catch (Throwable t) {
                        error = t;
                    }
                    loading = false;
                    drain();
                });
                return true;
            } catch (RejectedExecutionException ex) {
                error = ex;
                loading = false;
                return false;
            }
        }
    }
}
