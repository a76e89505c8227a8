package dev.blazedb;

/**
 * An I/O failure of the storage layer (disk full, file not accessible, a failed write or fsync).
 * After a failed background write the database refuses further writes: close and reopen it.
 */
public class BlazeStorageException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message and a cause. */
    public BlazeStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates an exception with a message. */
    public BlazeStorageException(String message) {
        super(message);
    }
}
