package dev.blazedb.transport;

/**
 * A connection attempt that found nobody accepting at the address: the server was never bound,
 * or has been disposed.
 */
public class ConnectionRefusedException extends TransportException {

    private static final long serialVersionUID = 1L;

    /**
     * A refused connection described by {@code message}.
     *
     * @param message which address refused
     */
    public ConnectionRefusedException(String message) {
        super(message);
    }

    /**
     * A refused connection described by {@code message}, caused by {@code cause}.
     *
     * @param message which address refused
     * @param cause the underlying failure, such as a {@link java.net.ConnectException}
     */
    public ConnectionRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
