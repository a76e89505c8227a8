package dev.blazedb.transport;

import reactor.core.publisher.Mono;

/**
 * What a server does with each connection it accepts.
 */
@FunctionalInterface
public interface ConnectionAcceptor {

    /**
     * Takes charge of a newly accepted connection.
     *
     * <p>Called once per connection, before any frame flows, on a transport thread (the memory
     * transport: the thread that subscribed the client's {@code connect()}): it must not block.
     * The transport subscribes to the returned {@code Mono} at once. If it fails, the connection
     * closes with that failure (the client's {@code receive()} fails with a
     * {@link RemoteTransportException}); if it completes, nothing happens: the connection lives on
     * until either side closes it. A failure after the connection has closed is ignored; the
     * transport does not cancel the subscription, so a {@code Mono} built from the connection's
     * own {@code send} and {@code receive} ends with it. If this method throws, the transport
     * treats it as a failed {@code Mono}.
     *
     * @param connection the server's side of the new connection
     * @return a {@code Mono} whose failure closes the connection
     */
    Mono<Void> accept(DuplexConnection connection);
}
