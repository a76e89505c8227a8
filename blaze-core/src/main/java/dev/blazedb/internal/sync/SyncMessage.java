package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;
import dev.blazedb.data.BlazeDataRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The messages of the sync protocol, decoded; {@link SyncCodec} maps them to and from frames and
 * docs/sync.md draws their bytes.
 */
public sealed interface SyncMessage {

    /**
     * The first message of each side.
     *
     * @param version      the protocol version the sender speaks
     * @param willSend     whether the sender will send changes
     * @param willReceive  whether the sender accepts changes
     * @param node         the sender's node id
     * @param expectedPeer the node the sender expects at the other end, or null when it does not know
     * @param resumePoint  the highest sequence of {@code expectedPeer}'s log the sender has durably
     *                     applied (0 when {@code expectedPeer} is null)
     * @param database     the sender's database name
     */
    record Hello(int version, boolean willSend, boolean willReceive, NodeId node, NodeId expectedPeer,
                 long resumePoint, String database) implements SyncMessage {
    }

    /**
     * The resume point, sent by a side whose HELLO did not know the peer, once it has learned it.
     *
     * @param resumePoint the highest sequence of the receiver's log the sender has durably applied
     */
    record Resume(long resumePoint) implements SyncMessage {
    }

    /**
     * A batch of changes.
     *
     * @param coveredThrough every change of the sender's log up to this sequence has been sent or skipped
     * @param changes        the changes, ascending by sequence, at least one
     */
    record Changes(long coveredThrough, List<Change> changes) implements SyncMessage {
    }

    /**
     * One change as it travels: the sender's whole state of the record after it.
     *
     * @param sequence       the change's sequence in the sender's log
     * @param tombstone      whether the record is deleted
     * @param hlc            the change's hybrid-logical-clock timestamp
     * @param origin         the node where the change was written
     * @param originSequence its sequence there
     * @param recordId       the record
     * @param collection     the collection
     * @param deletedAt      the record's latest delete, for a live record; null when none
     * @param exceptions     the fields whose version is not (hlc, origin)
     * @param record         the record (with its id field); null for a tombstone
     * @param body           the record's BlazeBinary bytes as received (null for a tombstone, or
     *                       when the change was built in memory); not part of equality
     */
    record Change(long sequence, boolean tombstone, long hlc, NodeId origin, long originSequence, UUID recordId,
                  String collection, Version deletedAt, Map<String, Version> exceptions, BlazeDataRecord record,
                  byte[] body) {

        /** A change without its received bytes. */
        public Change(long sequence, boolean tombstone, long hlc, NodeId origin, long originSequence, UUID recordId,
                      String collection, Version deletedAt, Map<String, Version> exceptions, BlazeDataRecord record) {
            this(sequence, tombstone, hlc, origin, originSequence, recordId, collection, deletedAt, exceptions, record, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Change c && sequence == c.sequence && tombstone == c.tombstone && hlc == c.hlc
                    && originSequence == c.originSequence && origin.equals(c.origin) && recordId.equals(c.recordId)
                    && collection.equals(c.collection) && java.util.Objects.equals(deletedAt, c.deletedAt)
                    && exceptions.equals(c.exceptions) && java.util.Objects.equals(record, c.record);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(sequence, recordId, hlc);
        }

        /** Whether the received record carries its id field (so its bytes can be stored as they are). */
        public boolean bodyHasId() {
            return record != null && record.has(RecordState.ID_FIELD);
        }

        /** The state this change describes. */
        public RecordState state() {
            Version entry = new Version(hlc, origin);
            if (tombstone) {
                return RecordState.tombstone(entry);
            }
            return RecordState.of(record, entry, exceptions, deletedAt);
        }
    }

    /**
     * One piece of a CHANGES message too large for one frame.
     *
     * @param totalLength the length of the whole CHANGES payload
     * @param offset      where this piece goes in it
     * @param bytes       the piece
     */
    record Fragment(int totalLength, int offset, byte[] bytes) implements SyncMessage {
    }

    /**
     * Acknowledges changes.
     *
     * @param appliedThrough every change of the receiver's log up to here is durably applied (or rejected)
     */
    record Ack(long appliedThrough) implements SyncMessage {
    }

    /**
     * Progress, for {@code awaitIdle} and lag.
     *
     * @param head           the sender's last committed sequence
     * @param coveredThrough its outbound flow has sent or skipped everything up to here
     * @param appliedThrough of the receiver's log, what the sender has applied
     * @param requestId      a request's id, echoed in the reply; 0 when unsolicited
     * @param replyRequested whether the receiver should answer with its own STATUS
     */
    record Status(long head, long coveredThrough, long appliedThrough, int requestId, boolean replyRequested)
            implements SyncMessage {
    }

    /**
     * A change the sender refused to apply; the stream goes on.
     *
     * @param sequence   the change's sequence in the receiver's log
     * @param recordId   the record
     * @param collection the collection
     * @param reason     a {@code REASON_*} code of {@link SyncCodec}
     * @param message    why
     */
    record Reject(long sequence, UUID recordId, String collection, int reason, String message) implements SyncMessage {
    }

    /**
     * The sender closes the session.
     *
     * @param reason  a {@code BYE_*} code of {@link SyncCodec}
     * @param message why
     */
    record Goodbye(int reason, String message) implements SyncMessage {
    }
}
