package dev.blazedb;

import java.util.UUID;

/** An operation on a record that does not exist (never inserted, or deleted). */
public class RecordNotFoundException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final String collection;
    private final UUID id;

    /** Creates an exception for {@code id} in {@code collection}. */
    public RecordNotFoundException(String collection, UUID id) {
        super("no record with id " + id + " in collection '" + collection + "'");
        this.collection = collection;
        this.id = id;
    }

    /** The collection. */
    public String collection() {
        return collection;
    }

    /** The missing id. */
    public UUID id() {
        return id;
    }
}
