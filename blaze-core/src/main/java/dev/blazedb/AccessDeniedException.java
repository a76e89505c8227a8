package dev.blazedb;

import java.util.UUID;

/**
 * A write that row-level security refuses to the {@link SecurityContext} making it (see
 * {@link BlazeDBClient#withContext(SecurityContext)}): nothing was written, the database is as it
 * was.
 */
public class AccessDeniedException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final PolicyCommand command;
    private final String collection;
    private final UUID recordId;

    /**
     * Creates the exception.
     *
     * @param command    the refused command (INSERT, UPDATE or DELETE)
     * @param collection the record's collection
     * @param recordId   the record
     * @param reason     why, as {@link RowLevelSecurity#check} says it
     */
    public AccessDeniedException(PolicyCommand command, String collection, UUID recordId, String reason) {
        super("row-level security refuses " + command + " of " + collection + "/" + recordId + ": " + reason);
        this.command = command;
        this.collection = collection;
        this.recordId = recordId;
    }

    /** The refused command. */
    public PolicyCommand command() {
        return command;
    }

    /** The record's collection. */
    public String collection() {
        return collection;
    }

    /** The record. */
    public UUID recordId() {
        return recordId;
    }
}
