package dev.blazedb;

import dev.blazedb.data.BlazeValue;
import java.util.Objects;

/**
 * One field's value together with the version that wrote it: the hybrid-logical-clock timestamp
 * of the write and the node where it was made. Versions order by timestamp, then by node id
 * ({@link NodeId#compareTo}), so every node orders any two versions the same way.
 *
 * @param value     the field's value
 * @param timestamp the write's hybrid-logical-clock timestamp (48-bit milliseconds, 16-bit counter)
 * @param node      the node where the write was made
 */
public record FieldVersion(BlazeValue value, long timestamp, NodeId node) {

    /** Creates a field version; {@code value} and {@code node} must not be null. */
    public FieldVersion {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(node, "node");
    }

    /**
     * Whether this version was written after {@code other} by the last-writer-wins order: a
     * greater timestamp, or the same timestamp and a greater node id.
     */
    public boolean isNewerThan(FieldVersion other) {
        if (timestamp != other.timestamp) {
            return Long.compareUnsigned(timestamp, other.timestamp) > 0;
        }
        return node.compareTo(other.node) > 0;
    }
}
