package dev.blazedb.internal.storage;

import dev.blazedb.NodeId;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.codec.BlazeBinaryException;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.sync.FieldVersions;
import dev.blazedb.internal.sync.RecordState;
import dev.blazedb.internal.sync.SyncMeta;
import dev.blazedb.internal.sync.Version;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * The log's sync sections (docs/storage-format.md, docs/sync.md): per-field versions (type 1),
 * the delete version of a live record (type 2) and the peer a remote change came through
 * (type 3), and the record states and {@link SyncMeta} they describe.
 */
final class SyncSections {

    private SyncSections() {
    }

    /** The encoded sections, or null when there is nothing to write. */
    static byte[] encode(byte[] fieldVersions, Version deletedAt, NodeId via) {
        int n = 0;
        boolean fv = fieldVersions != null && fieldVersions.length > 0;
        if (fv) {
            n += LogFormat.SECTION_HEADER_LENGTH + fieldVersions.length;
        }
        if (deletedAt != null) {
            n += LogFormat.SECTION_HEADER_LENGTH + 24;
        }
        if (via != null) {
            n += LogFormat.SECTION_HEADER_LENGTH + 16;
        }
        if (n == 0) {
            return null;
        }
        byte[] out = new byte[n];
        int p = 0;
        if (fv) {
            p = header(out, p, LogFormat.SECTION_FIELD_VERSIONS, fieldVersions.length);
            System.arraycopy(fieldVersions, 0, out, p, fieldVersions.length);
            p += fieldVersions.length;
        }
        if (deletedAt != null) {
            p = header(out, p, LogFormat.SECTION_DELETED_AT, 24);
            Bytes.putLong(out, p, deletedAt.hlc());
            Bytes.putUuid(out, p + 8, deletedAt.node().uuid());
            p += 24;
        }
        if (via != null) {
            p = header(out, p, LogFormat.SECTION_VIA, 16);
            Bytes.putUuid(out, p, via.uuid());
        }
        return out;
    }

    private static int header(byte[] out, int p, int type, int length) {
        Bytes.putShort(out, p, type);
        Bytes.putInt(out, p + 2, length);
        return p + LogFormat.SECTION_HEADER_LENGTH;
    }

    /** The node id for a stored UUID, reusing {@code self} for this database's own id. */
    static NodeId node(long msb, long lsb, NodeId self) {
        UUID u = self.uuid();
        return u.getMostSignificantBits() == msb && u.getLeastSignificantBits() == lsb ? self : new NodeId(new UUID(msb, lsb));
    }

    /** The entry's own version. */
    static Version version(EntryView v, NodeId self) {
        return new Version(v.hlc, node(v.originMsb, v.originLsb, self));
    }

    /** The entry's delete version (type 2 section), or null. */
    static Version deletedAt(EntryView v, NodeId self) {
        if (v.deletedAtOffset < 0) {
            return null;
        }
        int p = v.deletedAtOffset;
        return new Version(Bytes.getLong(v.buf, p), node(Bytes.getLong(v.buf, p + 8), Bytes.getLong(v.buf, p + 16), self));
    }

    /** The entry's per-field versions that differ from its own. */
    static Map<String, Version> fieldVersions(EntryView v) {
        if (v.fieldVersionsOffset < 0) {
            return Map.of();
        }
        return FieldVersions.decode(v.buf, v.fieldVersionsOffset, v.fieldVersionsLength);
    }

    /** The sync metadata of an entry, or null when it has none. */
    static SyncMeta meta(EntryView v, NodeId self) {
        byte[] fv = v.fieldVersionsOffset < 0 ? null
                : Arrays.copyOfRange(v.buf, v.fieldVersionsOffset, v.fieldVersionsOffset + v.fieldVersionsLength);
        Version deletedAt = deletedAt(v, self);
        NodeId via = v.viaOffset < 0 ? null
                : node(Bytes.getLong(v.buf, v.viaOffset), Bytes.getLong(v.buf, v.viaOffset + 8), self);
        boolean merged = (v.flags & LogFormat.FLAG_MERGED) != 0;
        byte[] body = v.kind == LogFormat.KIND_PUT ? v.body() : null;
        if (fv == null && deletedAt == null && via == null && !merged && body == null) {
            return null;
        }
        return new SyncMeta(fv, deletedAt, via, merged, body);
    }

    /**
     * The record state a stored entry describes (PUT or TOMBSTONE).
     *
     * @throws BlazeBinaryException or IllegalArgumentException when the entry's body or sections are malformed
     */
    static RecordState state(EntryView v, NodeId self) {
        Version version = version(v, self);
        if (v.kind == LogFormat.KIND_TOMBSTONE) {
            return RecordState.tombstone(version);
        }
        BlazeDataRecord record = BlazeBinary.decode(v.buf, v.bodyOffset, v.bodyLength);
        return RecordState.of(record, version, fieldVersions(v), deletedAt(v, self));
    }
}
