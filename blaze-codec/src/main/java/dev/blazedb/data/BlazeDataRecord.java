package dev.blazedb.data;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;

/**
 * An immutable record: a map of field names to {@link BlazeValue}s, iterated in key code-point
 * order (the order BlazeBinary writes them in).
 *
 * <p>The fields live in two parallel arrays, keys sorted by code point and their values;
 * {@link #fields()} is an immutable {@link SortedMap} view of them, and {@link #keyAt(int)} /
 * {@link #valueAt(int)} reach them by index without allocating.
 *
 * <p>A record from a decoder may build its values when each is first read
 * ({@link #withLazyValues}); that is invisible in the results, and such a record is as
 * immutable and as safe to share between threads as any other.
 */
public final class BlazeDataRecord {

    /** Orders strings by Unicode code point, which differs from {@link String#compareTo} above U+FFFF. */
    public static final Comparator<String> CODE_POINT_ORDER = SortedArrayMap::compare;

    private static final BlazeDataRecord EMPTY = new BlazeDataRecord(SortedArrayMap.NO_KEYS, SortedArrayMap.NO_VALUES);

    private final String[] keys;
    /**
     * The values given up front; null in a record made by {@link #withLazyValues}, whose
     * values {@link #source} supplies into {@link #loaded} when each is first read. A value is
     * immutable and reached only through final fields, so threads that race to fill a slot
     * each store an equal value, and a thread that sees a value sees all of it.
     */
    private final BlazeValue[] values;
    /** Supplies values not read yet; null when every value was given up front. */
    private final ValueSource source;
    /**
     * The values of a record made by {@link #withLazyValues} read so far, each slot null until
     * its value is read; the array is made on the first read (most decoded records are passed
     * on unread). Threads that race to make it may each install one: they hold equal values,
     * so nothing but work is lost. Null for a record whose values were given up front.
     */
    @SuppressWarnings("unused") // reached through LOADED
    private BlazeValue[] loaded;
    private static final VarHandle LOADED;

