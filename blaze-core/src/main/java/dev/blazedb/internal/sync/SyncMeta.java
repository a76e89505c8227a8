package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;

/**
 * What a committed change carries for sync besides what {@link dev.blazedb.ChangeEvent} shows:
 * the per-field versions that differ from the change's own, the record's latest delete, the peer
 * a remote change was received from, and whether applying it merged in local state. Local
 * inserts and deletes carry none (a null meta means: every field at the change's version, never
 * deleted before, written here).
 *
 * @param fieldVersions the {@link FieldVersions} bytes; empty when every field has the change's version
 * @param deletedAt     the record's latest delete, for a live record; null when none
 * @param via           the peer a remote change was received from; null for local writes
 * @param merged        whether the stored state differs from what the peer sent (local state merged in)
 * @param body          the stored record's exact BlazeBinary bytes, so a sender need not encode it
 *                      again; null when not at hand (deletes)
 */
public record SyncMeta(byte[] fieldVersions, Version deletedAt, NodeId via, boolean merged, byte[] body) {

    /** No field versions. */
    public static final byte[] NO_VERSIONS = new byte[0];

    /** Creates the meta; {@code fieldVersions} may be null for none. */
    public SyncMeta {
        fieldVersions = fieldVersions == null ? NO_VERSIONS : fieldVersions;
    }

    /** A meta with only the body: a plain local insert. */
    public static SyncMeta ofBody(byte[] body) {
        return new SyncMeta(null, null, null, false, body);
    }
}
