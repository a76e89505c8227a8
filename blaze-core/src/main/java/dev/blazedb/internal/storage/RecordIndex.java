package dev.blazedb.internal.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.UUID;

/**
 * Record id to the address of the record's latest entry: an open-addressing hash table in
 * one {@code long[]}, three longs per slot ({@code id msb, id lsb, value}).
 *
 * <p>Why not a {@code ConcurrentHashMap<UUID, ...>}: that costs three long-lived objects per record
 * and a pointer store into a large old-generation table on every insert, which made G1's young
 * pauses grow with the database (measured 50 to 95 ms at 1 M records). A primitive table holds
 * nothing for the garbage collector to trace or copy, and about 40 bytes per record.
 *
 * <p>Concurrency: one writer (the engine's write lock, or a thread building an index before
 * publishing it), any number of lock-free readers. Keys are never removed (a delete is a
 * tombstone value), so a probe sequence never changes under a reader. A slot is published by
 * writing the key, then the value with release semantics; readers load the value with acquire
 * semantics, and a value of 0 means an empty slot (frame positions are at least the header
 * length, so 0 is never a value). Growing builds a new table and publishes it through a volatile
 * field; a reader still on the old one sees the state as of when it started.
 *
 * <p>Value: the entry's address ({@link EntryAddress}: frame position and slot) in the low 62
 * bits, bit 63 set for a tombstone. {@link #address} gives the address.
 */
public final class RecordIndex {

    /** The tombstone bit of a value. */
    public static final long TOMBSTONE = 1L << 63;
    private static final long ADDRESS_MASK = (1L << 62) - 1;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int MIN_CAPACITY = 16;

    private volatile long[] table;
    /** The value of the nil UUID (both halves 0), which cannot live in the table; 0 = absent. */
    private volatile long nilValue;
    private int size;

    /** An index expecting about {@code expected} records. */
    public RecordIndex(int expected) {
        table = new long[3 * capacityFor(expected)];
    }

    private static int capacityFor(long expected) {
        long cap = MIN_CAPACITY;
        while (cap * 5 / 8 < expected) {
            cap <<= 1;
        }
        if (cap > (1 << 29)) {
            throw new IllegalStateException("index too large: " + expected + " records");
        }
        return (int) cap;
    }

    /** A value for the entry at {@code address} ({@link EntryAddress}). */
    public static long value(long address, boolean tombstone) {
        return tombstone ? address | TOMBSTONE : address;
    }

    /** The entry address of a value ({@link EntryAddress}). */
    public static long address(long value) {
        return value & ADDRESS_MASK;
    }

    /** Whether a value is a tombstone. */
    public static boolean isTombstone(long value) {
        return value < 0;
    }

    private static int hash(long msb, long lsb) {
        long h = (msb ^ Long.rotateLeft(lsb, 31)) * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The value of {@code id}, or 0 when absent. Any thread. */
    public long get(UUID id) {
        return get(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** The value of the id {@code (msb, lsb)}, or 0 when absent. Any thread. */
    public long get(long msb, long lsb) {
        if ((msb | lsb) == 0) {
            return nilValue;
        }
        long[] t = table;
        int mask = t.length / 3 - 1;
        int i = hash(msb, lsb) & mask;
        for (;;) {
            int b = i * 3;
            long v = (long) SLOTS.getAcquire(t, b + 2);
            if (v == 0) {
                return 0;
            }
            if (t[b] == msb && t[b + 1] == lsb) {
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Sets the value of {@code (msb, lsb)}; single writer.
     *
     * @return the previous value, or 0
     */
    public long put(long msb, long lsb, long value) {
        if (value == 0) {
            throw new IllegalArgumentException("0 is not a value");
        }
        if ((msb | lsb) == 0) {
            long prev = nilValue;
            nilValue = value;
            if (prev == 0) {
                size++;
            }
            return prev;
        }
        long[] t = table;
        int mask = t.length / 3 - 1;
        int i = hash(msb, lsb) & mask;
        for (;;) {
            int b = i * 3;
            long v = t[b + 2];
            if (v == 0) {
                break;
            }
            if (t[b] == msb && t[b + 1] == lsb) {
                SLOTS.setRelease(t, b + 2, value);
                return v;
            }
            i = (i + 1) & mask;
        }
        if ((long) (size + 1) > (long) (t.length / 3) * 5 / 8) {
            t = grow(t);
            mask = t.length / 3 - 1;
            i = hash(msb, lsb) & mask;
            while (t[i * 3 + 2] != 0) {
                i = (i + 1) & mask;
            }
        }
        int b = i * 3;
        t[b] = msb;
        t[b + 1] = lsb;
        SLOTS.setRelease(t, b + 2, value);
        size++;
        return 0;
    }

    private long[] grow(long[] old) {
        long[] t = new long[old.length * 2];
        int mask = t.length / 3 - 1;
        for (int b = 0; b < old.length; b += 3) {
            long v = old[b + 2];
            if (v == 0) {
                continue;
            }
            int i = hash(old[b], old[b + 1]) & mask;
            while (t[i * 3 + 2] != 0) {
                i = (i + 1) & mask;
            }
            t[i * 3] = old[b];
            t[i * 3 + 1] = old[b + 1];
            t[i * 3 + 2] = v;
        }
        table = t; // volatile: publishes the filled table
        return t;
    }

    /** The number of ids, tombstones included (writer thread, or after publication). */
    public int size() {
        return size;
    }

    /** Receives index entries. */
    @FunctionalInterface
    public interface EntryConsumer {
        /** One entry. */
        void accept(long msb, long lsb, long value);
    }

    /** Calls {@code consumer} for every entry of a snapshot of the table; weakly consistent. Any thread. */
    public void forEach(EntryConsumer consumer) {
        long nil = nilValue;
        if (nil != 0) {
            consumer.accept(0, 0, nil);
        }
        long[] t = table;
        for (int b = 0; b < t.length; b += 3) {
            long v = (long) SLOTS.getAcquire(t, b + 2);
            if (v != 0) {
                consumer.accept(t[b], t[b + 1], v);
            }
        }
    }
}
