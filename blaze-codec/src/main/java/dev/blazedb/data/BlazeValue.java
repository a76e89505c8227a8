package dev.blazedb.data;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A value stored in a {@link BlazeDataRecord}: one immutable type per BlazeBinary value kind.
 *
 * <p>Equality compares contents, also for {@link DataValue} and {@link VectorValue}; doubles
 * compare as {@link Double#compare} does, so {@code NaN} equals {@code NaN}.
 */
public sealed interface BlazeValue {

    /** The kind of a value, for switching without pattern matching. */
    enum Kind { STRING, INT, DOUBLE, BOOL, DATE, UUID, DATA, ARRAY, DICTIONARY, VECTOR, NULL }

    /** The kind of this value. */
    Kind kind();

    /** A string value. */
    static BlazeValue string(String value) {
        return new StringValue(value);
    }

    /** A 64-bit integer value. */
    static BlazeValue integer(long value) {
        return new IntValue(value);
    }

    /** A double value. */
    static BlazeValue decimal(double value) {
        return new DoubleValue(value);
    }

    /** A boolean value. */
    static BlazeValue bool(boolean value) {
        return value ? BoolValue.TRUE : BoolValue.FALSE;
    }

    /** A date value. */
    static BlazeValue date(Instant value) {
        return new DateValue(value);
    }

    /** A UUID value. */
    static BlazeValue uuid(UUID value) {
        return new UuidValue(value);
    }

    /** A binary value; the bytes are copied. */
    static BlazeValue data(byte[] value) {
        return new DataValue(value);
    }

    /** An array value; the list is copied. */
    static BlazeValue array(List<? extends BlazeValue> values) {
        return new ArrayValue(List.copyOf(values));
    }

    /** A dictionary value; the map is copied. */
    static BlazeValue dictionary(Map<String, ? extends BlazeValue> entries) {
        return new DictionaryValue(Map.copyOf(entries));
    }

    /** A float32 vector value; the array is copied. */
    static BlazeValue vector(float[] values) {
        return new VectorValue(values);
    }

    /** The null value. */
    static BlazeValue nullValue() {
        return NullValue.INSTANCE;
    }

    /** A string. */
    record StringValue(String value) implements BlazeValue {
        /** Creates a string value. */
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Kind kind() {
            return Kind.STRING;
        }
    }

    /** A 64-bit signed integer. */
    record IntValue(long value) implements BlazeValue {
        @Override
        public Kind kind() {
            return Kind.INT;
        }
    }

    /** An IEEE-754 double. */
    record DoubleValue(double value) implements BlazeValue {
        @Override
        public Kind kind() {
            return Kind.DOUBLE;
        }
    }

    /** A boolean. */
    record BoolValue(boolean value) implements BlazeValue {
        static final BoolValue TRUE = new BoolValue(true);
        static final BoolValue FALSE = new BoolValue(false);

        @Override
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** A point in time; BlazeBinary carries it as double seconds since 2001-01-01T00:00:00Z. */
    record DateValue(Instant value) implements BlazeValue {
        /** Creates a date value. */
        public DateValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Kind kind() {
            return Kind.DATE;
        }
    }

    /** A UUID. */
    record UuidValue(UUID value) implements BlazeValue {
        /** Creates a UUID value. */
        public UuidValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Kind kind() {
            return Kind.UUID;
        }
    }

    /** Binary data; the bytes are copied in and out. */
    final class DataValue implements BlazeValue {
        private final byte[] bytes;

        /** Creates a data value holding a copy of {@code bytes}. */
        public DataValue(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        /** A copy of the bytes. */
        public byte[] value() {
            return bytes.clone();
        }

        /** The number of bytes. */
        public int length() {
            return bytes.length;
        }

        @Override
        public Kind kind() {
            return Kind.DATA;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof DataValue that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "DataValue[" + bytes.length + " bytes]";
        }
    }

    /** An ordered list of values. */
    record ArrayValue(List<BlazeValue> value) implements BlazeValue {
        /** Creates an array value holding an immutable copy of {@code value}. */
        public ArrayValue {
            value = List.copyOf(value);
        }

        @Override
        public Kind kind() {
            return Kind.ARRAY;
        }
    }

    /** A map of string keys to values, iterated in key code-point order. */
    record DictionaryValue(Map<String, BlazeValue> value) implements BlazeValue {
        /** Creates a dictionary value holding an immutable, sorted copy of {@code value}. */
        public DictionaryValue {
            TreeMap<String, BlazeValue> sorted = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
            value.forEach((k, v) -> sorted.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
            value = Collections.unmodifiableSortedMap(sorted);
        }

        @Override
        public Kind kind() {
            return Kind.DICTIONARY;
        }
    }

    /** A vector of float32 values; the array is copied in and out. */
    final class VectorValue implements BlazeValue {
        private final float[] values;

        /** Creates a vector holding a copy of {@code values}. */
        public VectorValue(float[] values) {
            this.values = values.clone();
        }

        /** A copy of the elements. */
        public float[] value() {
            return values.clone();
        }

        /** The number of elements. */
        public int length() {
            return values.length;
        }

        /** The element at {@code index}. */
        public float get(int index) {
            return values[index];
        }

        @Override
        public Kind kind() {
            return Kind.VECTOR;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof VectorValue that && Arrays.equals(values, that.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "VectorValue" + Arrays.toString(values);
        }
    }

    /** The null value. */
    final class NullValue implements BlazeValue {
        static final NullValue INSTANCE = new NullValue();

        private NullValue() {
        }

        @Override
        public Kind kind() {
            return Kind.NULL;
        }

        @Override
        public String toString() {
            return "NullValue";
        }
    }
}
