package dev.blazedb.transport;

import java.net.SocketAddress;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A server bound by {@link ServerTransport#bind}: accepting connections until disposed.
 */
public interface BoundServer extends Disposable {

    /**
     * The address the server is bound to, with anything chosen at bind time filled in (such as
     * the port, when port 0 was asked for); what a {@link ClientTransport} needs to reach it.
     *
     * @return the bound address
     */
    SocketAddress address();

    /**
     * Stops accepting, releases the address and closes, cleanly, every connection this server
     * accepted: their peers' {@code receive()}s complete. A later connection attempt to the
     * address fails with {@link ConnectionRefusedException} (unless something else bound it
     * meanwhile). Idempotent, non-blocking, callable from any thread; {@link #onClose()} tells
     * when it is done.
     */
    @Override
    void dispose();

    /**
     * Completes once the server is disposed and its address released; never fails. Late
     * subscribers complete at once. Signalled on the thread that completed the dispose.
     *
     * @return a {@code Mono} completing on close
     */
    Mono<Void> onClose();

    /**
     * Disposes the server and blocks until it has closed, for tests and {@code main} methods.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException if the server has not closed within the timeout
     */
    default void disposeNow(Duration timeout) {
        dispose();
        onClose().block(timeout);
    }
}
