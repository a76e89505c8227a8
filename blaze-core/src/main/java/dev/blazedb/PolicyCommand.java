package dev.blazedb;

/** The operations a row-level-security {@link RowPolicy} governs, as in PostgreSQL. */
public enum PolicyCommand {
    /** Seeing a row (PostgreSQL's SELECT); for sync, receiving it. */
    READ,
    /** Creating a row. */
    INSERT,
    /** Changing a row. */
    UPDATE,
    /** Deleting a row. */
    DELETE
}
