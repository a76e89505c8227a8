package dev.blazedb.transport;

import reactor.core.publisher.Mono;

/**
 * The accepting side of a transport: binds an address and hands every accepted connection to a
 * {@link ConnectionAcceptor}.
 *
 * <p>Implementations are immutable; each {@link #bind} subscription binds once.
 */
@FunctionalInterface
public interface ServerTransport {

    /**
     * Binds the address this transport was made for and starts accepting connections.
     *
     * <p>Cold: nothing happens until subscribed. Emits the {@link BoundServer} once connections
     * can be accepted, then completes. Fails with a {@link TransportException} when the address
     * cannot be bound (for example, already in use). Cancelling before the server is emitted
     * abandons the bind and releases the address if it was bound anyway. Signals arrive on a
     * transport thread (the memory transport: the subscribing thread); demand plays no role (one
     * value). {@code acceptor} is called once per accepted connection, as
     * {@link ConnectionAcceptor} describes.
     *
     * @param acceptor receives each accepted connection
     * @return a {@code Mono} of the bound server
     */
    Mono<BoundServer> bind(ConnectionAcceptor acceptor);
}
