package dev.blazedb;

/** What a committed change did to its record. */
public enum ChangeType {
    /** The record was created (also when an id is reused after a delete). */
    INSERT,
    /** An existing record was changed. */
    UPDATE,
    /** The record was deleted; the log keeps a tombstone. */
    DELETE
}
