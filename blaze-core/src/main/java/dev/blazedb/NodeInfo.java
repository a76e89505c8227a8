package dev.blazedb;

import java.util.Objects;

/**
 * A node registered in a {@link BlazeTopology}.
 *
 * @param nodeId   the node id, its database's {@link BlazeDBClient#nodeId()}
 * @param name     the name given at registration
 * @param role     the role given at registration
 * @param database the database's own name
 * @param context  the security context the node acts under when row-level security is respected
 */
public record NodeInfo(NodeId nodeId, String name, SyncRole role, String database, SecurityContext context) {

    /** Creates the info; nothing may be null. */
    public NodeInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(context, "context");
    }
}
