package dev.blazedb.internal.netty;

import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import dev.blazedb.transport.ProtocolViolationException;
import dev.blazedb.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.util.concurrent.Queues;

/**
 * A {@link DuplexConnection} over a Reactor Netty {@link Connection}: the framing, backpressure
 * and close protocol shared by the socket transports (Unix domain sockets, TCP).
 *
 * <h2>Wire format</h2>
 * Each frame is a 5-byte header followed by its payload:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            payload length (uint32, big-endian)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  type (uint8) |  payload: "length" bytes                     ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Types {@code 0x00..0xEF} are the application's ({@link Frame}); two reserved types are used by
 * this class: {@link ErrorFrames#TYPE} ({@code 0xFF}, "I am closing because of this failure") and
 * {@link #GOODBYE_TYPE} ({@code 0xFE}, empty payload, "I am closing cleanly"). The goodbye lets
 * the peer tell a clean close from a peer that vanished (a killed process also closes its
 * socket, which looks like a clean end of stream): end of stream without a goodbye or an error
 * frame fails {@link #receive()} with a {@link TransportException}. Any other reserved type is a
 * protocol error.
 *
 * <h2>The size limit</h2>
 * The length is checked as soon as the 5 header bytes are in, before any of the body is
 * accumulated: a frame over {@link #maxFrameLength()} fails this side's {@code receive()} with
 * {@link FrameTooLargeException}, tells the peer with an error frame ({@code FRAME_TOO_LARGE})
 * and closes. A hostile length therefore never makes this side allocate or wait for the body.
 *
 * <h2>Backpressure</h2>
 * Reading: the channel's auto-read is off, and every {@code read()} that passes this class's
 * handler is one this class asked for. Frames are decoded lazily, only while fewer than
 * {@value #RECEIVE_PREFETCH_FRAMES} frames (and {@value #RECEIVE_PREFETCH_BYTES} bytes) wait for
 * the subscriber's demand; the socket is read again only when that queue has room and the bytes
 * already read hold no complete frame. What this side holds beyond the subscriber's demand is
 * therefore at most that prefetch plus the bytes of one read; the rest stays in the kernel's
 * socket buffers, which then stop the peer's writes. Inbound buffers are released as soon as
 * their bytes are copied into frames.
 *
 * <p>Writing: a send's publisher is asked for at most {@value #SEND_BATCH} frames at a time, and
 * asked again only while the channel {@linkplain Channel#isWritable() is writable} (Netty's
 * write-buffer water marks), so a peer that does not read stops the publisher after at most one
 * batch beyond what the socket buffers hold.
 *
 * <h2>For transports</h2>
 * Create the channels with {@code ChannelOption.AUTO_READ} off ({@code childOption} on a server,
 * {@code option} on a client): whatever Netty reads before this class's handler is in the
 * pipeline goes to Reactor Netty's own inbound and is lost to this connection (a peer that
 * writes and closes at once would otherwise look as if it said nothing).
 *
 * <h2>Threading</h2>
 * All state is owned by the channel's event loop; signals from other threads (requests, frames
 * emitted by a publisher on another thread, dispose) are handed to it. Subscribers' signals are
 * delivered on the event loop.
 */
public final class NettyDuplexConnection implements DuplexConnection {

    /** Header length: a 4-byte length and a 1-byte type. */
    public static final int HEADER_LENGTH = 5;

    /** The reserved frame type of the clean-close notice (empty payload). */
    public static final int GOODBYE_TYPE = 0xFE;

    /** Frames a send's publisher is asked for at once (and at most outstanding). */
    public static final int SEND_BATCH = 32;

    /** Decoded frames held for the receiver beyond its demand, at most. */
    public static final int RECEIVE_PREFETCH_FRAMES = 32;

    /** Payload bytes of decoded frames held for the receiver beyond its demand, about. */
    public static final int RECEIVE_PREFETCH_BYTES = 1 << 20;

