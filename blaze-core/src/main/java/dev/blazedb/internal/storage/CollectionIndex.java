package dev.blazedb.internal.storage;

/**
 * The in-memory index of one collection: record id to the position of its latest entry,
 * tombstones included ({@link RecordIndex}), plus the number of live records. Written under the
 * engine's write lock, read from any thread.
 */
public final class CollectionIndex {

    final String name;
    final byte[] nameUtf8;
    final RecordIndex index;
    private volatile long live;

    CollectionIndex(String name, int expected) {
        this.name = name;
        this.nameUtf8 = Bytes.utf8(name);
        this.index = new RecordIndex(expected);
    }

    /** The collection name. */
    public String name() {
        return name;
    }

    /** The number of live (not deleted) records. */
    public long live() {
        return live;
    }

    /** Applies a put or tombstone; returns the previous value (0 if none). Single writer. */
    long apply(long msb, long lsb, long value) {
        long prev = index.put(msb, lsb, value);
        boolean wasLive = prev != 0 && !RecordIndex.isTombstone(prev);
        boolean isLive = !RecordIndex.isTombstone(value);
        if (wasLive != isLive) {
            live = live + (isLive ? 1 : -1);
        }
        return prev;
    }

    /** Recounts live records (after bulk loading). Single writer. */
    void recount() {
        long[] n = {0};
        index.forEach((msb, lsb, v) -> {
            if (!RecordIndex.isTombstone(v)) {
                n[0]++;
            }
        });
        live = n[0];
    }
}
