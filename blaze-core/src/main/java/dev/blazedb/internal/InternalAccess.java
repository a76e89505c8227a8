package dev.blazedb.internal;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.internal.storage.StorageEngine;
import java.util.Objects;
import java.util.function.Function;

/**
 * Access from BlazeDB's internal packages (the sync engine, tests) to the engine behind a
 * {@link BlazeDBClient}. Not a public API.
 */
public final class InternalAccess {

    private static volatile Function<BlazeDBClient, StorageEngine> engines;

    private InternalAccess() {
    }

    /** Called once by {@link BlazeDBClient}'s static initializer. */
    public static void register(Function<BlazeDBClient, StorageEngine> accessor) {
        if (engines != null) {
            throw new IllegalStateException("already registered");
        }
        engines = Objects.requireNonNull(accessor);
    }

    /** The engine of {@code client}. */
    public static StorageEngine engine(BlazeDBClient client) {
        return engines.apply(client);
    }
}
