package dev.blazedb;

/**
 * The secure handshake did not finish in time: the peer is slow, silent, or not a BlazeDB peer.
 */
public class HandshakeTimeoutException extends BlazeTransientException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public HandshakeTimeoutException(String message) {
        super(message);
    }
}
