package dev.blazedb.internal.sync;

import dev.blazedb.ConflictResolver;
import dev.blazedb.FieldVersion;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The merge of two states of a record, per field, last writer wins: a pure function, so every
 * node that has seen the same writes holds the same record, whatever order the writes arrived in.
 *
 * <ol>
 *   <li>The delete version is the greater of the two.</li>
 *   <li>Fields written at or before it are gone, on both sides.</li>
 *   <li>Of the remaining fields, one side's alone is kept; where both sides have the field with
 *       different versions the resolver chooses (by default the greater (HLC, node id)).</li>
 * </ol>
 * With the default resolver this is the join of a semilattice: commutative, associative and
 * idempotent, so duplicates, reordering and relays through several paths are harmless, and
 * re-applying anything already merged changes nothing.
 */
public final class LwwMerge {

    private LwwMerge() {
    }

    /**
     * Merges {@code incoming} into {@code local}.
     *
     * @param resolver chooses between two versions of a field; null for last-writer-wins
     * @return the merged state; {@code local} itself (the same instance) when nothing changes
     * @throws IllegalStateException when the resolver returns neither of its arguments
     */
    public static RecordState merge(String collection, UUID id, RecordState local, RecordState incoming,
                                    ConflictResolver resolver) {
        Version deleted = Version.max(local.deletedAt(), incoming.deletedAt());
        TreeMap<String, BlazeValue> fields = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        TreeMap<String, Version> versions = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        for (Map.Entry<String, Version> e : local.rawVersions().entrySet()) {
            if (e.getValue().after(deleted)) {
                fields.put(e.getKey(), local.rawFields().get(e.getKey()));
                versions.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Version> e : incoming.rawVersions().entrySet()) {
            String k = e.getKey();
            Version rv = e.getValue();
            if (!rv.after(deleted)) {
                continue;
            }
            BlazeValue value = incoming.rawFields().get(k);
            Version lv = versions.get(k);
            if (lv == null) {
                fields.put(k, value);
                versions.put(k, rv);
            } else if (!lv.equals(rv)) {
                if (resolver == null || resolver == ConflictResolver.LAST_WRITER_WINS) {
                    if (rv.compareTo(lv) > 0) {
                        fields.put(k, value);
                        versions.put(k, rv);
                    }
                } else {
                    FieldVersion l = new FieldVersion(fields.get(k), lv.hlc(), lv.node());
                    FieldVersion r = new FieldVersion(value, rv.hlc(), rv.node());
                    FieldVersion chosen = resolver.resolve(collection, id, k, l, r);
                    if (chosen == r || r.equals(chosen) && !l.equals(chosen)) {
                        fields.put(k, value);
                        versions.put(k, rv);
                    } else if (chosen != l && !l.equals(chosen)) {
                        throw new IllegalStateException("the ConflictResolver returned neither version of field '" + k
                                + "' of " + collection + "/" + id + ": " + chosen);
                    }
                }
            }
        }
        RecordState merged = RecordState.ofTrusted(fields, versions, deleted);
        return merged.equals(local) ? local : merged;
    }
}
