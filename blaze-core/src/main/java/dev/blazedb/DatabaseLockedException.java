package dev.blazedb;

/**
 * The database file is already open: by another process, or by another handle in this JVM.
 * Only one handle at a time may open a database file.
 */
public class DatabaseLockedException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public DatabaseLockedException(String message) {
        super(message);
    }
}
