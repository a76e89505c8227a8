package dev.blazedb;

import java.time.Duration;
import java.util.Objects;

/**
 * When a committed write reaches stable storage.
 *
 * <ul>
 *   <li>{@link #SYNC}: a write returns after its commit is fsynced; concurrent committers share one
 *       fsync (group commit).
 *   <li>{@link #group(Duration)}: a write returns once committed in the write buffer; a background
 *       flusher writes and fsyncs it at most {@code interval} later. A crash may lose the commits
 *       of the last interval, never part of one. {@link BlazeDBClient#sync()} forces.
 *   <li>{@link #OS}: written by the background flusher, fsynced only by
 *       {@link BlazeDBClient#sync()}, by a checkpoint or by {@code close()}.
 * </ul>
 *
 * <p>In every mode the caller thread of a GROUP or OS write does no file I/O: it seals the entry
 * into a bounded in-memory buffer and waits only when that buffer is full.
 */
public final class Durability {

    /** The durability modes. */
    public enum Mode {
        /** Fsync before the write returns. */
        SYNC,
        /** Fsync by the background flusher within an interval. */
        GROUP,
        /** Written by the background flusher, fsynced only on request. */
        OS
    }

    /** The default flush interval of {@link #group()} and {@link #OS}: 10 ms. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);

    /** Fsync before each write returns (shared by concurrent writers). */
    public static final Durability SYNC = new Durability(Mode.SYNC, DEFAULT_INTERVAL);

    /** Leave syncing to the operating system; the flusher writes every 10 ms. */
    public static final Durability OS = new Durability(Mode.OS, DEFAULT_INTERVAL);

    private static final Durability GROUP_DEFAULT = new Durability(Mode.GROUP, DEFAULT_INTERVAL);

    private final Mode mode;
    private final Duration interval;

    private Durability(Mode mode, Duration interval) {
        this.mode = mode;
        this.interval = interval;
    }

    /** Group commit with the default interval of 10 ms: the default durability. */
    public static Durability group() {
        return GROUP_DEFAULT;
    }

    /**
     * Group commit: a background flusher writes and fsyncs committed writes at most
     * {@code interval} after they return.
     *
     * @param interval between 100 microseconds and 10 seconds
     */
    public static Durability group(Duration interval) {
        return new Durability(Mode.GROUP, checkInterval(interval));
    }

    /**
     * Leave syncing to the operating system; the flusher writes buffered entries to the file every
     * {@code interval}.
     *
     * @param interval between 100 microseconds and 10 seconds
     */
    public static Durability os(Duration interval) {
        return new Durability(Mode.OS, checkInterval(interval));
    }

    private static Duration checkInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofNanos(100_000)) < 0 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("flush interval must be between 100us and 10s: " + interval);
        }
        return interval;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** How often the background flusher runs. */
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Durability that && mode == that.mode && interval.equals(that.interval);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + interval.hashCode();
    }

    @Override
    public String toString() {
        return mode == Mode.SYNC ? "SYNC" : mode + "(" + interval.toMillis() + " ms)";
    }
}
