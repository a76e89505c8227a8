package dev.blazedb;

import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Settings for opening a database; immutable, built with {@link #builder()}.
 *
 * <pre>{@code
 * BlazeOptions options = BlazeOptions.builder()
 *         .durability(Durability.SYNC)
 *         .argon2(Argon2Params.of(16 * 1024, 2, 1))
 *         .build();
 * }</pre>
 */
public final class BlazeOptions {

    /** The default write buffer: 8 MiB. */
    public static final int DEFAULT_WRITE_BUFFER_SIZE = 8 << 20;

    /** The default checkpoint interval: a checkpoint after every 64 MiB of log. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL = 64L << 20;

    /** The default number of recent changes kept in memory for change-feed subscribers: 8192. */
    public static final int DEFAULT_CHANGE_BUFFER_SIZE = 8192;

    private static final BlazeOptions DEFAULTS = new Builder().build();

    private final Argon2Params argon2;
    private final Durability durability;
    private final int writeBufferSize;
    private final long checkpointInterval;
    private final boolean checkpointOnClose;
    private final int changeBufferSize;
    private final Scheduler blockingScheduler;
    private final boolean salvage;

    private BlazeOptions(Builder b) {
        this.argon2 = b.argon2;
        this.durability = b.durability;
        this.writeBufferSize = b.writeBufferSize;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointOnClose = b.checkpointOnClose;
        this.changeBufferSize = b.changeBufferSize;
        this.blockingScheduler = b.blockingScheduler;
        this.salvage = b.salvage;
    }

    /** The default options. */
    public static BlazeOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.argon2 = argon2;
        b.durability = durability;
        b.writeBufferSize = writeBufferSize;
        b.checkpointInterval = checkpointInterval;
        b.checkpointOnClose = checkpointOnClose;
        b.changeBufferSize = changeBufferSize;
        b.blockingScheduler = blockingScheduler;
        b.salvage = salvage;
        return b;
    }

    /** The Argon2id cost used when a new database is created. */
    public Argon2Params argon2() {
        return argon2;
    }

    /** When committed writes reach stable storage. */
    public Durability durability() {
        return durability;
    }

    /** The bounded in-memory buffer of sealed entries not yet written to the file, in bytes. */
    public int writeBufferSize() {
        return writeBufferSize;
    }

    /** Log bytes appended between background index checkpoints; 0 = none in the background. */
    public long checkpointInterval() {
        return checkpointInterval;
    }

    /** Whether {@code close()} writes an index checkpoint (so the next open is fast). */
    public boolean checkpointOnClose() {
        return checkpointOnClose;
    }

    /** How many recent changes are kept in memory for change-feed subscribers. */
    public int changeBufferSize() {
        return changeBufferSize;
    }

    /** The scheduler that runs blocking reads for change-feed catch-up and background work. */
    public Scheduler blockingScheduler() {
        return blockingScheduler;
    }

    /**
     * Whether the open salvages a damaged log: skip entries that fail authentication, report them in
     * {@link RecoveryReport#damagedRegions()}, and open with the rest. Without salvage, damage
     * before the end of the committed log fails the open with {@link CorruptDatabaseException}.
     * After a salvage open, {@link BlazeDBClient#compact()} rewrites the log without the damage.
     */
    public boolean salvage() {
        return salvage;
    }

    @Override
    public String toString() {
        return "BlazeOptions[argon2=" + argon2 + ", durability=" + durability + ", writeBufferSize=" + writeBufferSize
                + ", checkpointInterval=" + checkpointInterval + ", checkpointOnClose=" + checkpointOnClose
                + ", changeBufferSize=" + changeBufferSize + ", salvage=" + salvage + "]";
    }

    /** Builds {@link BlazeOptions}. */
    public static final class Builder {
        private Argon2Params argon2 = Argon2Params.DEFAULT;
        private Durability durability = Durability.group();
        private int writeBufferSize = DEFAULT_WRITE_BUFFER_SIZE;
        private long checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private boolean checkpointOnClose = true;
        private int changeBufferSize = DEFAULT_CHANGE_BUFFER_SIZE;
        private Scheduler blockingScheduler = Schedulers.boundedElastic();
        private boolean salvage;

        private Builder() {
        }

        /** The Argon2id cost for new databases (default {@link Argon2Params#DEFAULT}). */
        public Builder argon2(Argon2Params argon2) {
            this.argon2 = Objects.requireNonNull(argon2, "argon2");
            return this;
        }

        /** When committed writes reach stable storage (default {@link Durability#group()}). */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** The write buffer size in bytes, 64 KiB to 1 GiB (default 8 MiB). */
        public Builder writeBufferSize(int bytes) {
            if (bytes < 64 << 10 || bytes > 1 << 30) {
                throw new IllegalArgumentException("writeBufferSize must be 64 KiB..1 GiB: " + bytes);
            }
            this.writeBufferSize = bytes;
            return this;
        }

        /** Log bytes between background checkpoints; 0 turns them off (default 64 MiB). */
        public Builder checkpointInterval(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("checkpointInterval must be >= 0: " + bytes);
            }
            this.checkpointInterval = bytes;
            return this;
        }

        /** Whether {@code close()} writes a checkpoint (default true). */
        public Builder checkpointOnClose(boolean checkpointOnClose) {
            this.checkpointOnClose = checkpointOnClose;
            return this;
        }

        /** Recent changes kept in memory for subscribers, 16 to 2^24, rounded up to a power of two (default 8192). */
        public Builder changeBufferSize(int changes) {
            if (changes < 16 || changes > 1 << 24) {
                throw new IllegalArgumentException("changeBufferSize must be 16..2^24: " + changes);
            }
            this.changeBufferSize = changes;
            return this;
        }

        /**
         * The scheduler for blocking reads (change-feed catch-up) and background checkpoints; it must
         * allow blocking (default {@link Schedulers#boundedElastic()}).
         */
        public Builder blockingScheduler(Scheduler scheduler) {
            this.blockingScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Whether to salvage a damaged log on open (default false); see {@link BlazeOptions#salvage()}. */
        public Builder salvage(boolean salvage) {
            this.salvage = salvage;
            return this;
        }

        /** The options. */
        public BlazeOptions build() {
            return new BlazeOptions(this);
        }
    }
}
