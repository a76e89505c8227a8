package dev.blazedb;

/**
 * A sealed frame failed its check: it was altered, replayed, reordered or dropped on the way.
 * The receiver closes the connection and applies nothing from that frame; a new connection
 * (the sync engine reconnects) starts with fresh keys.
 */
public class TamperedFrameException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public TamperedFrameException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public TamperedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
