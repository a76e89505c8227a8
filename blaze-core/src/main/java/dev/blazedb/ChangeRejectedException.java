package dev.blazedb;

import java.util.UUID;

/**
 * A change a sync connection refused to apply (row-level security, a collection not synced): it
 * is reported in {@link SyncConnection#status()} and by a meter, never applied, and the rest of
 * the stream goes on.
 */
public class ChangeRejectedException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final String collection;
    private final UUID recordId;
    private final transient NodeId peer;
    private final boolean byPeer;

    /**
     * Creates the exception.
     *
     * @param collection the record's collection
     * @param recordId   the record
     * @param peer       the other side of the connection
     * @param byPeer     true when the peer refused a change of this side; false when this side
     *                   refused one from the peer
     * @param reason     why
     */
    public ChangeRejectedException(String collection, UUID recordId, NodeId peer, boolean byPeer, String reason) {
        super((byPeer ? "peer " + peer + " refused the change to " : "refused the change from peer " + peer + " to ")
                + collection + "/" + recordId + ": " + reason);
        this.collection = collection;
        this.recordId = recordId;
        this.peer = peer;
        this.byPeer = byPeer;
    }

    /** The record's collection. */
    public String collection() {
        return collection;
    }

    /** The record. */
    public UUID recordId() {
        return recordId;
    }

    /** The other side of the connection. */
    public NodeId peer() {
        return peer;
    }

    /** Whether the peer refused this side's change (else this side refused the peer's). */
    public boolean byPeer() {
        return byPeer;
    }
}
