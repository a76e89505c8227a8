package dev.blazedb.transport;

import java.net.SocketAddress;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A connection between two peers that carries {@link Frame}s both ways with backpressure: the
 * one interface every transport implements.
 *
 * <h2>Lifecycle</h2>
 * A connection is open from the moment {@link ClientTransport#connect()} emits it (or the
 * {@link ConnectionAcceptor} receives it) until it closes. It closes, on both sides at once, when
 * either side calls {@link #dispose()} or cancels {@link #receive()}, when either side's
 * {@link #send} fails, when a frame breaks the {@linkplain #maxFrameLength() size limit}, when the
 * server that accepted it is disposed, or when the link underneath fails. A closed connection
 * never opens again: reconnecting means a new connection.
 *
 * <p>A close is <em>clean</em> when it comes from {@code dispose()}, from a cancelled
 * {@code receive()} or from disposing the server: both {@code receive()}s complete. Any other
 * close is a failure: both {@code receive()}s error, the side that failed with a
 * {@link ConnectionClosedException} whose cause is the failure, the other side with a
 * {@link RemoteTransportException} carrying the failure's {@linkplain ErrorFrames code and
 * message}. In every case, {@link #onClose()} completes on both sides.
 *
 * <h2>Threading</h2>
 * Every method is thread-safe and non-blocking. Signals are delivered on the transport's threads
 * (for a socket transport its event loop; the memory transport delivers each signal on the thread
 * that caused it, with no hop of its own): do not block in them.
 *
 * <h2>Decorating</h2>
 * Encryption, compression, metrics, logging and connection modes are wrappers over any
 * connection; {@link DelegatingDuplexConnection} is the base for those.
 */
public interface DuplexConnection extends Disposable {

    /** The frame size limit transports use unless configured otherwise: 16 MiB of payload. */
    int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    /**
     * The frames the peer sends, in the order it sent them, one {@link Frame} per frame sent
     * (message boundaries are kept).
     *
     * <p><b>Subscribers:</b> exactly one over the connection's whole life. A second subscription,
     * concurrent or later, is refused: it receives {@code onError(IllegalStateException)} and the
     * connection is not affected. The first subscription made after the connection closed
     * receives the close's terminal signal at once.
     *
     * <p><b>Demand:</b> the transport reads from the link only as fast as the subscriber
     * requests, plus a bounded prefetch that each transport documents (the memory transport: none;
     * its peer's publisher is asked for exactly what this subscriber requests). A subscriber that
     * requests nothing eventually stops the peer's sender.
     *
     * <p><b>Completion:</b> completes when the connection closes cleanly (see the type's
     * documentation), after every frame received before the close.
     *
     * <p><b>Errors:</b> {@link RemoteTransportException} when the peer's {@link #send} failed
     * (including a frame over the peer's limit); {@link ConnectionClosedException}, with the cause,
     * when this side closed the connection because of a failure (its own {@code send} failed);
     * {@link FrameTooLargeException} when the peer sent a frame over this side's limit (socket
     * transports, which see the length before the body); another {@link TransportException} when
     * the link failed. Frames received before the failure are delivered before the error.
     *
     * <p><b>Cancellation:</b> cancelling the subscription closes the connection cleanly, exactly
     * like {@link #dispose()}.
     *
     * @return the inbound frames; a cold {@code Flux} that may be subscribed once
     */
    Flux<Frame> receive();

    /**
     * Sends the frames {@code frames} emits, in order, to the peer.
     *
     * <p>Nothing happens until the returned {@code Mono} is subscribed; each subscription sends
     * the publisher once. The connection stays open when the publisher completes: a connection
     * carries any number of sends.
     *
     * <p><b>Concurrent sends are serialized:</b> sends run one after the other in the order they
     * were subscribed. A send's publisher is asked for its first frame only when every send
     * subscribed before it has terminated; its frames are never interleaved with another send's.
     *
     * <p><b>Demand:</b> the publisher is asked for frames in bounded batches, and only while the
     * link can take more: ultimately, while the peer's {@link #receive()} subscriber requests.
     * Each transport documents its batch and prefetch bounds (the memory transport passes the
     * peer's demand straight through: the publisher is asked for exactly what the peer's
     * subscriber requested).
     *
     * <p><b>Completion:</b> the {@code Mono} completes once the publisher has completed and every
     * frame it emitted was written to the link (the memory transport: handed to the peer's
     * subscriber; socket transports: flushed to the socket). It does not mean the peer processed
     * them.
     *
     * <p><b>Errors:</b> the {@code Mono} fails, and the connection closes, when the publisher
     * fails (with that error; the peer's {@code receive()} fails with a
     * {@link RemoteTransportException}), when a frame is longer than {@link #maxFrameLength()}
     * ({@link FrameTooLargeException}), or when a frame has a {@linkplain Frame#isReserved()
     * reserved type} ({@link IllegalArgumentException}). It fails with
     * {@link ConnectionClosedException} when the connection closes before everything was written,
     * or is already closed when subscribed; the publisher is then cancelled.
     *
     * <p><b>Cancellation:</b> cancelling the {@code Mono} cancels the publisher; frames already
     * written stay written, the connection stays open, and the next send proceeds.
     *
     * @param frames the frames to send
     * @return a {@code Mono} completing when all frames were written
     */
    Mono<Void> send(Publisher<Frame> frames);

    /**
     * Completes when the connection has closed, for whatever reason, on this side. Never fails:
     * the reason, when the close was a failure, is the error {@link #receive()} terminates with.
     * Late subscribers complete at once. Completion is signalled on the thread that closed the
     * connection (a transport thread, or the caller of {@link #dispose()}); demand plays no role.
     * Cancelling only stops this subscriber from being told.
     *
     * @return a {@code Mono} completing on close
     */
    Mono<Void> onClose();

    /**
     * Closes the connection cleanly, on both sides: both {@link #receive()}s complete, sends
     * still in progress on either side fail with {@link ConnectionClosedException}, and both
     * {@link #onClose()}s complete. Idempotent, non-blocking, callable from any thread.
     */
    @Override
    void dispose();

    /**
     * Whether the connection has closed (on either side, for any reason).
     *
     * @return true once closed
     */
    @Override
    boolean isDisposed();

    /**
     * The peer's address: an {@link java.net.InetSocketAddress} for TCP, a Unix domain socket
     * address for Unix sockets, a transport-specific {@link SocketAddress} otherwise (the memory
     * transport: the server's name). Its {@code toString()} is meant for logs.
     *
     * @return the peer's address
     */
    SocketAddress remoteAddress();

    /**
     * The largest frame payload, in bytes, this connection carries in either direction; fixed for
     * the connection's life. A longer frame given to {@link #send} fails that send with
     * {@link FrameTooLargeException} and closes the connection.
     *
     * @return the limit in bytes
     */
    int maxFrameLength();
}