    /** How long a clean or failed close waits for its last frame to be written before it closes anyway. */
    static final long CLOSE_FLUSH_TIMEOUT_MILLIS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(NettyDuplexConnection.class);
    private static final String HANDLER_NAME = "blazedb.frames";

    private final Connection connection;
    private final Channel channel;
    private final EventLoop loop;
    private final int maxFrameLength;
    private final SocketAddress remoteAddress;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final Flux<Frame> receive = new Receive();

    /** Set on the first close of any kind; what {@link #isDisposed()} reports. */
    private volatile boolean closing;

    // ------------------------------------------------------------- receive state (event loop)
    private final AtomicBoolean receiverClaimed = new AtomicBoolean();
    private final AtomicLong requested = new AtomicLong();
    private volatile CoreSubscriber<? super Frame> receiver;
    private volatile boolean receiverCancelled;
    private final ArrayDeque<Frame> inbound = new ArrayDeque<>();
    private long inboundBytes;
    private ByteBuf cumulation;
    private boolean readPending;
    /** True once the inbound stream's end is known: what follows the queued frames is {@link #terminal}. */
    private boolean inboundEnded;
    /** The receiver's terminal signal once {@link #inboundEnded}: null means complete. */
    private Throwable terminal;
    private boolean receiverTerminated;
    private boolean draining;
    private boolean drainMissed;

    // ------------------------------------------------------------- send state (event loop)
    private final Queue<Sender> senders = new ArrayDeque<>();
    private final AtomicInteger sendWip = new AtomicInteger();
    private Sender activeSender;

