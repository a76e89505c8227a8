package dev.blazedb;

import java.util.UUID;

/**
 * Decides which of two versions of one field a database keeps when a change from a peer meets a
 * different version of the same field; plugged in through
 * {@link BlazeTopology.Options.Builder#conflictResolver(ConflictResolver)}.
 *
 * <p>The default, {@link #LAST_WRITER_WINS}, keeps the version with the greater
 * (timestamp, node id). A replacement must be a pure function that returns one of its two
 * arguments and gives the same answer whichever of them is {@code local}: every node resolves the
 * same conflicts independently and in different orders, and only a deterministic, symmetric
 * choice lets them all end with the same record. A resolver that returns anything else, or
 * throws, fails the batch being applied.
 *
 * <p>Deletes are not resolved here: a delete removes every field written before it and no
 * resolver can bring such a field back; a field written after the delete revives the record.
 */
@FunctionalInterface
public interface ConflictResolver {

    /** Keeps the version with the greater (timestamp, node id). */
    ConflictResolver LAST_WRITER_WINS = (collection, recordId, field, local, remote) ->
            remote.isNewerThan(local) ? remote : local;

    /**
     * Chooses between two different versions of a field.
     *
     * @param collection the record's collection
     * @param recordId   the record's id
     * @param field      the field's name
     * @param local      the version this database holds
     * @param remote     the version arriving from a peer
     * @return {@code local} or {@code remote}
     */
    FieldVersion resolve(String collection, UUID recordId, String field, FieldVersion local, FieldVersion remote);
}
