package dev.blazedb.benchmarks;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plain Java objects holding the benchmark records, for Jackson's fastest ordinary path (data
 * binding to a class with public fields). Field names are the record's keys.
 */
public final class JsonModels {

    private JsonModels() {
    }

    /** {@link BenchmarkRecords#standard(long)} as an object. */
    public static final class Standard {
        /** The record id. */
        public UUID id;
        /** A 32-character title. */
        public String title;
        /** A count. */
        public long count;
        /** A score. */
        public double score;
        /** A flag. */
        public boolean isActive;

        /** Copies the fields of a standard record. */
        public static Standard of(BlazeDataRecord record) {
            Standard s = new Standard();
            s.id = record.uuid("id").orElseThrow();
            s.title = record.string("title").orElseThrow();
            s.count = record.integer("count").orElseThrow();
            s.score = record.decimal("score").orElseThrow();
            s.isActive = record.bool("isActive").orElseThrow();
            return s;
        }
    }

    /** {@link BenchmarkRecords#large(long)} as an object; the dynamic dictionary stays a map. */
    public static final class Large {
        /** The record id. */
        public UUID id;
        /** The title. */
        public String title;
        /** The description. */
        public String description;
        /** The status. */
        public String status;
        /** The priority. */
        public long priority;
        /** Creation time, seconds since 2001-01-01. */
        public double createdAt;
        /** Update time, seconds since 2001-01-01. */
        public double updatedAt;
        /** The assignee. */
        public UUID assignedTo;
        /** Tags. */
        public List<String> tags;
        /** Children. */
        public List<UUID> childIds;
        /** Free-form metadata. */
        public Map<String, Object> metadata;
        /** A score. */
        public double score;
        /** A flag. */
        public boolean isActive;
        /** A count. */
        public long count;
        /** An embedding. */
        public float[] embedding;
        /** A thumbnail. */
        public byte[] thumbnail;
        /** The parent, absent. */
        public UUID parentId;

        /** Copies the fields of a large record. */
        @SuppressWarnings("unchecked")
        public static Large of(BlazeDataRecord record) {
            Large l = new Large();
            l.id = record.uuid("id").orElseThrow();
            l.title = record.string("title").orElseThrow();
            l.description = record.string("description").orElseThrow();
            l.status = record.string("status").orElseThrow();
            l.priority = record.integer("priority").orElseThrow();
            l.createdAt = BenchmarkRecords.secondsSince2001(record.date("createdAt").orElseThrow());
            l.updatedAt = BenchmarkRecords.secondsSince2001(record.date("updatedAt").orElseThrow());
            l.assignedTo = record.uuid("assignedTo").orElseThrow();
            l.tags = new ArrayList<>();
            for (BlazeValue tag : ((BlazeValue.ArrayValue) record.get("tags").orElseThrow()).value()) {
                l.tags.add(((BlazeValue.StringValue) tag).value());
            }
            l.childIds = new ArrayList<>();
            for (BlazeValue child : ((BlazeValue.ArrayValue) record.get("childIds").orElseThrow()).value()) {
                l.childIds.add(((BlazeValue.UuidValue) child).value());
            }
            l.metadata = (Map<String, Object>) BenchmarkRecords.toJava(record.get("metadata").orElseThrow());
            l.score = record.decimal("score").orElseThrow();
            l.isActive = record.bool("isActive").orElseThrow();
            l.count = record.integer("count").orElseThrow();
            l.embedding = ((BlazeValue.VectorValue) record.get("embedding").orElseThrow()).value();
            l.thumbnail = ((BlazeValue.DataValue) record.get("thumbnail").orElseThrow()).value();
            l.parentId = null;
            return l;
        }
    }
}
