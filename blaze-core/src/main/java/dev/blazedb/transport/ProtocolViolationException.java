package dev.blazedb.transport;

/**
 * The peer broke the framing protocol, for instance with a frame of a type reserved for the
 * transport; the connection is closed and the peer told
 * {@link ErrorFrames#PROTOCOL_ERROR PROTOCOL_ERROR}. Transient like every transport failure: a
 * new connection starts afresh.
 */
public class ProtocolViolationException extends TransportException {

    private static final long serialVersionUID = 1L;

    /**
     * A protocol violation described by {@code message}.
     *
     * @param message what the peer did
     */
    public ProtocolViolationException(String message) {
        super(message);
    }
}
