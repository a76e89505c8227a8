package dev.blazedb.data;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An immutable sorted map over two parallel arrays, keys in code-point order and their values,
 * or over a range of them (a {@link #subMap} view). Nothing modifies the arrays once a map
 * holds them; records and dictionaries share them with their views.
 */
final class SortedArrayMap extends AbstractMap<String, BlazeValue> implements SortedMap<String, BlazeValue> {

    static final String[] NO_KEYS = {};
    static final BlazeValue[] NO_VALUES = {};
    static final SortedArrayMap EMPTY = new SortedArrayMap(NO_KEYS, NO_VALUES);

    /** At most this many keys are searched one after the other; more are bisected. */
    private static final int LINEAR_SEARCH = 8;

    /** Above this many entries an unsorted input is sorted through an entry array (TimSort). */
    private static final int INSERTION_SORT = 24;

    final String[] keys;
    final BlazeValue[] values;
    private final int from;
    private final int to;
    /** The bounds of a sub-map view, inclusive and exclusive; null where the view is unbounded. */
    private final String low;
    private final String high;

    /** A map over all of {@code keys} and {@code values}, which the caller has checked. */
    SortedArrayMap(String[] keys, BlazeValue[] values) {
        this(keys, values, 0, keys.length, null, null);
    }

    private SortedArrayMap(String[] keys, BlazeValue[] values, int from, int to, String low, String high) {
        this.keys = keys;
        this.values = values;
        this.from = from;
        this.to = to;
        this.low = low;
        this.high = high;
    }

    // ------------------------------------------------------------------------------------------
    // Building and checking

    /**
     * Checks that {@code keys} are in strictly increasing code-point order, that no key or value
     * is null and that the arrays have the same length: one comparison per key.
     */
    static void checkSorted(String[] keys, BlazeValue[] values, String keyWhat, String valueWhat) {
        int n = keys.length;
        if (values.length != n) {
            throw new IllegalArgumentException(n + " keys but " + values.length + " values");
        }
        if (n == 0) {
            return;
        }
        String previous = Objects.requireNonNull(keys[0], keyWhat);
        Objects.requireNonNull(values[0], valueWhat);
        for (int i = 1; i < n; i++) {
            String key = Objects.requireNonNull(keys[i], keyWhat);
            Objects.requireNonNull(values[i], valueWhat);
            if (compare(previous, key) >= 0) {
                throw new IllegalArgumentException(keyWhat + "s not in strictly increasing code-point order at index " + i);
            }
            previous = key;
        }
    }

    /**
     * An immutable map with the entries of {@code map}, in code-point order: {@code map} itself
     * when it is a whole {@code SortedArrayMap}, else a copy (null keys and values refused).
     */
    static SortedArrayMap copyOf(Map<String, ? extends BlazeValue> map, String keyWhat, String valueWhat) {
        if (map instanceof SortedArrayMap m) {
            if (m.from == 0 && m.to == m.keys.length) {
                return m;
            }
            return m.from == m.to ? EMPTY : new SortedArrayMap(
                    Arrays.copyOfRange(m.keys, m.from, m.to), Arrays.copyOfRange(m.values, m.from, m.to));
        }
        int size = map.size();
        if (size == 0) {
            return EMPTY;
        }
        String[] keys = new String[size];
        BlazeValue[] values = new BlazeValue[size];
        int n = 0;
        for (Map.Entry<String, ? extends BlazeValue> entry : map.entrySet()) {
            if (n == keys.length) { // the map grew while we copied it
                keys = Arrays.copyOf(keys, 2 * n);
                values = Arrays.copyOf(values, 2 * n);
            }
            keys[n] = Objects.requireNonNull(entry.getKey(), keyWhat);
            values[n] = Objects.requireNonNull(entry.getValue(), valueWhat);
            n++;
        }
        return sorted(keys, values, n);
    }

    /**
     * A map of the first {@code n} (non-null) keys and values, which are sorted here unless they
     * already are; of equal keys the last one wins, as with {@link Map#put}. Takes the arrays.
     */
    static SortedArrayMap sorted(String[] keys, BlazeValue[] values, int n) {
        if (n == 0) {
            return EMPTY;
        }
        int i = 1;
        while (i < n && compare(keys[i - 1], keys[i]) < 0) {
            i++;
        }
        if (i < n) {
            if (n <= INSERTION_SORT) {
                insertionSort(keys, values, n);
            } else {
                entrySort(keys, values, n);
            }
            n = dropDuplicates(keys, values, n);
        }
        if (n != keys.length) {
            keys = Arrays.copyOf(keys, n);
            values = Arrays.copyOf(values, n);
        }
        return new SortedArrayMap(keys, values);
    }

    /** A stable insertion sort of the first {@code n} entries. */
    private static void insertionSort(String[] keys, BlazeValue[] values, int n) {
        for (int i = 1; i < n; i++) {
            String key = keys[i];
            BlazeValue value = values[i];
            int j = i - 1;
            while (j >= 0 && compare(keys[j], key) > 0) {
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            keys[j + 1] = key;
            values[j + 1] = value;
        }
    }

    /** A stable sort (TimSort) of the first {@code n} entries. */
    private static void entrySort(String[] keys, BlazeValue[] values, int n) {
        List<Map.Entry<String, BlazeValue>> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new SimpleImmutableEntry<>(keys[i], values[i]));
        }
        entries.sort(Map.Entry.comparingByKey(BlazeDataRecord.CODE_POINT_ORDER));
        for (int i = 0; i < n; i++) {
            keys[i] = entries.get(i).getKey();
            values[i] = entries.get(i).getValue();
        }
    }

    /** Keeps the last of each run of equal keys in sorted entries; returns the new count. */
    private static int dropDuplicates(String[] keys, BlazeValue[] values, int n) {
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && keys[i].equals(keys[i + 1])) {
                continue;
            }
            keys[out] = keys[i];
            values[out] = values[i];
            out++;
        }
        for (int i = out; i < n; i++) {
            keys[i] = null;
            values[i] = null;
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Searching

    /** Compares by code point, as {@link BlazeDataRecord#CODE_POINT_ORDER}. */
    static int compare(String a, String b) {
        if (a == b) {
            return 0;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x < Character.MIN_SURROGATE || y < Character.MIN_SURROGATE) {
                    return x - y; // one is below U+D800, so below any supplementary code point too
                }
                return compareFrom(a, b, i);
            }
        }
        return a.length() - b.length();
    }

    /**
     * Compares code points from the char index {@code at}, where the strings first differ, or
     * from the char before when that is the first half of a pair. Unpaired surrogates compare as
     * the code points they denote.
     */
    private static int compareFrom(String a, String b, int at) {
        int i = at > 0 && Character.isHighSurrogate(a.charAt(at - 1)) ? at - 1 : at;
        int ca = a.codePointAt(i);
        int cb = b.codePointAt(i);
        return Integer.compare(ca, cb);
    }

    /** The index of {@code key} among {@code keys[from..to)}, or -1. */
    static int indexOf(String[] keys, int from, int to, Object key) {
        if (!(key instanceof String s)) {
            return -1;
        }
        if (to - from <= LINEAR_SEARCH) {
            for (int i = from; i < to; i++) {
                String k = keys[i];
                if (k == s || k.equals(s)) {
                    return i;
                }
            }
            return -1;
        }
        int i = search(keys, from, to, s);
        return i >= 0 ? i : -1;
    }

    /**
     * Bisects {@code keys[from..to)} for {@code key}: its index, or {@code -1 - insertion point}.
     */
    static int search(String[] keys, int from, int to, String key) {
        int lo = from;
        int hi = to - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int order = compare(keys[mid], key);
            if (order < 0) {
                lo = mid + 1;
            } else if (order > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1 - lo;
    }

    /** The first index in range whose key is not below {@code key}. */
    private int lowerBound(String key) {
        int i = search(keys, from, to, key);
        return i >= 0 ? i : -1 - i;
    }

    // ------------------------------------------------------------------------------------------
    // Map

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public boolean isEmpty() {
        return to == from;
    }

    @Override
    public BlazeValue get(Object key) {
        int i = indexOf(keys, from, to, key);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(keys, from, to, key) >= 0;
    }

    @Override
    public boolean containsValue(Object value) {
        for (int i = from; i < to; i++) {
            if (values[i].equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public BlazeValue getOrDefault(Object key, BlazeValue defaultValue) {
        int i = indexOf(keys, from, to, key);
        return i >= 0 ? values[i] : defaultValue;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super BlazeValue> action) {
        Objects.requireNonNull(action, "action");
        for (int i = from; i < to; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, BlazeValue>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return to - from;
            }

            @Override
            public Iterator<Entry<String, BlazeValue>> iterator() {
                return new Iterator<>() {
                    private int next = from;

                    @Override
                    public boolean hasNext() {
                        return next < to;
                    }

                    @Override
                    public Entry<String, BlazeValue> next() {
                        if (next >= to) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }

    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (other instanceof SortedArrayMap that) {
            return Arrays.equals(keys, from, to, that.keys, that.from, that.to)
                    && Arrays.equals(values, from, to, that.values, that.from, that.to);
        }
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return hashCode(keys, values, from, to);
    }

    /** The {@link Map#hashCode()} of the entries in range. */
    static int hashCode(String[] keys, BlazeValue[] values, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash += keys[i].hashCode() ^ values[i].hashCode();
        }
        return hash;
    }

    // ------------------------------------------------------------------------------------------
    // SortedMap

    @Override
    public Comparator<? super String> comparator() {
        return BlazeDataRecord.CODE_POINT_ORDER;
    }

    @Override
    public String firstKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return keys[from];
    }

    @Override
    public String lastKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return keys[to - 1];
    }

    @Override
    public SortedMap<String, BlazeValue> subMap(String fromKey, String toKey) {
        checkInRange(fromKey);
        checkInRange(toKey);
        if (compare(fromKey, toKey) > 0) {
            throw new IllegalArgumentException("fromKey > toKey");
        }
        return new SortedArrayMap(keys, values, lowerBound(fromKey), lowerBound(toKey), fromKey, toKey);
    }

    @Override
    public SortedMap<String, BlazeValue> headMap(String toKey) {
        checkInRange(toKey);
        return new SortedArrayMap(keys, values, from, lowerBound(toKey), low, toKey);
    }

    @Override
    public SortedMap<String, BlazeValue> tailMap(String fromKey) {
        checkInRange(fromKey);
        return new SortedArrayMap(keys, values, lowerBound(fromKey), to, fromKey, high);
    }

    private void checkInRange(String key) {
        Objects.requireNonNull(key, "key");
        if ((low != null && compare(key, low) < 0) || (high != null && compare(key, high) > 0)) {
            throw new IllegalArgumentException("key out of range");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Immutable

    @Override
    public BlazeValue put(String key, BlazeValue value) {
        throw immutable();
    }

    @Override
    public BlazeValue remove(Object key) {
        throw immutable();
    }

    @Override
    public void putAll(Map<? extends String, ? extends BlazeValue> map) {
        throw immutable();
    }

    @Override
    public void clear() {
        throw immutable();
    }

    @Override
    public Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(super.keySet());
    }

    @Override
    public Collection<BlazeValue> values() {
        return java.util.Collections.unmodifiableCollection(super.values());
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super BlazeValue, ? extends BlazeValue> function) {
        throw immutable();
    }

    @Override
    public BlazeValue putIfAbsent(String key, BlazeValue value) {
        throw immutable();
    }

    @Override
    public boolean remove(Object key, Object value) {
        throw immutable();
    }

    @Override
    public boolean replace(String key, BlazeValue oldValue, BlazeValue newValue) {
        throw immutable();
    }

    @Override
    public BlazeValue replace(String key, BlazeValue value) {
        throw immutable();
    }

    @Override
    public BlazeValue computeIfAbsent(String key, Function<? super String, ? extends BlazeValue> function) {
        throw immutable();
    }

    @Override
    public BlazeValue computeIfPresent(String key,
            BiFunction<? super String, ? super BlazeValue, ? extends BlazeValue> function) {
        throw immutable();
    }

    @Override
    public BlazeValue compute(String key, BiFunction<? super String, ? super BlazeValue, ? extends BlazeValue> function) {
        throw immutable();
    }

    @Override
    public BlazeValue merge(String key, BlazeValue value,
            BiFunction<? super BlazeValue, ? super BlazeValue, ? extends BlazeValue> function) {
        throw immutable();
    }

    private static UnsupportedOperationException immutable() {
        return new UnsupportedOperationException("immutable");
    }
}
