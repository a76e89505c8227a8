package dev.blazedb;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A logical sync link between a local node and a peer, made by a {@link BlazeTopology}. It
 * outlives transport failures: after one it reconnects with exponential backoff (with jitter,
 * capped) and resumes from the per-peer point each side has persisted, so nothing already
 * applied is sent again. {@link #dispose()} and {@link #disconnect()} end it for good.
 *
 * <p>Thread-safe; nothing here blocks.
 */
public interface SyncConnection extends Disposable {

    /** The local node. */
    NodeId localNode();

    /** The peer's node id: known at once for local links, learned in the handshake otherwise. */
    Mono<NodeId> remoteNode();

    /**
     * The connection's states: the current one first, then every change, completing after
     * {@link ConnectionState#CLOSED} or {@link ConnectionState#FAILED}.
     */
    Flux<ConnectionState> states();

    /** The current state. */
    ConnectionState state();

    /** A snapshot of the connection's progress. */
    SyncStatus status();

    /**
     * Completes once both sides have nothing left to send and everything sent has been
     * acknowledged, counting the changes committed on either side before the call; waits through
     * a reconnect; fails when the connection is closed or failed. It never waits for changes
     * committed after the call, so it cannot stay busy forever under a steady stream of writes.
     */
    Mono<Void> awaitIdle();

    /**
     * Says GOODBYE to the peer and closes; completes when closed. Idempotent. A later
     * {@code connectLocal} or {@code connect} for the same nodes resumes where this one stopped.
     */
    Mono<Void> disconnect();
}
