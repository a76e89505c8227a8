package dev.blazedb.data;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        return new ArrayValue(ValueList.copyOf(values));
    }

    /** A dictionary value; the map is copied. */
    static BlazeValue dictionary(Map<String, ? extends BlazeValue> entries) {
        return new DictionaryValue(SortedArrayMap.copyOf(entries, "key", "value"));
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

        private DataValue(byte[] bytes, boolean owned) {
            this.bytes = bytes;
        }

        /**
         * A data value holding a copy of {@code length} bytes of {@code bytes} from {@code offset}.
         *
         * @throws IndexOutOfBoundsException if the range is not inside the array
         */
        public static DataValue copyOf(byte[] bytes, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            return new DataValue(Arrays.copyOfRange(bytes, offset, offset + length), true);
        }

        /** A copy of the bytes. */
        public byte[] value() {
            return bytes.clone();
        }

        /**
         * Copies the bytes into {@code target} from {@code offset}, without another copy.
         *
         * @throws IndexOutOfBoundsException if they do not fit there
         */
        public void copyTo(byte[] target, int offset) {
            System.arraycopy(bytes, 0, target, offset, bytes.length);
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

    /**
     * An ordered list of values. {@link #value()} is an immutable {@link List};
     * {@link #size()} and {@link #get(int)} reach the elements without going through it.
     */
    record ArrayValue(List<BlazeValue> value) implements BlazeValue {
        /** Creates an array value holding an immutable copy of {@code value}. */
        public ArrayValue {
            value = ValueList.copyOf(value);
        }

        /**
         * An array of {@code values}, for decoders: checks that none is null, then <em>takes</em>
         * the array without copying it. The caller must not modify it afterwards.
         *
         * @throws NullPointerException if {@code values} or one of them is null
         */
        public static ArrayValue of(BlazeValue[] values) {
            return new ArrayValue(ValueList.take(values));
        }

        /** The number of elements. */
        public int size() {
            return ((ValueList) value).values.length;
        }

        /**
         * The element at {@code index}.
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
         */
        public BlazeValue get(int index) {
            return ((ValueList) value).values[index];
        }

        @Override
        public Kind kind() {
            return Kind.ARRAY;
        }
    }

    /**
     * A map of string keys to values, iterated in key code-point order. {@link #value()} is an
     * immutable {@link java.util.SortedMap} ordered by {@link BlazeDataRecord#CODE_POINT_ORDER};
     * {@link #keyAt(int)} and {@link #valueAt(int)} reach the entries by index without allocating.
     */
    record DictionaryValue(Map<String, BlazeValue> value) implements BlazeValue {
        /** Creates a dictionary value holding an immutable, sorted copy of {@code value}. */
        public DictionaryValue {
            value = SortedArrayMap.copyOf(value, "key", "value");
        }

        /**
         * A dictionary of the entries {@code keys[i] = values[i]}, for decoders that read them in
         * order: checks in one pass that the keys are in strictly increasing code-point order
         * (so also unique) and that nothing is null, then <em>takes</em> both arrays without
         * copying them. The caller must not modify them afterwards.
         *
         * @throws IllegalArgumentException if the keys are not strictly increasing, or the arrays
         *     differ in length
         * @throws NullPointerException if an array, a key or a value is null
         */
        public static DictionaryValue ofSorted(String[] keys, BlazeValue[] values) {
            SortedArrayMap.checkSorted(keys, values, "key", "value");
            return new DictionaryValue(keys.length == 0 ? SortedArrayMap.EMPTY : new SortedArrayMap(keys, values));
        }

        /**
         * A dictionary with the keys of this one and {@code values} for them, in key order: for
         * decoders that meet the same keys again and again, which then share one key array and
         * need not check the order of the keys each time. Checks that {@code values} has one
         * value per key and that none is null, then <em>takes</em> the array without copying it.
         * The caller must not modify it afterwards.
         *
         * @throws IllegalArgumentException if {@code values} does not have {@link #size()} elements
         * @throws NullPointerException if {@code values} or one of them is null
         */
        public DictionaryValue withValues(BlazeValue[] values) {
            String[] keys = ((SortedArrayMap) value).keys;
            int n = keys.length;
            if (values.length != n) {
                throw new IllegalArgumentException(n + " keys but " + values.length + " values");
            }
            for (int i = 0; i < n; i++) {
                Objects.requireNonNull(values[i], "value");
            }
            return new DictionaryValue(n == 0 ? SortedArrayMap.EMPTY : new SortedArrayMap(keys, values));
        }

        /** The number of entries. */
        public int size() {
            return value.size();
        }

        /**
         * The key of the entry at {@code index}, counting from 0 in code-point order.
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
         */
        public String keyAt(int index) {
            return ((SortedArrayMap) value).keys[index];
        }

        /**
         * The value of the entry at {@code index}, counting from 0 in code-point order.
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
         */
        public BlazeValue valueAt(int index) {
            return ((SortedArrayMap) value).values[index];
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

        private VectorValue(float[] values, boolean owned) {
            this.values = values;
        }

        /**
         * A vector of {@code count} floats read from {@code bytes} at {@code offset}, each as the
         * four big-endian bytes of its IEEE-754 binary32 bits (BlazeBinary's vector payload).
         *
         * @throws IndexOutOfBoundsException if the {@code 4 * count} bytes are not inside the array
         */
        public static VectorValue ofBigEndianBits(byte[] bytes, int offset, int count) {
            Objects.checkFromIndexSize(offset, 4L * count > Integer.MAX_VALUE ? -1 : 4 * count, bytes.length);
            float[] values = new float[count];
            for (int i = 0, p = offset; i < count; i++, p += 4) {
                values[i] = Float.intBitsToFloat((int) FLOAT_BITS.get(bytes, p));
            }
            return new VectorValue(values, true);
        }

        private static final VarHandle FLOAT_BITS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

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
