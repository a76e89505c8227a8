package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;
import dev.blazedb.codec.RandomValues;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/** Generators for sync-protocol tests. */
final class SyncGen {

    static final NodeId[] NODES = {
        new NodeId(new UUID(1, 1)), new NodeId(new UUID(2, 2)), new NodeId(new UUID(-1, 3)), new NodeId(new UUID(4, -4))};

    private SyncGen() {
    }

    static NodeId node(SplittableRandom r) {
        return r.nextInt(4) == 0 ? new NodeId(new UUID(r.nextLong(), r.nextLong() | 1)) : NODES[r.nextInt(NODES.length)];
    }

    static String collection(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> "default";
            case 1 -> "notes";
            case 2 -> "Ünïcödé-☃";
            default -> "c" + r.nextInt(1000);
        };
    }

    static SyncMessage.Change change(SplittableRandom r, long seq) {
        UUID id = new UUID(r.nextLong(), r.nextLong());
        long hlc = r.nextLong(1, Long.MAX_VALUE);
        NodeId origin = node(r);
        if (r.nextInt(4) == 0) {
            return new SyncMessage.Change(seq, true, hlc, origin, r.nextLong(1, Long.MAX_VALUE), id, collection(r), null,
                    java.util.Map.of(), null);
        }
        BlazeDataRecord rec = new RandomValues(r, 3).record();
        if (r.nextBoolean()) {
            rec = rec.with("id", BlazeValue.uuid(id));
        } else {
            rec = rec.without("id");
        }
        if (rec.size() == 0 || rec.size() == 1 && rec.has("id")) {
            rec = rec.with("x", BlazeValue.integer(r.nextLong()));
        }
        TreeMap<String, Version> ex = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        for (String k : rec.fields().keySet()) {
            if (!k.equals("id") && r.nextInt(3) == 0) {
                ex.put(k, new Version(r.nextLong(1, Long.MAX_VALUE), node(r)));
            }
        }
        Version deletedAt = null;
        if (r.nextInt(3) == 0) {
            deletedAt = new Version(r.nextLong(0, hlc), node(r));
        }
        return new SyncMessage.Change(seq, false, hlc, origin, r.nextLong(1, Long.MAX_VALUE), id, collection(r), deletedAt,
                ex, rec);
    }

    static List<SyncMessage.Change> changes(SplittableRandom r) {
        int n = 1 + r.nextInt(r.nextInt(8) == 0 ? 40 : 4);
        List<SyncMessage.Change> out = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < n; i++) {
            seq += 1 + r.nextInt(r.nextBoolean() ? 3 : 1000);
            out.add(change(r, seq));
        }
        return out;
    }

    /** Encodes changes with the writer, as the outbound flow does. */
    static byte[] changesPayload(List<SyncMessage.Change> changes, long covered) {
        SyncCodec.ChangesWriter w = new SyncCodec.ChangesWriter();
        for (SyncMessage.Change c : changes) {
            byte[] coll = c.collection().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] fv = c.exceptions().isEmpty() ? null : FieldVersions.encode(c.exceptions());
            int bodySize = c.tombstone() ? 0 : dev.blazedb.codec.BlazeBinary.encodedSize(c.record(), false);
            w.append(c.sequence(), c.tombstone(), c.hlc(), c.origin(), c.originSequence(), c.recordId(), coll,
                    c.deletedAt(), fv, c.record(), bodySize);
        }
        return w.finish(covered);
    }
}