    /**
     * Wraps {@code connection}: installs the framing handler in its pipeline, turns auto-read off
     * and starts reading. Call once per connection, before anything else reads from it.
     *
     * @param connection an open Reactor Netty connection; this object owns it from now on
     * @param maxFrameLength the largest payload accepted and sent, in bytes
     * @param remoteAddress the peer's address to report (a transport may know more than the
     *     channel, such as a Unix socket peer's credentials), or null to use the channel's
     */
    public NettyDuplexConnection(Connection connection, int maxFrameLength, SocketAddress remoteAddress) {
        this.connection = Objects.requireNonNull(connection, "connection");
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        this.channel = connection.channel();
        this.loop = channel.eventLoop();
        this.maxFrameLength = maxFrameLength;
        this.remoteAddress = remoteAddress != null ? remoteAddress : channel.remoteAddress();
        channel.config().setAutoRead(false);
        FrameHandler handler = new FrameHandler();
        if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
            channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, HANDLER_NAME, handler);
        } else {
            channel.pipeline().addLast(HANDLER_NAME, handler);
        }
        channel.closeFuture().addListener(future -> onChannelClosed());
        // Start reading from a task of its own, even on the event loop: Reactor Netty may still be
        // setting the connection up in the current call (its inbound turns auto-read off, which
        // on epoll cancels a read asked for before).
        try {
            loop.execute(() -> {
                channel.config().setAutoRead(false);
                drainReceive();
            });
        } catch (RejectedExecutionException shutDown) {
            closing = true;
            closed.tryEmitEmpty();
        }
    }

    // =================================================================== DuplexConnection

    @Override
    public Flux<Frame> receive() {
        return receive;
    }

    @Override
    public Mono<Void> send(Publisher<Frame> frames) {
        Objects.requireNonNull(frames, "frames");
        return new Send(frames);
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public void dispose() {
        if (closing) {
            return;
        }
        onLoop(() -> close(null, null, true));
    }

    @Override
    public boolean isDisposed() {
        return closing;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Closes the connection because of {@code failure}: the peer is sent an error frame with its
     * code and message, this side's {@code receive()} fails with a {@link ConnectionClosedException}
     * caused by it, and sends in progress fail. For transports, whose acceptor or handshake failed.
     *
     * @param failure why the connection closes
     */
    public void closeWithError(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        onLoop(() -> close(failure, new ConnectionClosedException("connection closed because of a local failure: "
                + failure, failure), true));
    }

    /**
     * The underlying Reactor Netty connection.
     *
     * @return the connection
     */
    public Connection connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "NettyDuplexConnection[peer " + remoteAddress + (closing ? ", closed]" : "]");
    }

    // =================================================================== closing

    /**
     * The one close path (event loop). {@code sent}: what the peer is told (null: goodbye);
     * {@code receiveTerminal}: what this side's receiver ends with (null: completes);
     * {@code tellPeer}: false when the peer already knows (its goodbye or error frame, or the link
     * is gone).
     */
    private void close(Throwable sent, Throwable receiveTerminal, boolean tellPeer) {
        if (closing && inboundEnded) {
            return;
        }
        boolean first = !closing;
        closing = true;
        if (!inboundEnded) {
            inboundEnded = true;
            terminal = receiveTerminal;
            releaseCumulation();
        }
        if (first) {
            if (sent != null) {
                // An Error is a bug, not the peer's doing: its stack trace says where it came from.
                boolean bug = sent instanceof Error;
                LOG.warn("closing connection with {}: {}", remoteAddress, ErrorFrames.messageOf(sent), bug ? sent : null);
                if (!bug && !(sent instanceof TransportException) && LOG.isDebugEnabled()) {
                    LOG.debug("the failure that closes the connection with " + remoteAddress, sent);
                }
            } else if (receiveTerminal != null) {
                LOG.warn("connection with {} closed: {}", remoteAddress, receiveTerminal.getMessage());
            } else {
                LOG.debug("closing connection with {} cleanly", remoteAddress);
            }
            if (tellPeer && channel.isActive()) {
                Frame last = sent == null ? Frame.empty(GOODBYE_TYPE) : ErrorFrames.encode(sent);
                // A peer that stopped reading never lets the last frame out: close anyway.
                ScheduledFuture<?> deadline = loop.schedule(() -> {
                    channel.close();
                }, CLOSE_FLUSH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                channel.writeAndFlush(encode(last)).addListener(f -> {
                    deadline.cancel(false);
                    channel.close();
                });
            } else {
                channel.close();
            }
            failSenders();
        }
        drainReceive();
    }

    private void onChannelClosed() {
        onLoop(() -> {
            if (!inboundEnded) {
                // The peer (or the link) went away without a goodbye: decode whatever complete
                // frames arrived first (they may include its error frame or goodbye).
                parseFrames(Integer.MAX_VALUE);
                if (!inboundEnded) {
                    int partial = cumulation == null ? 0 : cumulation.readableBytes();
                    close(null, new TransportException(partial > 0
                            ? "connection with " + remoteAddress + " closed in the middle of a frame (" + partial
                                    + " bytes of it received)"
                            : "connection with " + remoteAddress + " was lost: the peer closed it without a goodbye"
                                    + " (its process may have died)"), false);
                }
            }
            closing = true;
            releaseCumulation();
            failSenders();
            closed.tryEmitEmpty();
            drainReceive();
        });
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    // =================================================================== receiving

    private final class Receive extends Flux<Frame> {
        @Override
        public void subscribe(CoreSubscriber<? super Frame> actual) {
            if (!receiverClaimed.compareAndSet(false, true)) {
                Operators.error(actual, new IllegalStateException(
                        "DuplexConnection.receive() allows only one subscriber, and it already has one"));
                return;
            }
            actual.onSubscribe(new ReceiverSubscription());
            receiver = actual;
            onLoop(NettyDuplexConnection.this::drainReceive);
        }
    }

    private final class ReceiverSubscription implements Subscription {
        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                // Only a receiver that had no demand left can have frames waiting for this
                // request: otherwise the event loop delivers what it reads at once (and a drain
                // running now looks again after it counted what it emitted). Not handing every
                // replenishing request(1) to the event loop saves a thread wake-up per frame.
                long before = requested.getAndUpdate(r -> Operators.addCap(r, n));
                if (before == 0) {
                    onLoop(NettyDuplexConnection.this::drainReceive);
                }
            }
        }

        @Override
        public void cancel() {
            receiverCancelled = true;
            dispose();
        }
    }

    /** Delivers queued frames within demand, decodes more, reads more (event loop). */
    private void drainReceive() {
        if (draining) {
            drainMissed = true;
            return;
        }
        draining = true;
        try {
            do {
                drainMissed = false;
                parseFrames(RECEIVE_PREFETCH_FRAMES);
                CoreSubscriber<? super Frame> subscriber = receiver;
                if (subscriber != null && !receiverTerminated) {
                    if (receiverCancelled) {
                        receiverTerminated = true;
                        discardInbound();
                        continue;
                    }
                    long demand = requested.get();
                    long emitted = 0;
                    while (emitted != demand && !inbound.isEmpty() && !receiverCancelled) {
                        Frame frame = inbound.poll();
                        inboundBytes -= frame.length();
                        emitted++;
                        subscriber.onNext(frame);
                        if (inbound.isEmpty()) {
                            parseFrames(RECEIVE_PREFETCH_FRAMES);
                        }
                    }
                    if (emitted != 0 && demand != Long.MAX_VALUE
                            && requested.addAndGet(-emitted) > 0 && !inbound.isEmpty()) {
                        // Demand that arrived while this pass ran did not schedule a drain.
                        drainMissed = true;
                    }
                    if (inbound.isEmpty() && inboundEnded && !receiverCancelled) {
                        receiverTerminated = true;
                        if (terminal == null) {
                            subscriber.onComplete();
                        } else {
                            subscriber.onError(terminal);
                        }
                    }
                }
                requestRead();
            } while (drainMissed);
        } finally {
            draining = false;
        }
    }

    private void discardInbound() {
        inbound.clear();
        inboundBytes = 0;
    }

    /** Asks the channel for more bytes if the queue has room and nothing decodable is waiting. */
    private void requestRead() {
        if (readPending || inboundEnded || closing || !channel.isActive()) {
            return;
        }
        if (inbound.size() >= RECEIVE_PREFETCH_FRAMES || inboundBytes >= RECEIVE_PREFETCH_BYTES) {
            return;
        }
        readPending = true;
        ChannelHandlerContext ctx = channel.pipeline().context(HANDLER_NAME);
        if (ctx != null) {
            ctx.read();
        }
    }

    /**
     * Decodes complete frames from the bytes read so far, while fewer than {@code maxQueued}
     * frames wait (event loop). Handles the reserved types and the size limit.
     */
    private void parseFrames(int maxQueued) {
        while (cumulation != null && !inboundEnded
                && inbound.size() < maxQueued && (maxQueued == Integer.MAX_VALUE || inboundBytes < RECEIVE_PREFETCH_BYTES)) {
            ByteBuf in = cumulation;
            if (in.readableBytes() < HEADER_LENGTH) {
                break;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > maxFrameLength) {
                // Refused from the header alone: the body is never accumulated.
                FrameTooLargeException tooLarge = new FrameTooLargeException(length, maxFrameLength);
                close(tooLarge, tooLarge, true);
                return;
            }
            if (in.readableBytes() < HEADER_LENGTH + length) {
                in.ensureWritable((int) (HEADER_LENGTH + length - in.readableBytes()));
                break;
            }
            in.skipBytes(4);
            int type = in.readUnsignedByte();
            byte[] payload = new byte[(int) length];
            in.readBytes(payload);
            if (!in.isReadable()) {
                releaseCumulation();
            }
            Frame frame = Frame.wrap(type, payload);
            if (type == ErrorFrames.TYPE) {
                close(null, ErrorFrames.decode(frame), false);
                return;
            }
            if (type == GOODBYE_TYPE) {
                close(null, null, false);
                return;
            }
            if (frame.isReserved()) {
                ProtocolViolationException violation = new ProtocolViolationException("protocol violation from "
                        + remoteAddress + ": frame of reserved type 0x" + Integer.toHexString(type));
                close(violation, violation, true);
                return;
            }
            inbound.add(frame);
            inboundBytes += frame.length();
        }
        if (cumulation != null && cumulation.readerIndex() > 0 && !cumulation.isReadable()) {
            releaseCumulation();
        }
    }

    /** The pipeline handler: accumulates bytes, gates reads, reports the channel's end. */
    private final class FrameHandler extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf) || inboundEnded) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf bytes = (ByteBuf) msg;
            cumulation = cumulation == null ? bytes
                    : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, bytes);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readPending = false;
            drainReceive();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                scheduleSend();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            // Only reads this class asked for (requestRead) pass: whatever else would read
            // (auto-read switched back on, Reactor Netty's own inbound) would bypass demand.
            if (readPending) {
                ctx.read();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            NettyDuplexConnection.this.close(null, new TransportException("connection with " + remoteAddress + " failed: " + cause, cause), false);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseCumulation();
        }
    }

    // =================================================================== sending

    private ByteBuf encode(Frame frame) {
        ByteBuf buf = channel.alloc().ioBuffer(HEADER_LENGTH + frame.length());
        buf.writeInt(frame.length());
        buf.writeByte(frame.type());
        buf.writeBytes(frame.payload());
        return buf;
    }

    private final class Send extends Mono<Void> {
        private final Publisher<Frame> frames;

        Send(Publisher<Frame> frames) {
            this.frames = frames;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            if (closing) {
                Operators.error(actual, closedException(null));
                return;
            }
            Sender sender = new Sender(actual);
            actual.onSubscribe(sender);
            boolean queued = onLoop(() -> {
                if (closing) {
                    // Closed before this send's turn came: its publisher is cancelled like any other's.
                    sender.cancelUpstream();
                    sender.fail(closedException(null));
                } else {
                    senders.add(sender);
                    // A drain that ran before this task could not see the sender: run another.
                    scheduleSend();
                }
            });
            if (!queued) {
                // The event loop is gone: nothing would ever fail this send.
                sender.fail(closedException(null));
                return;
            }
            try {
                frames.subscribe(sender);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                sender.onError(Operators.onOperatorError(t, actual.currentContext()));
            }
        }
    }

    private ConnectionClosedException closedException(Throwable cause) {
        String message = "connection with " + remoteAddress + " closed before the send finished";
        return cause == null ? new ConnectionClosedException(message) : new ConnectionClosedException(message, cause);
    }

    private void scheduleSend() {
        if (sendWip.getAndIncrement() == 0) {
            onLoop(this::drainSend);
        }
    }

    /** Writes what the active sender emitted, finishes it, moves to the next, asks for more (event loop). */
    private void drainSend() {
        int missed = 1;
        do {
            sendLoop();
            missed = sendWip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sendLoop() {
        while (true) {
            if (closing) {
                failSenders();
                return;
            }
            Sender sender = activeSender;
            if (sender == null) {
                sender = senders.poll();
                if (sender == null) {
                    return;
                }
                activeSender = sender;
            }
            if (sender.cancelled) {
                sender.queue.clear();
                activeSender = null;
                continue;
            }
            boolean wrote = false;
            // Read before the queue is drained: a publisher on another thread queues its last frame
            // and then completes, so "done" seen first means that frame is in the queue already.
            // Read after, the frame could arrive between the last poll and the read, and be dropped
            // with the sender (a session's GOODBYE lost, the peer taking the close for a crash).
            boolean done = sender.done;
            Frame frame;
            while ((frame = sender.queue.poll()) != null) {
                sender.outstanding--;
                Throwable invalid = null;
                if (frame.isReserved()) {
                    invalid = new IllegalArgumentException("frame type " + frame.type()
                            + " is reserved for transports (" + Frame.FIRST_RESERVED_TYPE + " and up)");
                } else if (frame.length() > maxFrameLength) {
                    invalid = new FrameTooLargeException(frame.length(), maxFrameLength);
                }
                if (invalid != null) {
                    if (wrote) {
                        channel.flush();
                    }
                    activeSender = null;
                    sender.cancelUpstream();
                    sender.fail(invalid);
                    close(invalid, new ConnectionClosedException("connection closed because a send failed: "
                            + invalid.getMessage(), invalid), true);
                    return;
                }
                sender.lastWrite = channel.write(encode(frame));
                wrote = true;
            }
            if (wrote) {
                channel.flush();
            }
            if (done) {
                activeSender = null;
                Throwable error = sender.error;
                if (error != null) {
                    sender.fail(error);
                    close(error, new ConnectionClosedException("connection closed because a send failed: " + error,
                            error), true);
                    return;
                }
                sender.completeWhenWritten();
                continue;
            }
            Subscription upstream = sender.upstream;
            if (upstream != null && channel.isWritable() && sender.outstanding <= SEND_BATCH / 2) {
                long n = SEND_BATCH - sender.outstanding;
                sender.outstanding += n;
                upstream.request(n);
                if (!sender.queue.isEmpty() || sender.done) {
                    continue;
                }
            }
            return;
        }
    }

    private void failSenders() {
        Sender active = activeSender;
        activeSender = null;
        if (active != null) {
            active.cancelUpstream();
            active.fail(closedException(null));
        }
        Sender pending;
        while ((pending = senders.poll()) != null) {
            pending.cancelUpstream();
            pending.fail(closedException(null));
        }
    }

    /** One send: the publisher's subscriber and the returned Mono's subscription. */
    private final class Sender implements CoreSubscriber<Frame>, Subscription {
        final CoreSubscriber<? super Void> actual;
        final Queue<Frame> queue = Queues.<Frame>get(SEND_BATCH).get();
        final AtomicBoolean terminated = new AtomicBoolean();
        volatile Subscription upstream;
        volatile boolean done;
        volatile boolean cancelled;
        Throwable error;
        /** Requested and not yet written (event loop). */
        long outstanding;
        ChannelFuture lastWrite;

        Sender(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                if (cancelled) {
                    s.cancel();
                    return;
                }
                scheduleSend();
            }
        }

        @Override
        public void onNext(Frame frame) {
            if (done) {
                return;
            }
            if (!queue.offer(frame)) {
                onError(Exceptions.failWithOverflow("a send's publisher emitted more frames than requested"));
                return;
            }
            scheduleSend();
        }

        @Override
        public void onError(Throwable t) {
            if (done) {
                Operators.onErrorDropped(t, currentContext());
                return;
            }
            error = t;
            done = true;
            scheduleSend();
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            scheduleSend();
        }

        @Override
        public void request(long n) {
            // A Mono<Void>: nothing to deliver but the terminal signal.
        }

        @Override
        public void cancel() {
            if (terminated.compareAndSet(false, true)) {
                cancelled = true;
                cancelUpstream();
                onLoop(() -> {
                    senders.remove(this);
                    if (activeSender == this) {
                        activeSender = null;
                        queue.clear();
                    }
                    scheduleSend();
                });
            }
        }

        void cancelUpstream() {
            cancelled = true;
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }

        void fail(Throwable t) {
            if (terminated.compareAndSet(false, true)) {
                actual.onError(t);
            }
        }

        void completeWhenWritten() {
            ChannelFuture written = lastWrite;
            if (written == null) {
                if (terminated.compareAndSet(false, true)) {
                    actual.onComplete();
                }
                return;
            }
            written.addListener(f -> {
                if (f.isSuccess()) {
                    if (terminated.compareAndSet(false, true)) {
                        actual.onComplete();
                    }
                } else {
                    fail(closedException(f.cause()));
                }
            });
        }
    }

    // =================================================================== helpers

    /** Runs {@code task} on the event loop (now, if this is it); false if the loop refused it. */
    private boolean onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException shutDown) {
            // The event loop is gone, and with it the channel: report the close from here.
            LOG.debug("event loop of {} rejected a task; treating the connection as closed", this, shutDown);
            closing = true;
            closed.tryEmitEmpty();
            return false;
        }
    }
}
