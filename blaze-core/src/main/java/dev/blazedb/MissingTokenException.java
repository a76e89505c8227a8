package dev.blazedb;

/**
 * The server requires an auth token and the client has none.
 */
public class MissingTokenException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public MissingTokenException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public MissingTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
