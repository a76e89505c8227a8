package com.example.consumer;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.data.BlazeDataRecord;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * Compiles only when blaze-core, blaze-codec (for the record model) and reactor-core (in
 * blaze-core's API) all resolve from a project that imports nothing but blaze-bom.
 */
public final class Consumer {

    private Consumer() {
    }

    /** Stores a greeting in an in-memory database and returns its id. */
    public static UUID greet() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("consumer")) {
            Flux<ChangeEvent> changes = db.changes();
            changes.subscribe(event -> System.out.println(event.type() + " " + event.recordId()));
            return db.insert(BlazeDataRecord.builder().put("message", "Hello from DB1!").put("value", 42L).build());
        }
    }
}
