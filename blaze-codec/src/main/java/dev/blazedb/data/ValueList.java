package dev.blazedb.data;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The immutable list of an {@link BlazeValue.ArrayValue}: an array that nothing modifies once the
 * list holds it, so that a decoder can hand over the array it filled without another copy.
 */
final class ValueList extends AbstractList<BlazeValue> implements RandomAccess {

    static final ValueList EMPTY = new ValueList(SortedArrayMap.NO_VALUES);

    final BlazeValue[] values;

    private ValueList(BlazeValue[] values) {
        this.values = values;
    }

    /** A list that takes {@code values}, after checking that none is null. */
    static ValueList take(BlazeValue[] values) {
        for (BlazeValue value : values) {
            Objects.requireNonNull(value, "value");
        }
        return values.length == 0 ? EMPTY : new ValueList(values);
    }

    /** {@code list} itself when it is a {@code ValueList}, else an immutable copy (nulls refused). */
    static ValueList copyOf(List<? extends BlazeValue> list) {
        if (list instanceof ValueList v) {
            return v;
        }
        return take(list.toArray(new BlazeValue[0]));
    }

    @Override
    public BlazeValue get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Object[] toArray() {
        return values.clone();
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }
}
