package dev.blazedb;

/**
 * A peer sent something that breaks the sync protocol: a malformed message, a message out of
 * place, data that does not decode. The connection is closed; retrying with the same peer is
 * unlikely to help.
 */
public class ProtocolException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public ProtocolException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
