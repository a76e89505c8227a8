package dev.blazedb;

/** An operation on a database handle that has been closed. */
public class DatabaseClosedException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public DatabaseClosedException(String message) {
        super(message);
    }
}
