package dev.blazedb;

import java.net.SocketAddress;
import java.util.List;
import reactor.core.Disposable;

/**
 * A node served on a {@link dev.blazedb.transport.ServerTransport} by
 * {@link BlazeTopology#listen}: every peer that connects gets a {@link SyncConnection}.
 * {@link #dispose()} stops listening and closes those connections.
 */
public interface SyncListener extends Disposable {

    /** The node served. */
    NodeId nodeId();

    /** The address the server is bound to. */
    SocketAddress address();

    /** The connections accepted and still open. */
    List<SyncConnection> connections();
}
