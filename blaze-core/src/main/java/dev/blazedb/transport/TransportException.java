package dev.blazedb.transport;

import dev.blazedb.BlazeTransientException;

/**
 * A transport failure: the connection (or the attempt to make one) it concerns is closed.
 *
 * <p>Transport failures are {@linkplain BlazeTransientException transient}: a new connection may
 * well succeed, and the sync engine reconnects with backoff after one. The subclasses say what
 * happened:
 *
 * <pre>
 * TransportException
 * ├── ConnectionRefusedException   nobody accepts at the address
 * ├── ConnectionClosedException    the connection closed before the operation finished
 * ├── FrameTooLargeException       a frame broke the size limit
 * ├── ProtocolViolationException   the peer broke the framing protocol
 * └── RemoteTransportException     the peer failed and said why (an error frame)
 * </pre>
 */
public class TransportException extends BlazeTransientException {

    private static final long serialVersionUID = 1L;

    /**
     * A transport failure described by {@code message}.
     *
     * @param message what failed
     */
    public TransportException(String message) {
        super(message);
    }

    /**
     * A transport failure described by {@code message}, caused by {@code cause}.
     *
     * @param message what failed
     * @param cause the underlying failure
     */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
