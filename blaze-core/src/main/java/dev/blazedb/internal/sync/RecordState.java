package dev.blazedb.internal.sync;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a database knows of one record for merging: its live fields, each with the version that
 * wrote it, and the version of the latest delete (null when it was never deleted). Immutable.
 *
 * <p>The {@code id} field is not part of the state: it is the record's id, the same on every node,
 * and a live record always has it. A record is live when at least one other field is; a record
 * with no field but a delete version is a tombstone; one with neither is absent.
 */
public final class RecordState {

    /** The field every stored record has, holding its id. */
    public static final String ID_FIELD = "id";

    private static final RecordState ABSENT = new RecordState(new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER),
            new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER), null);

    private final SortedMap<String, BlazeValue> fields;
    private final SortedMap<String, Version> versions;
    private final Version deletedAt;

    private RecordState(SortedMap<String, BlazeValue> fields, SortedMap<String, Version> versions, Version deletedAt) {
        this.fields = fields;
        this.versions = versions;
        this.deletedAt = deletedAt;
    }

    /** A record this database has never seen. */
    public static RecordState absent() {
        return ABSENT;
    }

    /** A deleted record: no fields, deleted at {@code deletedAt}. */
    public static RecordState tombstone(Version deletedAt) {
        return new RecordState(ABSENT.fields, ABSENT.versions, Objects.requireNonNull(deletedAt, "deletedAt"));
    }

    /**
     * The state a stored or received PUT describes.
     *
     * @param record     the whole record (its {@code id} field is left out)
     * @param entry      the entry's version: the version of every field not in {@code exceptions}
     * @param exceptions the fields written by other versions
     * @param deletedAt  the record's latest delete, or null
     */
    public static RecordState of(BlazeDataRecord record, Version entry, Map<String, Version> exceptions, Version deletedAt) {
        TreeMap<String, BlazeValue> f = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        TreeMap<String, Version> v = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        for (Map.Entry<String, BlazeValue> e : record.fields().entrySet()) {
            String k = e.getKey();
            if (k.equals(ID_FIELD)) {
                continue;
            }
            Version version = exceptions.get(k);
            version = version == null ? entry : version;
            if (deletedAt != null && !version.after(deletedAt)) {
                continue; // written before the delete: gone
            }
            f.put(k, e.getValue());
            v.put(k, version);
        }
        return new RecordState(f, v, deletedAt);
    }

    /** A state from explicit parts (tests and the merge). */
    public static RecordState of(SortedMap<String, BlazeValue> fields, SortedMap<String, Version> versions, Version deletedAt) {
        if (!fields.keySet().equals(versions.keySet())) {
            throw new IllegalArgumentException("every field needs a version and every version a field");
        }
        if (fields.containsKey(ID_FIELD)) {
            throw new IllegalArgumentException("the id field is not part of a record's state");
        }
        TreeMap<String, BlazeValue> f = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        f.putAll(fields);
        TreeMap<String, Version> v = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        v.putAll(versions);
        return new RecordState(f, v, deletedAt);
    }

    /** Whether the record exists: it has at least one field besides its id. */
    public boolean live() {
        return !fields.isEmpty();
    }

    /** Whether nothing at all is known: no field and no delete. */
    public boolean isAbsent() {
        return fields.isEmpty() && deletedAt == null;
    }

    /** The live fields, without {@code id}, sorted. */
    public SortedMap<String, BlazeValue> fields() {
        return Collections.unmodifiableSortedMap(fields);
    }

    /** The version of every live field. */
    public SortedMap<String, Version> versions() {
        return Collections.unmodifiableSortedMap(versions);
    }

    /** The latest delete, or null. */
    public Version deletedAt() {
        return deletedAt;
    }

    /** The greatest version in the state: of a field or of the delete; null when absent. */
    public Version maxVersion() {
        Version max = deletedAt;
        for (Version v : versions.values()) {
            max = Version.max(max, v);
        }
        return max;
    }

    /** The record to store: the fields plus {@code id}; only for a live state. */
    public BlazeDataRecord toRecord(UUID id) {
        if (!live()) {
            throw new IllegalStateException("not a live record");
        }
        TreeMap<String, BlazeValue> out = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        out.putAll(fields);
        out.put(ID_FIELD, BlazeValue.uuid(id));
        return new BlazeDataRecord(out);
    }

    /** The fields whose version differs from {@code entry}: what a log entry or message lists. */
    public TreeMap<String, Version> exceptions(Version entry) {
        TreeMap<String, Version> out = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        for (Map.Entry<String, Version> e : versions.entrySet()) {
            if (!e.getValue().equals(entry)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** This state without the fields {@code names} (and their versions). */
    public RecordState without(java.util.Collection<String> names) {
        boolean any = false;
        for (String n : names) {
            if (fields.containsKey(n)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return this;
        }
        TreeMap<String, BlazeValue> f = new TreeMap<>(fields);
        TreeMap<String, Version> v = new TreeMap<>(versions);
        for (String n : names) {
            f.remove(n);
            v.remove(n);
        }
        return new RecordState(f, v, deletedAt);
    }

    SortedMap<String, BlazeValue> rawFields() {
        return fields;
    }

    SortedMap<String, Version> rawVersions() {
        return versions;
    }

    static RecordState ofTrusted(TreeMap<String, BlazeValue> fields, TreeMap<String, Version> versions, Version deletedAt) {
        return new RecordState(fields, versions, deletedAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordState s && Objects.equals(deletedAt, s.deletedAt) && versions.equals(s.versions)
                && fields.equals(s.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fields, versions, deletedAt);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RecordState{");
        for (Map.Entry<String, BlazeValue> e : fields.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('@').append(versions.get(e.getKey())).append(", ");
        }
        if (deletedAt != null) {
            sb.append("deletedAt=").append(deletedAt);
        }
        return sb.append('}').toString();
    }
}
