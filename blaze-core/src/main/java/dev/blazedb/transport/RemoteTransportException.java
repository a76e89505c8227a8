package dev.blazedb.transport;

/**
 * The peer closed the connection because of a failure on its side, and said why: an
 * {@linkplain ErrorFrames error code} and a message.
 *
 * <p>Socket transports build it from an {@linkplain ErrorFrames error frame} with
 * {@link ErrorFrames#decode}; the memory transport builds it with {@link ErrorFrames#toRemote},
 * which also keeps the peer's original exception as the cause.
 */
public class RemoteTransportException extends TransportException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final String remoteMessage;

    /**
     * A remote failure with {@code errorCode} and {@code remoteMessage}.
     *
     * @param errorCode the code, one of the {@code ErrorFrames} constants or another value
     * @param remoteMessage the peer's description of the failure, possibly empty
     */
    public RemoteTransportException(int errorCode, String remoteMessage) {
        super(describe(errorCode, remoteMessage));
        this.errorCode = errorCode;
        this.remoteMessage = remoteMessage;
    }

    /**
     * A remote failure with {@code errorCode} and {@code remoteMessage}, caused by {@code cause}
     * (available only in-process).
     *
     * @param errorCode the code, one of the {@code ErrorFrames} constants or another value
     * @param remoteMessage the peer's description of the failure, possibly empty
     * @param cause the peer's exception
     */
    public RemoteTransportException(int errorCode, String remoteMessage, Throwable cause) {
        super(describe(errorCode, remoteMessage), cause);
        this.errorCode = errorCode;
        this.remoteMessage = remoteMessage;
    }

    private static String describe(int errorCode, String remoteMessage) {
        return "peer closed the connection with " + ErrorFrames.codeName(errorCode)
                + (remoteMessage == null || remoteMessage.isEmpty() ? "" : ": " + remoteMessage);
    }

    /**
     * The error code the peer sent.
     *
     * @return the code; see {@link ErrorFrames} for the known ones
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * The peer's description of the failure.
     *
     * @return the message, possibly empty
     */
    public String remoteMessage() {
        return remoteMessage == null ? "" : remoteMessage;
    }
}
