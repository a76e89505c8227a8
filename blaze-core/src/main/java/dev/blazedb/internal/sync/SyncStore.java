package dev.blazedb.internal.sync;

import dev.blazedb.ChangeEvent;
import dev.blazedb.ConflictResolver;
import dev.blazedb.NodeId;
import dev.blazedb.RowLevelSecurity;
import dev.blazedb.data.BlazeDataRecord;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * What the sync engine needs from a database: its committed changes with their sync metadata,
 * an atomic merge of a peer's batch, and the per-peer resume points.
 */
public interface SyncStore {

    /** The database's node id. */
    NodeId nodeId();

    /** The database's name. */
    String name();

    /** The sequence of the last committed change. */
    long lastSequence();

    /** Whether the database is closed. */
    boolean isClosed();

    /** The database's row-level-security policies. */
    RowLevelSecurity security();

    /**
     * Committed changes after {@code afterSequence}, then live ones, each with its
     * {@link SyncMeta}; demand-driven: nothing is read or held without demand. Reading the log
     * happens on the database's blocking scheduler; live changes arrive on the committing thread.
     */
    Flux<ChangeEvent> changes(long afterSequence);

    /**
     * The highest sequence of {@code peer}'s log this database has applied, as recorded in
     * memory since it opened, else as stored in its log. The stored point trails the applied one
     * by a bounded stretch (it is written every few thousand sequences, when a session ends and
     * at close, never ahead of the changes), so after a crash the peer resends that stretch and
     * re-applying it changes nothing.
     */
    long resumePoint(NodeId peer);

    /**
     * Records that everything of {@code peer}'s log up to {@code point} is applied (the peer
     * skipped the changes in between). Kept in memory; persisted with a later batch, at close, or
     * now when {@code persistNow}.
     */
    void advanceResumePoint(NodeId peer, long point, boolean persistNow);

    /**
     * Merges a peer's batch into the database in one transaction: each change by per-field
     * last-writer-wins (or {@code resolver}); only changes that alter local state are written,
     * marked remote, with their origin kept and {@code peer} as the peer they came through; the
     * clock takes in their timestamps; the resume point of {@code peer} becomes
     * {@code coveredThrough} (see {@link #resumePoint} for when it is written to the log; never
     * before the changes it covers). Committed changes appear in
     * {@code changes()} as remote.
     *
     * <p>With {@code mayBlock} true it may block (read the log, wait for the write lock, for
     * buffer room or an fsync): call it from a thread that may. With {@code mayBlock} false, on a
     * thread that must not block (a transport's event loop), it applies the batch exactly as the
     * blocking call would when none of that is needed; otherwise it changes nothing and returns
     * null, and the caller applies the batch on a thread that may block.
     *
     * @param admission decides, per change that would alter local state, whether it may be applied
     * @return what happened to each change; null only when {@code mayBlock} is false and
     *     applying would block
     */
    ApplyResult apply(NodeId peer, List<SyncMessage.Change> changes, long coveredThrough, Admission admission,
                      ConflictResolver resolver, boolean mayBlock);

    /** Decides whether a change may be applied (row-level security, policy). */
    @FunctionalInterface
    interface Admission {
        /** Admits everything. */
        Admission ALL = (change, existing, proposed) -> null;

        /**
         * Whether the change may be applied.
         *
         * @param change   the change
         * @param existing the record as it is (null when not live)
         * @param proposed the record as it would be (null when the change deletes it)
         * @return null to apply it, else a rejection
         */
        Rejection admit(SyncMessage.Change change, BlazeDataRecord existing, BlazeDataRecord proposed);
    }

    /**
     * A refused change.
     *
     * @param reason  a {@code SyncCodec.REASON_*} code
     * @param message why
     */
    record Rejection(int reason, String message) {
    }

    /**
     * The outcome of {@link #apply}.
     *
     * @param applied  how many changes altered local state
     * @param rejected the refused changes, with the change each refers to
     */
    record ApplyResult(int applied, List<Rejected> rejected) {
    }

    /**
     * One refused change.
     *
     * @param change    the change
     * @param rejection why
     */
    record Rejected(SyncMessage.Change change, Rejection rejection) {
    }
}
