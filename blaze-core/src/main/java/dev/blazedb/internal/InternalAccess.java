package dev.blazedb.internal;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.NodeId;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.storage.StorageEngine;
import dev.blazedb.internal.sync.SyncMeta;
import java.util.UUID;
import java.util.Objects;
import java.util.function.Function;

/**
 * Access from BlazeDB's internal packages (the sync engine, tests) to the engine behind a
 * {@link BlazeDBClient}. Not a public API.
 */
public final class InternalAccess {

    private static volatile Function<BlazeDBClient, StorageEngine> engines;
    private static volatile EventAccess events;

    /** Creates change events carrying sync metadata and reads it back; implemented by {@link ChangeEvent}. */
    public interface EventAccess {
        /** A change event with sync metadata (may be null). */
        ChangeEvent create(long sequence, String collection, UUID recordId, ChangeType type, BlazeDataRecord record,
                           NodeId origin, long originSequence, long timestamp, boolean remote, SyncMeta meta);

        /** The event's sync metadata, or null. */
        SyncMeta meta(ChangeEvent event);
    }

    private InternalAccess() {
    }

    /** Called once by {@link BlazeDBClient}'s static initializer. */
    public static void register(Function<BlazeDBClient, StorageEngine> accessor) {
        if (engines != null) {
            throw new IllegalStateException("already registered");
        }
        engines = Objects.requireNonNull(accessor);
    }

    /** Called once by {@link ChangeEvent}'s static initializer. */
    public static void register(EventAccess access) {
        if (events != null) {
            throw new IllegalStateException("already registered");
        }
        events = java.util.Objects.requireNonNull(access);
    }

    /** The change-event bridge. */
    public static EventAccess events() {
        EventAccess e = events;
        if (e == null) {
            try {
                Class.forName(ChangeEvent.class.getName(), true, ChangeEvent.class.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new IllegalStateException(impossible);
            }
            e = events;
        }
        return e;
    }

    /** The engine of {@code client}. */
    public static StorageEngine engine(BlazeDBClient client) {
        return engines.apply(client);
    }
}
