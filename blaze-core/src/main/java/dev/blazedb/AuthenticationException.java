package dev.blazedb;

/**
 * A peer could not be authenticated in the secure handshake: it does not know the auth token, or
 * it could not prove it. The connection is closed before any change is applied; retrying with the
 * same settings fails again.
 *
 * <pre>
 * AuthenticationException
 * ├── InvalidTokenException   the tokens differ
 * └── MissingTokenException   one side has a token, the other none
 * </pre>
 */
public class AuthenticationException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public AuthenticationException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
