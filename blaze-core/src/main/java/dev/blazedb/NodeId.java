package dev.blazedb;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of a database node: a UUID, chosen when the database is created and stable across
 * reopen. {@link #toString()} is the UUID's string form.
 *
 * @param uuid the UUID
 */
public record NodeId(UUID uuid) implements Comparable<NodeId> {

    /** Creates a node id; {@code uuid} must not be null. */
    public NodeId {
        Objects.requireNonNull(uuid, "uuid");
    }

    /** The node id wrapping {@code uuid}. */
    public static NodeId of(UUID uuid) {
        return new NodeId(uuid);
    }

    /** Parses the string form, a UUID. */
    public static NodeId parse(String text) {
        return new NodeId(UUID.fromString(text));
    }

    /** A new random node id. */
    public static NodeId random() {
        return new NodeId(UUID.randomUUID());
    }

    @Override
    public int compareTo(NodeId other) {
        // Unsigned order, so every platform and the wire agree on tie-breaks.
        int c = Long.compareUnsigned(uuid.getMostSignificantBits(), other.uuid.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(uuid.getLeastSignificantBits(), other.uuid.getLeastSignificantBits());
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
