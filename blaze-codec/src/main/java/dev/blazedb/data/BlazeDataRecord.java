package dev.blazedb.data;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable record: a map of field names to {@link BlazeValue}s, iterated in key code-point
 * order (the order BlazeBinary writes them in).
 */
public final class BlazeDataRecord {

    /** Orders strings by Unicode code point, which differs from {@link String#compareTo} above U+FFFF. */
    public static final Comparator<String> CODE_POINT_ORDER = BlazeDataRecord::compareCodePoints;

    private static final BlazeDataRecord EMPTY = new BlazeDataRecord(Map.of());

    private final SortedMap<String, BlazeValue> fields;

    /** Creates a record holding an immutable copy of {@code fields}. */
    public BlazeDataRecord(Map<String, ? extends BlazeValue> fields) {
        TreeMap<String, BlazeValue> sorted = new TreeMap<>(CODE_POINT_ORDER);
        fields.forEach((k, v) -> sorted.put(Objects.requireNonNull(k, "field name"), Objects.requireNonNull(v, "value")));
        this.fields = Collections.unmodifiableSortedMap(sorted);
    }

    /** A record holding an immutable copy of {@code fields}. */
    public static BlazeDataRecord of(Map<String, ? extends BlazeValue> fields) {
        return fields.isEmpty() ? EMPTY : new BlazeDataRecord(fields);
    }

    /** The empty record. */
    public static BlazeDataRecord empty() {
        return EMPTY;
    }

    /** A builder for a record. */
    public static Builder builder() {
        return new Builder();
    }

    /** The fields, immutable and sorted by key code point. */
    public SortedMap<String, BlazeValue> fields() {
        return fields;
    }

    /** The number of fields. */
    public int size() {
        return fields.size();
    }

    /** The value of field {@code key}, if present. */
    public Optional<BlazeValue> get(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /** Whether field {@code key} is present. */
    public boolean has(String key) {
        return fields.containsKey(key);
    }

    /** The field as a string, when it holds one. */
    public Optional<String> string(String key) {
        return fields.get(key) instanceof BlazeValue.StringValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a long, when it holds an int. */
    public Optional<Long> integer(String key) {
        return fields.get(key) instanceof BlazeValue.IntValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a double, when it holds a double. */
    public Optional<Double> decimal(String key) {
        return fields.get(key) instanceof BlazeValue.DoubleValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a boolean, when it holds a bool. */
    public Optional<Boolean> bool(String key) {
        return fields.get(key) instanceof BlazeValue.BoolValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as an instant, when it holds a date. */
    public Optional<Instant> date(String key) {
        return fields.get(key) instanceof BlazeValue.DateValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a UUID, when it holds a uuid. */
    public Optional<UUID> uuid(String key) {
        return fields.get(key) instanceof BlazeValue.UuidValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** A copy of this record with field {@code key} set to {@code value}. */
    public BlazeDataRecord with(String key, BlazeValue value) {
        TreeMap<String, BlazeValue> copy = new TreeMap<>(fields);
        copy.put(Objects.requireNonNull(key, "field name"), Objects.requireNonNull(value, "value"));
        return new BlazeDataRecord(copy);
    }

    /** A copy of this record without field {@code key}. */
    public BlazeDataRecord without(String key) {
        if (!fields.containsKey(key)) {
            return this;
        }
        TreeMap<String, BlazeValue> copy = new TreeMap<>(fields);
        copy.remove(key);
        return new BlazeDataRecord(copy);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BlazeDataRecord that && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "BlazeDataRecord" + fields;
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Builds a {@link BlazeDataRecord}. */
    public static final class Builder {
        private final TreeMap<String, BlazeValue> fields = new TreeMap<>(CODE_POINT_ORDER);

        private Builder() {
        }

        /** Sets field {@code key}. */
        public Builder put(String key, BlazeValue value) {
            fields.put(Objects.requireNonNull(key, "field name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets field {@code key} to a string. */
        public Builder put(String key, String value) {
            return put(key, BlazeValue.string(value));
        }

        /** Sets field {@code key} to an int. */
        public Builder put(String key, long value) {
            return put(key, BlazeValue.integer(value));
        }

        /** Sets field {@code key} to a double. */
        public Builder put(String key, double value) {
            return put(key, BlazeValue.decimal(value));
        }

        /** Sets field {@code key} to a bool. */
        public Builder put(String key, boolean value) {
            return put(key, BlazeValue.bool(value));
        }

        /** The record. */
        public BlazeDataRecord build() {
            return new BlazeDataRecord(fields);
        }
    }
}
