package dev.blazedb.transport.tcp;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.data.BlazeDataRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Test helpers: cheap file databases, awaiting conditions, fingerprints of database contents. */
final class Dbs {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final BlazeOptions CHEAP = BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).build();

    private Dbs() {
    }

    static BlazeDBClient open(Path dir, String name) {
        return BlazeDBClient.open(name, dir.resolve(name + ".blazedb"), "password-1234".toCharArray(), CHEAP);
    }

    static UUID insert(BlazeDBClient db, String message) {
        return db.insert(BlazeDataRecord.builder().put("message", message).build());
    }

    /** Waits (polling, bounded by {@link #TIMEOUT}) until {@code condition} holds. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT + ": " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The ids and messages of every record: equal for databases holding the same data. */
    static Set<String> contents(BlazeDBClient db) {
        Set<String> out = new TreeSet<>();
        for (BlazeDataRecord r : db.fetchAll()) {
            out.add(r.uuid("id").map(UUID::toString).orElse("?") + "=" + r.string("message").orElse(""));
        }
        return out;
    }
}
