package dev.blazedb.transport;

/**
 * An operation on a connection that closed before it finished: a {@code send} still in progress
 * (or started) when the connection closed, or this side's {@code receive} when this side closed
 * the connection because of a failure (the cause).
 */
public class ConnectionClosedException extends TransportException {

    private static final long serialVersionUID = 1L;

    /**
     * A closed connection described by {@code message}.
     *
     * @param message what could not finish
     */
    public ConnectionClosedException(String message) {
        super(message);
    }

    /**
     * A connection closed because of {@code cause}.
     *
     * @param message what could not finish
     * @param cause why the connection closed
     */
    public ConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
