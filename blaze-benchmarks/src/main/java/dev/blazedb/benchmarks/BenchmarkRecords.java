package dev.blazedb.benchmarks;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The records the benchmarks use, deterministic for a given index so runs and machines compare.
 *
 * <p>{@link #standard(long)} is the record of docs/benchmarks.md: five fields (uuid, short
 * string, int, double, bool), 94 bytes in BlazeBinary version 1. {@link #large(long)} is a
 * document-like record of 17 fields with long strings, dates, arrays, a nested dictionary, a
 * vector, binary data and a null. {@link #toJava(BlazeDataRecord)} gives the same data as plain
 * Java values for JSON libraries.
 */
public final class BenchmarkRecords {

    private static final long UUID_MSB = 0x5EED_B1A2_E000_4000L;
    private static final long UUID_LSB = 0x8000_0000_0000_0000L;
    private static final Instant CREATED = Instant.parse("2024-05-06T07:08:09.123Z");

    private BenchmarkRecords() {
    }

    /** The standard record number 0. */
    public static BlazeDataRecord standard() {
        return standard(0);
    }

    /**
     * The standard five-field record: {@code id} (uuid), {@code title} (a 32-character string),
     * {@code count} (an int above 255), {@code score} (a double), {@code isActive} (a bool).
     */
    public static BlazeDataRecord standard(long index) {
        return BlazeDataRecord.builder()
                .put("id", BlazeValue.uuid(uuid(index)))
                .put("title", title(index))
                .put("count", 1_000_003L + index)
                .put("score", 98.6 + index)
                .put("isActive", index % 2 == 0)
                .build();
    }

    /**
     * {@code "Benchmark record number %08d"} without {@link String#format}, whose parsing and
     * locale lookups cost more CPU than the sync path being measured.
     */
    static String title(long index) {
        String digits = Long.toString(index);
        StringBuilder sb = new StringBuilder(24 + Math.max(8, digits.length())).append("Benchmark record number ");
        for (int i = digits.length(); i < 8; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    /** The large record number 0. */
    public static BlazeDataRecord large() {
        return large(0);
    }

    /** A document-like record of 17 fields, nesting three levels deep. */
    public static BlazeDataRecord large(long index) {
        float[] embedding = new float[16];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) Math.sin(index + i) * 0.5f;
        }
        byte[] thumbnail = new byte[48];
        for (int i = 0; i < thumbnail.length; i++) {
            thumbnail[i] = (byte) (index * 31 + i * 7);
        }
        Map<String, BlazeValue> owner = new LinkedHashMap<>();
        owner.put("name", BlazeValue.string("Ada Lovelace"));
        owner.put("team", BlazeValue.string("core"));
        owner.put("since", BlazeValue.integer(2019));
        Map<String, BlazeValue> metadata = new LinkedHashMap<>();
        metadata.put("source", BlazeValue.string("bench"));
        metadata.put("revision", BlazeValue.integer(42 + index));
        metadata.put("ratio", BlazeValue.decimal(0.25));
        metadata.put("flags", BlazeValue.array(List.of(BlazeValue.bool(true), BlazeValue.bool(false), BlazeValue.bool(true))));
        metadata.put("owner", BlazeValue.dictionary(owner));
        return BlazeDataRecord.builder()
                .put("id", BlazeValue.uuid(uuid(index)))
                .put("title", "Quarterly report: replication lag under load #" + index)
                .put("description", "Measures how far a replica trails its primary while the primary takes a "
                        + "steady stream of inserts and updates — résumé of the findings, caveats and the raw "
                        + "numbers for each transport, with the configuration used.")
                .put("status", "in-progress")
                .put("priority", 3L)
                .put("createdAt", BlazeValue.date(CREATED.plusSeconds(index)))
                .put("updatedAt", BlazeValue.date(CREATED.plusSeconds(index + 3600).plusMillis(456)))
                .put("assignedTo", BlazeValue.uuid(uuid(index + 1_000)))
                .put("tags", BlazeValue.array(List.of(BlazeValue.string("sync"), BlazeValue.string("replication"),
                        BlazeValue.string("benchmark"), BlazeValue.string("jvm"), BlazeValue.string("reactor"))))
                .put("childIds", BlazeValue.array(List.of(BlazeValue.uuid(uuid(index + 1)), BlazeValue.uuid(uuid(index + 2)),
                        BlazeValue.uuid(uuid(index + 3)))))
                .put("metadata", BlazeValue.dictionary(metadata))
                .put("score", 98.6 + index)
                .put("isActive", true)
                .put("count", 123_456L + index)
                .put("embedding", BlazeValue.vector(embedding))
                .put("thumbnail", BlazeValue.data(thumbnail))
                .put("parentId", BlazeValue.nullValue())
                .build();
    }

    /** A deterministic UUID. */
    public static UUID uuid(long index) {
        return new UUID(UUID_MSB ^ (index * 0x9E37_79B9_7F4A_7C15L), UUID_LSB | index);
    }

    /**
     * The record as plain Java values, in field order, for JSON libraries: strings, {@code Long},
     * {@code Double}, {@code Boolean}, {@link UUID}, dates as {@code Double} seconds since
     * 2001-01-01 (what BlazeBinary carries), {@code byte[]}, {@code float[]}, {@link List},
     * {@link Map} and null.
     */
    public static Map<String, Object> toJava(BlazeDataRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        record.fields().forEach((key, value) -> map.put(key, toJava(value)));
        return map;
    }

    /** One value as a plain Java value; see {@link #toJava(BlazeDataRecord)}. */
    public static Object toJava(BlazeValue value) {
        if (value instanceof BlazeValue.StringValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.IntValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.DoubleValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.BoolValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.DateValue v) {
            return secondsSince2001(v.value());
        } else if (value instanceof BlazeValue.UuidValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.DataValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.VectorValue v) {
            return v.value();
        } else if (value instanceof BlazeValue.ArrayValue v) {
            List<Object> list = new ArrayList<>();
            v.value().forEach(element -> list.add(toJava(element)));
            return list;
        } else if (value instanceof BlazeValue.DictionaryValue v) {
            Map<String, Object> map = new LinkedHashMap<>();
            v.value().forEach((key, element) -> map.put(key, toJava(element)));
            return map;
        }
        return null;
    }

    /** Seconds since 2001-01-01T00:00:00Z, as BlazeBinary writes dates. */
    public static double secondsSince2001(Instant instant) {
        return (instant.getEpochSecond() - 978_307_200L) + instant.getNano() / 1e9;
    }
}
