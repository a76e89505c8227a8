package dev.blazedb;

/**
 * The root of every failure BlazeDB reports: unchecked, so factories, constructors and
 * {@code close()} declare no checked exception.
 */
public class BlazeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public BlazeException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public BlazeException(String message, Throwable cause) {
        super(message, cause);
    }
}
