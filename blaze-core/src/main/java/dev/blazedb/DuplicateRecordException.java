package dev.blazedb;

import java.util.UUID;

/** An insert whose id is already taken by a live record in the same collection. */
public class DuplicateRecordException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final String collection;
    private final UUID id;

    /** Creates an exception for {@code id} in {@code collection}. */
    public DuplicateRecordException(String collection, UUID id) {
        super("a record with id " + id + " already exists in collection '" + collection + "'");
        this.collection = collection;
        this.id = id;
    }

    /** The collection. */
    public String collection() {
        return collection;
    }

    /** The duplicate id. */
    public UUID id() {
        return id;
    }
}
