package dev.blazedb.transport;

import reactor.core.publisher.Mono;

/**
 * The connecting side of a transport: opens {@link DuplexConnection}s to one server address.
 *
 * <p>Implementations are immutable and reusable: each {@link #connect()} subscription opens a new
 * connection.
 */
@FunctionalInterface
public interface ClientTransport {

    /**
     * Opens a connection to the server this transport was made for.
     *
     * <p>Cold: nothing happens until subscribed; each subscription opens one connection. Emits the
     * connection once it is open (the server's {@link ConnectionAcceptor} has been given its
     * side), then completes. Fails with a {@link ConnectionRefusedException} when no server
     * accepts at the address (never bound, or disposed), or another {@link TransportException}
     * when the link cannot be established. Cancelling before the connection is emitted abandons
     * the attempt and closes the connection if it opened anyway. Signals arrive on a transport
     * thread (the memory transport: the subscribing thread); demand plays no role (one value).
     *
     * @return a {@code Mono} of the new connection
     */
    Mono<DuplexConnection> connect();
}
