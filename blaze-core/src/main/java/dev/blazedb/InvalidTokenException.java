package dev.blazedb;

/**
 * The peer's proof of the auth token did not match this side's token: the two sides were given
 * different tokens. The token itself never crosses the wire, only an HMAC over the handshake.
 */
public class InvalidTokenException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public InvalidTokenException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
