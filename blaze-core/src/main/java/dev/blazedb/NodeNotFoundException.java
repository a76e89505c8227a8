package dev.blazedb;

/** A node id that is not registered in the topology. */
public class NodeNotFoundException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final transient NodeId nodeId;

    /** Creates the exception for {@code nodeId}. */
    public NodeNotFoundException(NodeId nodeId) {
        super("node " + nodeId + " is not registered in this topology (register its database first)");
        this.nodeId = nodeId;
    }

    /** The node id that was not found. */
    public NodeId nodeId() {
        return nodeId;
    }
}
