package dev.blazedb.internal.clock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al., 2014): timestamps that follow physical time, never go
 * backwards, and order causally related events across nodes.
 *
 * <p>A timestamp is one {@code long}: milliseconds since the Unix epoch in the upper 48 bits, a
 * logical counter in the lower 16. Comparing two timestamps as longs compares them as HLCs.
 * Thread-safe and lock-free.
 */
public final class HybridLogicalClock {

    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;

    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final LongSupplier physicalMillis;
    private final AtomicLong last = new AtomicLong();

    /** A clock reading {@link System#currentTimeMillis()}. */
    public HybridLogicalClock() {
        this(System::currentTimeMillis);
    }

    /** A clock reading physical time from {@code physicalMillis} (for tests). */
    public HybridLogicalClock(LongSupplier physicalMillis) {
        this.physicalMillis = physicalMillis;
    }

    /** The timestamp for {@code millis} with logical counter 0. */
    public static long of(long millis, int logical) {
        return (millis << LOGICAL_BITS) | (logical & LOGICAL_MASK);
    }

    /** The physical part of {@code timestamp}, in milliseconds since the epoch. */
    public static long physical(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    /** The logical part of {@code timestamp}. */
    public static int logical(long timestamp) {
        return (int) (timestamp & LOGICAL_MASK);
    }

    /** A timestamp for a local event: greater than every timestamp this clock has issued or seen. */
    public long now() {
        long physical = physicalMillis.getAsLong() << LOGICAL_BITS;
        for (;;) {
            long prev = last.get();
            long next = physical > prev ? physical : prev + 1;
            if (last.compareAndSet(prev, next)) {
                return next;
            }
        }
    }

    /**
     * Merges a timestamp received from another node and returns a timestamp for the receive event,
     * greater than both it and everything this clock has issued.
     */
    public long receive(long remote) {
        long physical = physicalMillis.getAsLong() << LOGICAL_BITS;
        for (;;) {
            long prev = last.get();
            long base = Math.max(prev, remote);
            long next = physical > base ? physical : base + 1;
            if (last.compareAndSet(prev, next)) {
                return next;
            }
        }
    }

    /** Raises the clock to at least {@code timestamp} (a persisted high-water mark) without issuing one. */
    public void observe(long timestamp) {
        last.accumulateAndGet(timestamp, Math::max);
    }

    /** The greatest timestamp issued or observed so far: the high-water mark to persist. */
    public long current() {
        return last.get();
    }
}
