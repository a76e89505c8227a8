package dev.blazedb.transport;

import dev.blazedb.AuthenticationException;
import dev.blazedb.HandshakeTimeoutException;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.MissingTokenException;
import dev.blazedb.ProtocolException;
import dev.blazedb.TamperedFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The error frame, by which a socket transport tells its peer why it is closing the connection,
 * and the one place where failures map to error codes and back.
 *
 * <p>A side whose {@code send} fails (or that detects a protocol violation) writes one error frame
 * and closes; the peer's {@code receive()} then fails with the {@link RemoteTransportException}
 * that {@link #decode} makes of it. Error frames never reach a {@code receive()} subscriber as
 * frames. The memory transport passes exceptions directly, through {@link #toRemote}, so both
 * paths produce the same code and message.
 *
 * <p>Layout: a {@link Frame} of type {@link #TYPE} (reserved) whose payload is
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 error code (int32, big-endian)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     message: UTF-8, the rest of the payload, 0 to 1024 bytes   ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ErrorFrames {

    /** The frame type of error frames (reserved for transports). */
    public static final int TYPE = 0xFF;

    /** The peer's outbound publisher failed (any application error). */
    public static final int APPLICATION_ERROR = 0x01;

    /** A frame broke the size limit. */
    public static final int FRAME_TOO_LARGE = 0x02;

    /** The peer saw bytes or frames that break the transport's protocol. */
    public static final int PROTOCOL_ERROR = 0x03;

    /** The peer's transport failed internally. */
    public static final int INTERNAL_ERROR = 0x04;

    /** The secure handshake failed: the peer could not prove it knows the auth token. */
    public static final int AUTHENTICATION_FAILED = 0x10;

    /** The secure handshake failed: the two sides hold different auth tokens. */
    public static final int INVALID_TOKEN = 0x11;

    /** The secure handshake failed: the server requires an auth token and the client has none. */
    public static final int MISSING_TOKEN = 0x12;

    /** The secure handshake did not finish in time. */
    public static final int HANDSHAKE_TIMEOUT = 0x13;

    /** A sealed frame was altered, replayed or reordered. */
    public static final int TAMPERED_FRAME = 0x14;

    /** A server limit was reached (connections, buffered bytes). */
    public static final int LIMIT_EXCEEDED = 0x15;

    /** The largest message an error frame carries, in bytes. */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    private static final int HEADER_LENGTH = 4;

    private ErrorFrames() {
    }

    /**
     * The error code for a failure: {@link #FRAME_TOO_LARGE} for {@link FrameTooLargeException},
     * the peer's code for a relayed {@link RemoteTransportException}, the matching code for the
     * authentication, timeout, tampering, limit and protocol failures ({@link #PROTOCOL_ERROR}
     * for {@link ProtocolException} and {@link ProtocolViolationException}),
     * {@link #APPLICATION_ERROR} for anything else.
     *
     * @param failure the failure
     * @return its code
     */
    public static int codeOf(Throwable failure) {
        if (failure instanceof FrameTooLargeException) {
            return FRAME_TOO_LARGE;
        }
        if (failure instanceof RemoteTransportException) {
            return ((RemoteTransportException) failure).errorCode();
        }
        if (failure instanceof InvalidTokenException) {
            return INVALID_TOKEN;
        }
        if (failure instanceof MissingTokenException) {
            return MISSING_TOKEN;
        }
        if (failure instanceof AuthenticationException) {
            return AUTHENTICATION_FAILED;
        }
        if (failure instanceof HandshakeTimeoutException) {
            return HANDSHAKE_TIMEOUT;
        }
        if (failure instanceof TamperedFrameException) {
            return TAMPERED_FRAME;
        }
        if (failure instanceof LimitExceededException) {
            return LIMIT_EXCEEDED;
        }
        if (failure instanceof ProtocolException || failure instanceof ProtocolViolationException) {
            return PROTOCOL_ERROR;
        }
        return APPLICATION_ERROR;
    }

    /**
     * A readable name for a code, such as {@code APPLICATION_ERROR}, or {@code error 0x2a} for an
     * unknown one.
     *
     * @param code the code
     * @return its name
     */
    public static String codeName(int code) {
        switch (code) {
            case APPLICATION_ERROR:
                return "APPLICATION_ERROR";
            case FRAME_TOO_LARGE:
                return "FRAME_TOO_LARGE";
            case PROTOCOL_ERROR:
                return "PROTOCOL_ERROR";
            case INTERNAL_ERROR:
                return "INTERNAL_ERROR";
            case AUTHENTICATION_FAILED:
                return "AUTHENTICATION_FAILED";
            case INVALID_TOKEN:
                return "INVALID_TOKEN";
            case MISSING_TOKEN:
                return "MISSING_TOKEN";
            case HANDSHAKE_TIMEOUT:
                return "HANDSHAKE_TIMEOUT";
            case TAMPERED_FRAME:
                return "TAMPERED_FRAME";
            case LIMIT_EXCEEDED:
                return "LIMIT_EXCEEDED";
            default:
                return "error 0x" + Integer.toHexString(code);
        }
    }

    /**
     * The message sent for a failure: its class's simple name and its message, truncated to fit
     * {@link #MAX_MESSAGE_LENGTH} bytes.
     *
     * @param failure the failure
     * @return the message
     */
    public static String messageOf(Throwable failure) {
        String text = failure instanceof RemoteTransportException
                ? ((RemoteTransportException) failure).remoteMessage()
                : failure.getMessage() == null
                        ? failure.getClass().getSimpleName()
                        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return truncate(text);
    }

    /**
     * The error frame telling the peer about {@code failure}.
     *
     * @param failure why this side is closing
     * @return the frame
     */
    public static Frame encode(Throwable failure) {
        return encode(codeOf(failure), messageOf(failure));
    }

    /**
     * The error frame with {@code code} and {@code message} (truncated to
     * {@link #MAX_MESSAGE_LENGTH} bytes).
     *
     * @param code the error code
     * @param message the description
     * @return the frame
     */
    public static Frame encode(int code, String message) {
        byte[] text = truncate(message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[HEADER_LENGTH + text.length];
        ByteBuffer.wrap(payload).putInt(code).put(text);
        return Frame.wrap(TYPE, payload);
    }

    /**
     * Whether {@code frame} is an error frame.
     *
     * @param frame a frame read from the link
     * @return true for type {@link #TYPE}
     */
    public static boolean isErrorFrame(Frame frame) {
        return frame.type() == TYPE;
    }

    /**
     * The exception an error frame stands for. A payload too short to hold a code yields
     * {@link #PROTOCOL_ERROR}; malformed UTF-8 is replaced, never rejected.
     *
     * @param frame an error frame
     * @return the peer's failure
     * @throws IllegalArgumentException if {@code frame} is not an error frame
     */
    public static RemoteTransportException decode(Frame frame) {
        if (!isErrorFrame(frame)) {
            throw new IllegalArgumentException("not an error frame: " + frame);
        }
        if (frame.length() < HEADER_LENGTH) {
            return new RemoteTransportException(PROTOCOL_ERROR, "malformed error frame of " + frame.length() + " bytes");
        }
        ByteBuffer payload = frame.payload();
        int code = payload.getInt();
        int length = Math.min(payload.remaining(), MAX_MESSAGE_LENGTH);
        byte[] text = new byte[length];
        payload.get(text);
        return new RemoteTransportException(code, new String(text, StandardCharsets.UTF_8));
    }

    /**
     * The exception a peer's {@code receive()} fails with when this side closes because of
     * {@code failure}, for in-process transports: the code and message an error frame would carry,
     * with {@code failure} as the cause.
     *
     * @param failure why this side is closing
     * @return the peer's exception
     */
    public static RemoteTransportException toRemote(Throwable failure) {
        return new RemoteTransportException(codeOf(failure), messageOf(failure), failure);
    }

    /**
     * The local exception a peer's error stands for: the security codes become the
     * {@link AuthenticationException} family, {@link HandshakeTimeoutException},
     * {@link TamperedFrameException} or {@link LimitExceededException} (with the peer's message and
     * {@code remote} as the cause); every other code stays {@code remote} itself.
     *
     * @param remote the failure an error frame decoded to
     * @return the exception to report locally
     */
    public static RuntimeException toLocal(RemoteTransportException remote) {
        String text = "the peer refused the connection: " + remote.remoteMessage();
        switch (remote.errorCode()) {
            case INVALID_TOKEN:
                return new InvalidTokenException(text, remote);
            case MISSING_TOKEN:
                return new MissingTokenException(text, remote);
            case AUTHENTICATION_FAILED:
                return new AuthenticationException(text, remote);
            case HANDSHAKE_TIMEOUT:
                HandshakeTimeoutException timeout = new HandshakeTimeoutException(text);
                timeout.initCause(remote);
                return timeout;
            case TAMPERED_FRAME:
                return new TamperedFrameException("the peer closed the connection: " + remote.remoteMessage(), remote);
            case LIMIT_EXCEEDED:
                return new LimitExceededException(text, remote);
            default:
                return remote;
        }
    }

    private static String truncate(String text) {
        // At most 3 UTF-8 bytes per char (a surrogate pair is 2 chars and 4 bytes).
        int maxChars = MAX_MESSAGE_LENGTH / 3;
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
