package dev.blazedb.transport;

/**
 * A server limit was reached: too many connections, or a connection buffered more than it may.
 * The connection is refused or closed; a later attempt may succeed once the load drops.
 */
public class LimitExceededException extends TransportException {

    private static final long serialVersionUID = 1L;

    /**
     * A limit described by {@code message}.
     *
     * @param message which limit, and its value
     */
    public LimitExceededException(String message) {
        super(message);
    }

    /**
     * A limit described by {@code message}, reported by the peer in {@code cause}.
     *
     * @param message which limit, and its value
     * @param cause the peer's error
     */
    public LimitExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
