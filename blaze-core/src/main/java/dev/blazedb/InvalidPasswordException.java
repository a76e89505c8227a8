package dev.blazedb;

/**
 * A password that cannot open the database: wrong for an existing file (reported before anything
 * in the folder is read beyond the header, written, created, deleted or locked), or refused
 * outright because it is shorter than 8 characters.
 */
public class InvalidPasswordException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public InvalidPasswordException(String message) {
        super(message);
    }
}
