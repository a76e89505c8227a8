package dev.blazedb.transport;

/**
 * Decorates the transport connections a {@code BlazeTopology} opens (its client side of
 * {@code connectLocal}, {@code connect} and the transports' own connect methods), before the sync
 * protocol uses them: for logging, metrics, or fault injection in tests. It is called once per
 * transport connection, reconnects included, on the thread that opened it, and must return
 * quickly without blocking; usually it returns a {@link DelegatingDuplexConnection}.
 */
@FunctionalInterface
public interface ConnectionInterceptor {

    /** The connection to use in place of {@code connection} (which it should delegate to). */
    DuplexConnection intercept(DuplexConnection connection);

    /** The interceptor that changes nothing. */
    static ConnectionInterceptor none() {
        return connection -> connection;
    }
}
