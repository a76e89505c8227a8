package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.sync.SyncMeta;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One committed change, as {@link BlazeDBClient#changes()} delivers it.
 *
 * <p>Immutable. For inserts and updates {@link #record()} is the whole record after the change;
 * for deletes it is empty.
 */
public final class ChangeEvent {

    static {
        InternalAccess.register(new InternalAccess.EventAccess() {
            @Override
            public ChangeEvent create(long sequence, String collection, UUID recordId, ChangeType type,
                                      BlazeDataRecord record, NodeId origin, long originSequence, long timestamp,
                                      boolean remote, SyncMeta meta) {
                return new ChangeEvent(sequence, collection, recordId, type, record, origin, originSequence, timestamp,
                        remote, meta);
            }

            @Override
            public SyncMeta meta(ChangeEvent event) {
                return event.meta;
            }
        });
    }

    private final long sequence;
    private final String collection;
    private final UUID recordId;
    private final ChangeType type;
    private final BlazeDataRecord record;
    private final NodeId origin;
    private final long originSequence;
    private final long timestamp;
    private final boolean remote;
    /** What sync needs beyond the public fields; null when nothing (see {@link SyncMeta}). */
    private final SyncMeta meta;

    /**
     * Creates an event.
     *
     * @param sequence       the local sequence number, from 1, growing with each commit
     * @param collection     the collection
     * @param recordId       the record id
     * @param type           what the change did
     * @param record         the record after the change; null for a delete
     * @param origin         the node where the write was made
     * @param originSequence the change's sequence number on its origin node
     * @param timestamp      the change's hybrid-logical-clock timestamp
     * @param remote         whether the change was applied from a peer
     */
    public ChangeEvent(long sequence, String collection, UUID recordId, ChangeType type, BlazeDataRecord record,
                       NodeId origin, long originSequence, long timestamp, boolean remote) {
        this(sequence, collection, recordId, type, record, origin, originSequence, timestamp, remote, null);
    }

    private ChangeEvent(long sequence, String collection, UUID recordId, ChangeType type, BlazeDataRecord record,
                        NodeId origin, long originSequence, long timestamp, boolean remote, SyncMeta meta) {
        this.meta = meta;
        this.sequence = sequence;
        this.collection = Objects.requireNonNull(collection, "collection");
        this.recordId = Objects.requireNonNull(recordId, "recordId");
        this.type = Objects.requireNonNull(type, "type");
        if ((type == ChangeType.DELETE) != (record == null)) {
            throw new IllegalArgumentException("a delete has no record, other changes have one");
        }
        this.record = record;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.originSequence = originSequence;
        this.timestamp = timestamp;
        this.remote = remote;
    }

    /** The local sequence number: 1 for the first change, growing by one with each change. */
    public long sequence() {
        return sequence;
    }

    /** The collection the record belongs to. */
    public String collection() {
        return collection;
    }

    /** The id of the changed record. */
    public UUID recordId() {
        return recordId;
    }

    /** What the change did. */
    public ChangeType type() {
        return type;
    }

    /** The whole record after the change; empty for a delete. */
    public Optional<BlazeDataRecord> record() {
        return Optional.ofNullable(record);
    }

    /** The node where the write was made; this database's own node id for local writes. */
    public NodeId origin() {
        return origin;
    }

    /** The change's sequence number on its origin node; equals {@link #sequence()} for local writes. */
    public long originSequence() {
        return originSequence;
    }

    /**
     * The change's hybrid-logical-clock timestamp: milliseconds since the epoch in the upper 48
     * bits, a logical counter in the lower 16.
     */
    public long timestamp() {
        return timestamp;
    }

    /** Whether the change was applied from a peer rather than written locally. */
    public boolean isRemote() {
        return remote;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChangeEvent that && sequence == that.sequence && originSequence == that.originSequence
                && timestamp == that.timestamp && remote == that.remote && collection.equals(that.collection)
                && recordId.equals(that.recordId) && type == that.type && Objects.equals(record, that.record)
                && origin.equals(that.origin);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + recordId.hashCode();
    }

    @Override
    public String toString() {
        return "ChangeEvent[#" + sequence + " " + type + " " + collection + "/" + recordId
                + (remote ? " from " + origin : "") + "]";
    }
}
