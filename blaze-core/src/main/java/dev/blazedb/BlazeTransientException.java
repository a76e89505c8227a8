package dev.blazedb;

/**
 * A failure that may go away when the operation is retried: a lost connection, a timeout.
 */
public class BlazeTransientException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public BlazeTransientException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public BlazeTransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