    static {
        try {
            LOADED = MethodHandles.lookup().findVarHandle(BlazeDataRecord.class, "loaded", BlazeValue[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** The {@link #fields()} view, made on first use; immutable, so racing makes only copies. */
    private SortedArrayMap view;

    /**
     * Supplies the value at an index of a record whose values are made when first read (see
     * {@link #withLazyValues}): for decoders that have checked the whole input and build each
     * value only when it is asked for.
     */
    @FunctionalInterface
    public interface ValueSource {
        /**
         * The value at {@code index}: never null, equal each time it is asked for, and never an
         * exception (the input was checked before the record was made).
         */
        BlazeValue value(int index);
    }

    /** Creates a record holding an immutable copy of {@code fields}. */
    public BlazeDataRecord(Map<String, ? extends BlazeValue> fields) {
        SortedArrayMap copy = SortedArrayMap.copyOf(fields, "field name", "value");
        this.keys = copy.keys;
        this.values = copy.values;
        this.source = null;
        this.view = copy;
    }

    private BlazeDataRecord(String[] keys, BlazeValue[] values) {
        this.keys = keys;
        this.values = values;
        this.source = null;
    }

    private BlazeDataRecord(String[] keys, ValueSource source) {
        this.keys = keys;
        this.values = null;
        this.source = source;
    }

    /** A record holding an immutable copy of {@code fields}. */
    public static BlazeDataRecord of(Map<String, ? extends BlazeValue> fields) {
        return fields.isEmpty() ? EMPTY : new BlazeDataRecord(fields);
    }

    /**
     * A record of the fields {@code keys[i] = values[i]}, for decoders that read them in order:
     * checks in one pass that the keys are in strictly increasing code-point order
     * ({@link #CODE_POINT_ORDER}, so also unique) and that nothing is null, then <em>takes</em>
     * both arrays without copying them. The caller must not modify them afterwards.
     *
     * @throws IllegalArgumentException if the keys are not strictly increasing, or the arrays
     *     differ in length
     * @throws NullPointerException if an array, a key or a value is null
     */
    public static BlazeDataRecord ofSorted(String[] keys, BlazeValue[] values) {
        SortedArrayMap.checkSorted(keys, values, "field name", "value");
        return keys.length == 0 ? EMPTY : new BlazeDataRecord(keys, values);
    }

    /**
     * A record with the keys of this one and {@code values} for them, in key order: for decoders
     * that meet the same keys again and again, which then share one key array and need not check
     * the order of the keys each time. Checks that {@code values} has one value per key and that
     * none is null, then <em>takes</em> the array without copying it. The caller must not modify
     * it afterwards.
     *
     * @throws IllegalArgumentException if {@code values} does not have {@link #size()} elements
     * @throws NullPointerException if {@code values} or one of them is null
     */
    public BlazeDataRecord withValues(BlazeValue[] values) {
        int n = keys.length;
        if (values.length != n) {
            throw new IllegalArgumentException(n + " keys but " + values.length + " values");
        }
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(values[i], "value");
        }
        return n == 0 ? EMPTY : new BlazeDataRecord(keys, values);
    }

    /**
     * A record with the keys of this one whose values {@code source} makes when each is first
     * read, for decoders that check the whole input first: a record read in part builds only
     * the values read. Equality, hash code, {@link #fields()}, {@link #with} and {@link #without}
     * make every value first. The record holds on to {@code source} (and what it holds) for
     * its lifetime.
     *
     * @throws NullPointerException if {@code source} is null
     */
    public BlazeDataRecord withLazyValues(ValueSource source) {
        Objects.requireNonNull(source, "source");
        return keys.length == 0 ? EMPTY : new BlazeDataRecord(keys, source);
    }

    /** Every value, made first where a {@link ValueSource} has not made it yet. */
    private BlazeValue[] allValues() {
        BlazeValue[] v = values;
        if (v != null) {
            return v;
        }
        v = loaded();
        for (int i = 0; i < v.length; i++) {
            if (v[i] == null) {
                load(v, i);
            }
        }
        return v;
    }

    /** The array of a lazy record's values read so far, made on the first read (see {@link #loaded}). */
    private BlazeValue[] loaded() {
        BlazeValue[] v = (BlazeValue[]) LOADED.getAcquire(this);
        if (v == null) {
            v = new BlazeValue[keys.length];
            LOADED.setRelease(this, v);
        }
        return v;
    }

    private BlazeValue load(BlazeValue[] loaded, int index) {
        BlazeValue value = Objects.requireNonNull(source.value(index), "value");
        loaded[index] = value;
        return value;
    }

    /** The empty record. */
    public static BlazeDataRecord empty() {
        return EMPTY;
    }

    /** A builder for a record. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The fields: an immutable view, sorted by key code point ({@link SortedMap#comparator()} is
     * {@link #CODE_POINT_ORDER}), equal to any {@link Map} with the same entries.
     */
    public SortedMap<String, BlazeValue> fields() {
        SortedArrayMap v = view;
        if (v == null) {
            v = new SortedArrayMap(keys, allValues());
            view = v;
        }
        return v;
    }

    /** The number of fields. */
    public int size() {
        return keys.length;
    }

    /**
     * The key of the field at {@code index}, counting from 0 in code-point order.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public String keyAt(int index) {
        return keys[index];
    }

    /**
     * The value of the field at {@code index}, counting from 0 in code-point order.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public BlazeValue valueAt(int index) {
        BlazeValue[] v = values;
        if (v != null) {
            return v[index];
        }
        v = loaded();
        BlazeValue value = v[index];
        return value != null ? value : load(v, index);
    }

    private BlazeValue find(String key) {
        int i = SortedArrayMap.indexOf(keys, 0, keys.length, key);
        return i >= 0 ? valueAt(i) : null;
    }

    /** The value of field {@code key}, if present. */
    public Optional<BlazeValue> get(String key) {
        return Optional.ofNullable(find(key));
    }

    /** Whether field {@code key} is present. */
    public boolean has(String key) {
        return SortedArrayMap.indexOf(keys, 0, keys.length, key) >= 0;
    }

    /** The field as a string, when it holds one. */
    public Optional<String> string(String key) {
        return find(key) instanceof BlazeValue.StringValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a long, when it holds an int. */
    public Optional<Long> integer(String key) {
        return find(key) instanceof BlazeValue.IntValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a double, when it holds a double. */
    public Optional<Double> decimal(String key) {
        return find(key) instanceof BlazeValue.DoubleValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a boolean, when it holds a bool. */
    public Optional<Boolean> bool(String key) {
        return find(key) instanceof BlazeValue.BoolValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as an instant, when it holds a date. */
    public Optional<Instant> date(String key) {
        return find(key) instanceof BlazeValue.DateValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** The field as a UUID, when it holds a uuid. */
    public Optional<UUID> uuid(String key) {
        return find(key) instanceof BlazeValue.UuidValue v ? Optional.of(v.value()) : Optional.empty();
    }

    /** A copy of this record with field {@code key} set to {@code value}. */
    public BlazeDataRecord with(String key, BlazeValue value) {
        Objects.requireNonNull(key, "field name");
        Objects.requireNonNull(value, "value");
        BlazeValue[] values = allValues();
        int i = SortedArrayMap.search(keys, 0, keys.length, key);
        if (i >= 0) {
            BlazeValue[] newValues = values.clone();
            newValues[i] = value;
            return new BlazeDataRecord(keys, newValues); // the keys are shared: neither changes them
        }
        int at = -1 - i;
        int n = keys.length;
        String[] newKeys = new String[n + 1];
        BlazeValue[] newValues = new BlazeValue[n + 1];
        System.arraycopy(keys, 0, newKeys, 0, at);
        System.arraycopy(values, 0, newValues, 0, at);
        newKeys[at] = key;
        newValues[at] = value;
        System.arraycopy(keys, at, newKeys, at + 1, n - at);
        System.arraycopy(values, at, newValues, at + 1, n - at);
        return new BlazeDataRecord(newKeys, newValues);
    }

    /** A copy of this record without field {@code key}. */
    public BlazeDataRecord without(String key) {
        int i = key == null ? -1 : SortedArrayMap.search(keys, 0, keys.length, key);
        if (i < 0) {
            return this;
        }
        int n = keys.length;
        if (n == 1) {
            return EMPTY;
        }
        BlazeValue[] values = allValues();
        String[] newKeys = new String[n - 1];
        BlazeValue[] newValues = new BlazeValue[n - 1];
        System.arraycopy(keys, 0, newKeys, 0, i);
        System.arraycopy(values, 0, newValues, 0, i);
        System.arraycopy(keys, i + 1, newKeys, i, n - 1 - i);
        System.arraycopy(values, i + 1, newValues, i, n - 1 - i);
        return new BlazeDataRecord(newKeys, newValues);
    }

    /** Records are equal when their fields are: the same keys with equal values. */
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof BlazeDataRecord that
                && Arrays.equals(keys, that.keys) && Arrays.equals(allValues(), that.allValues());
    }

    /** The {@link Map#hashCode()} of {@link #fields()}. */
    @Override
    public int hashCode() {
        return SortedArrayMap.hashCode(keys, allValues(), 0, keys.length);
    }

    @Override
    public String toString() {
        return "BlazeDataRecord" + fields();
    }

    /** Builds a {@link BlazeDataRecord}. */
    public static final class Builder {
        private String[] keys = new String[8];
        private BlazeValue[] values = new BlazeValue[8];
        private int size;

        private Builder() {
        }

        /** Sets field {@code key}; a later value for the same key replaces an earlier one. */
        public Builder put(String key, BlazeValue value) {
            Objects.requireNonNull(key, "field name");
            Objects.requireNonNull(value, "value");
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            keys[size] = key;
            values[size] = value;
            size++;
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

        /** The record; the builder can go on and build others. */
        public BlazeDataRecord build() {
            if (size == 0) {
                return EMPTY;
            }
            SortedArrayMap map = SortedArrayMap.sorted(Arrays.copyOf(keys, size), Arrays.copyOf(values, size), size);
            return new BlazeDataRecord(map.keys, map.values);
        }
    }
}
