package com.example.consumer;

import dev.blazedb.data.BlazeDataRecord;

/** Compiles only when blaze-core (and, through it, blaze-codec) resolves from the BOM alone. */
public final class Consumer {

    private Consumer() {
    }

    /** A record built with the public API. */
    public static BlazeDataRecord greeting() {
        return BlazeDataRecord.builder().put("message", "Hello from DB1!").put("value", 42L).build();
    }
}
