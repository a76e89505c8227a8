package dev.blazedb.internal.sync;

import dev.blazedb.NodeId;
import java.util.Objects;

/**
 * The version of a write: its hybrid-logical-clock timestamp and the node where it was made.
 * Ordered by timestamp, then by node id, the order last-writer-wins uses on every node.
 *
 * @param hlc  the timestamp
 * @param node the writer
 */
public record Version(long hlc, NodeId node) implements Comparable<Version> {

    /** Creates a version; {@code node} must not be null. */
    public Version {
        Objects.requireNonNull(node, "node");
    }

    @Override
    public int compareTo(Version other) {
        int c = Long.compareUnsigned(hlc, other.hlc);
        return c != 0 ? c : node.compareTo(other.node);
    }

    /** Whether this version is greater than {@code other}; any version is greater than null. */
    public boolean after(Version other) {
        return other == null || compareTo(other) > 0;
    }

    /** The greater of two versions, either may be null. */
    public static Version max(Version a, Version b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return Long.toHexString(hlc) + "@" + node;
    }
}
