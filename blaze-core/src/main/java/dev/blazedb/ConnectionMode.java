package dev.blazedb;

/**
 * Which way changes flow on a connection between a {@code from} node and a {@code to} node.
 *
 * <p>For {@link BlazeTopology#connectLocal(NodeId, NodeId, ConnectionMode)} the nodes are the
 * method's arguments. For {@link BlazeTopology#connect(NodeId, dev.blazedb.transport.ClientTransport, SyncPolicy)}
 * the node that connects is {@code to} and the node it reaches is {@code from}: a client that
 * connects {@code READ_ONLY} is a replica of the server.
 *
 * <p>A direction the mode forbids is never sent: the side that would send it builds no outbound
 * flow at all, and the other side refuses such changes if they arrive anyway.
 */
public enum ConnectionMode {
    /** Changes flow both ways. */
    BIDIRECTIONAL,
    /** Changes flow only from {@code from} to {@code to}: master to replica. */
    READ_ONLY,
    /** Changes flow only from {@code to} to {@code from}. */
    WRITE_ONLY;

    /** Whether the {@code from} node sends its changes to the {@code to} node. */
    public boolean fromSends() {
        return this != WRITE_ONLY;
    }

    /** Whether the {@code to} node sends its changes to the {@code from} node. */
    public boolean toSends() {
        return this != READ_ONLY;
    }
}
