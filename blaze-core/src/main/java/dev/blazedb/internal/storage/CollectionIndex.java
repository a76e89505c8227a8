package dev.blazedb.internal.storage;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory index of one collection: record id to the {@link Slot} of its latest entry,
 * tombstones included. Written under the engine's write lock, read from any thread.
 */
public final class CollectionIndex {

    final String name;
    final byte[] nameUtf8;
    final ConcurrentHashMap<UUID, Slot> slots;
    private volatile long live;

    CollectionIndex(String name, int expected) {
        this.name = name;
        this.nameUtf8 = Bytes.utf8(name);
        this.slots = new ConcurrentHashMap<>(Math.max(16, expected));
    }

    /** The collection name. */
    public String name() {
        return name;
    }

    /** The number of live (not deleted) records. */
    public long live() {
        return live;
    }

    /** Applies a put or tombstone; returns the previous slot. Single writer. */
    Slot apply(UUID id, Slot slot) {
        Slot prev = slots.put(id, slot);
        boolean wasLive = prev != null && !prev.tombstone();
        if (wasLive != !slot.tombstone()) {
            live = live + (slot.tombstone() ? -1 : 1);
        }
        return prev;
    }

    /** Sets the live count (after bulk loading). Single writer. */
    void recount() {
        long n = 0;
        for (Slot s : slots.values()) {
            if (!s.tombstone()) {
                n++;
            }
        }
        live = n;
    }

    /** Adds {@code delta} to the live count. Single writer. */
    void addLive(long delta) {
        live = live + delta;
    }
}
