package dev.blazedb.transport;

/**
 * A frame longer than a connection's {@linkplain DuplexConnection#maxFrameLength() limit}; the
 * connection is closed.
 *
 * <p>Retrying with the same frame fails again: a protocol on top of the transports splits its
 * messages to fit the limit.
 */
public class FrameTooLargeException extends TransportException {

    private static final long serialVersionUID = 1L;

    private final long frameLength;
    private final int maxFrameLength;

    /**
     * A frame of {@code frameLength} bytes over a limit of {@code maxFrameLength} bytes.
     *
     * @param frameLength the frame's payload length
     * @param maxFrameLength the limit it broke
     */
    public FrameTooLargeException(long frameLength, int maxFrameLength) {
        super("frame of " + frameLength + " bytes exceeds the maximum frame length of " + maxFrameLength + " bytes");
        this.frameLength = frameLength;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * The length of the frame that broke the limit.
     *
     * @return the payload length in bytes
     */
    public long frameLength() {
        return frameLength;
    }

    /**
     * The limit the frame broke.
     *
     * @return the maximum payload length in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }
}
