package dev.blazedb.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The contract every transport passes: one abstract JUnit 5 class, of which each transport's test
 * is a short subclass.
 *
 * <pre>{@code
 * class MemoryTransportTest extends TransportTck {
 *     @Override
 *     protected ServerTransport serverTransport() {
 *         return MemoryServerTransport.create("tck");
 *     }
 *
 *     @Override
 *     protected ClientTransport clientTransport(BoundServer server) {
 *         return MemoryClientTransport.create("tck");
 *     }
 * }
 * }</pre>
 *
 * <p>Each test binds a fresh server with {@link #serverTransport()} and disposes it afterwards;
 * clients come from {@link #clientTransport(BoundServer)}. Both ends must use the same frame
 * limit. What transports may legitimately differ in is overridable: {@link #senderPrefetch()} (how
 * far a sender may run ahead of its receiver's demand), {@link #backpressureFrameLength()},
 * {@link #quietPeriod()} and {@link #timeout()}. The defaults are tight; a subclass that loosens
 * one says why.
 *
 * <p>The tests check what {@link DuplexConnection} promises: echo, order, message boundaries, the
 * frame limit, backpressure, a single receiver, cancellation and dispose reaching both sides,
 * errors crossing over, serialized sends, concurrency, and the server's release of its address.
 * Every wait is a {@link StepVerifier} with {@link #timeout()}; the only fixed waits are the
 * {@linkplain #quietPeriod() quiet periods} that show something does <em>not</em> happen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportTck {

    /** The frame type the tests send. */
    protected static final int TEST_FRAME_TYPE = 0x01;

    private final BlockingQueue<DuplexConnection> accepted = new LinkedBlockingQueue<>();
    private final List<DuplexConnection> opened = new CopyOnWriteArrayList<>();
    private volatile Function<DuplexConnection, Mono<Void>> handler = this::keep;
    private BoundServer server;

    /** For subclasses: one per transport. */
    protected TransportTck() {
    }

    // ------------------------------------------------------------------ what a transport supplies

    /**
     * A server transport for a fresh server; called once per test.
     *
     * @return the server transport
     */
    protected abstract ServerTransport serverTransport();

    /**
     * A client transport that connects to {@code server}.
     *
     * @param server the server bound by this test
     * @return the client transport
     */
    protected abstract ClientTransport clientTransport(BoundServer server);

    /**
     * How long any single expectation may take before the test fails.
     *
     * @return the timeout; 10 seconds unless overridden
     */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * How long the tests watch for something that must not happen (a sender running ahead of
     * its receiver, a send completing while frames are held back).
     *
     * @return the quiet period; 200 ms unless overridden
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    /**
     * The most frames a sender's publisher may have been asked for beyond what the receiver
     * requested, with frames of {@link #backpressureFrameLength()} bytes: the transport's batch
     * plus whatever its buffers and socket buffers hold. 128 (one batch of Reactor Netty's
     * {@code MonoSendMany}) unless overridden; the memory transport, which passes demand straight
     * through, uses 0.
     *
     * @return the bound, in frames
     */
    protected long senderPrefetch() {
        return 128;
    }

    /**
     * The payload length of the frames in the backpressure tests. Large enough that socket
     * buffers hold only a few of them, so {@link #senderPrefetch()} can stay tight.
     *
     * @return the length in bytes; 64 KiB unless overridden (capped at the connection's limit)
     */
    protected int backpressureFrameLength() {
        return 64 * 1024;
    }

    // ------------------------------------------------------------------ the fixture

    @BeforeEach
    final void bindServer() {
        server = serverTransport().bind(connection -> handler.apply(connection)).block(timeout());
        assertThat(server).as("the bound server").isNotNull();
    }

    @AfterEach
    final void disposeServer() {
        opened.forEach(Disposable::dispose);
        accepted.forEach(Disposable::dispose);
        if (server != null) {
            server.dispose();
            StepVerifier.create(server.onClose()).expectComplete().verify(timeout());
        }
    }

    /**
     * The server bound for the current test.
     *
     * @return the server
     */
    protected final BoundServer server() {
        return server;
    }

    /**
     * Opens a client connection to the test's server; it is disposed after the test.
     *
     * @return the client end
     */
    protected final DuplexConnection connect() {
        DuplexConnection connection = clientTransport(server).connect().block(timeout());
        assertThat(connection).as("the connection connect() emitted").isNotNull();
        opened.add(connection);
        return connection;
    }

    /**
     * Opens a client connection and takes the server's end of it (with the default acceptor,
     * which keeps every accepted connection for the test).
     *
     * @return both ends
     */
    protected final Ends connectBothEnds() {
        DuplexConnection client = connect();
        DuplexConnection serverEnd;
        try {
            serverEnd = accepted.poll(timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server to accept", e);
        }
        assertThat(serverEnd).as("the server's end, accepted within " + timeout()).isNotNull();
        return new Ends(client, serverEnd);
    }

    /** The two ends of one connection. */
    protected static final class Ends {
        private final DuplexConnection client;
        private final DuplexConnection server;

        Ends(DuplexConnection client, DuplexConnection server) {
            this.client = client;
            this.server = server;
        }

        /**
         * The client's end.
         *
         * @return the end {@code connect()} emitted
         */
        public DuplexConnection client() {
            return client;
        }

        /**
         * The server's end.
         *
         * @return the end the acceptor received
         */
        public DuplexConnection server() {
            return server;
        }
    }

    /**
     * Makes the server echo every frame of every connection it accepts from now on.
     */
    protected final void echoServer() {
        handler = connection -> connection.send(connection.receive());
    }

    /**
     * Makes the server handle every connection it accepts from now on with {@code acceptor}.
     *
     * @param acceptor what the server does with a connection
     */
    protected final void serverHandler(Function<DuplexConnection, Mono<Void>> acceptor) {
        handler = Objects.requireNonNull(acceptor, "acceptor");
    }

    private Mono<Void> keep(DuplexConnection connection) {
        accepted.add(connection);
        return Mono.empty();
    }

    /**
     * A test frame of type {@link #TEST_FRAME_TYPE} whose payload is {@code sequence}, 4 bytes.
     *
     * @param sequence the number it carries
     * @return the frame
     */
    protected static Frame frame(int sequence) {
        return frame(sequence, Integer.BYTES);
    }

    /**
     * A test frame of {@code length} bytes starting with {@code sequence}, the rest a pattern.
     *
     * @param sequence the number it carries in its first 4 bytes
     * @param length the payload length, at least 4
     * @return the frame
     */
    protected static Frame frame(int sequence, int length) {
        byte[] payload = new byte[length];
        ByteBuffer.wrap(payload).putInt(sequence);
        for (int i = Integer.BYTES; i < length; i++) {
            payload[i] = (byte) (i * 31 + sequence);
        }
        return Frame.wrap(TEST_FRAME_TYPE, payload);
    }

    /**
     * The number a test frame carries.
     *
     * @param frame a frame made by {@link #frame(int, int)}
     * @return its sequence number
     */
    protected static int sequence(Frame frame) {
        return frame.payload().getInt();
    }

    /**
     * The first {@code count} frames {@code connection} receives, collected without cancelling
     * {@code receive()} (which would close the connection); fails if it terminates earlier.
     *
     * @param connection the connection to receive from
     * @param count how many frames to wait for
     * @return a {@code Mono} of the frames, in arrival order
     */
    protected static Mono<List<Frame>> firstFrames(DuplexConnection connection, int count) {
        return Mono.create(sink -> {
            List<Frame> frames = new ArrayList<>(count);
            AtomicBoolean done = new AtomicBoolean();
            Disposable receiving = connection.receive().subscribe(
                    frame -> {
                        frames.add(frame);
                        if (frames.size() == count && done.compareAndSet(false, true)) {
                            sink.success(List.copyOf(frames));
                        }
                    },
                    error -> {
                        if (done.compareAndSet(false, true)) {
                            sink.error(error);
                        }
                    },
                    () -> {
                        if (done.compareAndSet(false, true)) {
                            sink.error(new AssertionError("receive() completed after " + frames.size()
                                    + " of " + count + " frames"));
                        }
                    });
            sink.onCancel(receiving);
        });
    }

    /**
     * Subscribes to a send whose outcome the test does not check (failures are ignored).
     *
     * @param send the send to start
     */
    protected static void fireAndForget(Mono<Void> send) {
        send.subscribe(null, error -> { });
    }

    private static List<Integer> sequences(List<Frame> frames) {
        return frames.stream().map(TransportTck::sequence).collect(Collectors.toList());
    }

    private static List<Integer> range(int from, int count) {
        return IntStream.range(from, from + count).boxed().collect(Collectors.toList());
    }

    /** An endless sender of backpressure-test frames that counts what it is asked for. */
    private Flux<Frame> endless(AtomicLong requested, int length) {
        return Flux.<Frame, Integer>generate(() -> 0, (i, sink) -> {
            sink.next(frame(i, length));
            return i + 1;
        }).doOnRequest(n -> requested.accumulateAndGet(n, Operators::addCap));
    }

    private int backpressureLength(DuplexConnection connection) {
        return Math.max(Integer.BYTES, Math.min(backpressureFrameLength(), connection.maxFrameLength()));
    }

    // ------------------------------------------------------------------ echo, order, boundaries

    @Test
    @DisplayName("a frame sent to an echoing server comes back equal")
    void aFrameEchoes() {
        echoServer();
        DuplexConnection client = connect();
        Frame sent = frame(42);

        StepVerifier.create(client.receive())
                .then(() -> fireAndForget(client.send(Mono.just(sent))))
                .assertNext(received -> {
                    assertThat(received).isEqualTo(sent);
                    assertThat(received.type()).isEqualTo(TEST_FRAME_TYPE);
                    assertThat(sequence(received)).isEqualTo(42);
                })
                .thenCancel()
                .verify(timeout());
    }

    @Test
    @DisplayName("frames keep their types and boundaries, empty frames included")
    void framesKeepTheirTypesAndBoundaries() {
        echoServer();
        DuplexConnection client = connect();
        int[] lengths = {0, 1, 2, 3, 7, 8, 100, 1000, 4095, 4096, 4097, 65_535, 65_536, 65_537, 300_000};
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            byte[] payload = new byte[lengths[i]];
            for (int j = 0; j < payload.length; j++) {
                payload[j] = (byte) (j ^ i);
            }
            frames.add(Frame.wrap(i * 17 % (Frame.MAX_APPLICATION_TYPE + 1), payload));
        }

        StepVerifier.create(client.receive())
                .then(() -> fireAndForget(client.send(Flux.fromIterable(frames))))
                .expectNextSequence(frames)
                .thenCancel()
                .verify(timeout());
    }

    @Test
    @DisplayName("10,000 frames arrive in the order they were sent")
    void tenThousandFramesArriveInOrder() {
        echoServer();
        DuplexConnection client = connect();
        int count = 10_000;

        StepVerifier.create(client.receive().map(TransportTck::sequence))
                .then(() -> fireAndForget(client.send(Flux.range(0, count).map(TransportTck::frame))))
                .expectNextSequence(range(0, count))
                .thenCancel()
                .verify(timeout());
    }

    // ------------------------------------------------------------------ the frame limit

    @Test
    @DisplayName("both ends report the same frame limit and a peer address")
    void bothEndsReportTheirLimitAndPeer() {
        Ends ends = connectBothEnds();

        assertThat(ends.client().maxFrameLength()).isPositive().isEqualTo(ends.server().maxFrameLength());
        assertThat(ends.client().remoteAddress()).isNotNull();
        assertThat(ends.server().remoteAddress()).isNotNull();
        assertThat(ends.client().isDisposed()).isFalse();
    }

    @Test
    @DisplayName("the largest allowed frame passes, byte for byte")
    void theLargestAllowedFramePasses() {
        echoServer();
        DuplexConnection client = connect();
        Frame largest = frame(7, client.maxFrameLength());

        StepVerifier.create(client.receive())
                .then(() -> fireAndForget(client.send(Mono.just(largest))))
                .assertNext(received -> {
                    assertThat(received.length()).isEqualTo(client.maxFrameLength());
                    assertThat(received.equals(largest)).as("the payload is unchanged").isTrue();
                })
                .thenCancel()
                .verify(timeout());
    }

    @Test
    @DisplayName("a frame one byte over the limit fails the send with FrameTooLargeException and closes the connection")
    void aFrameOneByteOverTheLimitFails() {
        Ends ends = connectBothEnds();
        int limit = ends.client().maxFrameLength();
        StepVerifier serverReceive = StepVerifier.create(ends.server().receive())
                .expectNext(frame(1))
                .expectError(TransportException.class)
                .verifyLater();

        StepVerifier.create(ends.client().send(Flux.just(frame(1), frame(2, limit + 1))))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(FrameTooLargeException.class)
                            .hasMessageContaining(String.valueOf(limit + 1))
                            .hasMessageContaining(String.valueOf(limit));
                    assertThat(((FrameTooLargeException) error).frameLength()).isEqualTo(limit + 1L);
                    assertThat(((FrameTooLargeException) error).maxFrameLength()).isEqualTo(limit);
                })
                .verify(timeout());

        serverReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
        assertThat(ends.client().isDisposed()).isTrue();
    }

    @Test
    @DisplayName("a frame of a type reserved for transports is refused and closes the connection")
    void aReservedFrameTypeIsRefused() {
        Ends ends = connectBothEnds();
        StepVerifier serverReceive = StepVerifier.create(ends.server().receive())
                .expectError(TransportException.class)
                .verifyLater();

        StepVerifier.create(ends.client().send(Mono.just(Frame.empty(Frame.FIRST_RESERVED_TYPE))))
                .expectError(IllegalArgumentException.class)
                .verify(timeout());

        serverReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
    }

    // ------------------------------------------------------------------ backpressure

    @Test
    @DisplayName("request(1) holds the sender back: it is asked for no more than the receiver's demand plus the prefetch")
    void requestOneHoldsTheSenderBack() {
        Ends ends = connectBothEnds();
        AtomicLong requested = new AtomicLong();
        Disposable sending = ends.client()
                .send(endless(requested, backpressureLength(ends.client())))
                .subscribe(null, error -> { });
        try {
            StepVerifier.create(ends.server().receive().map(TransportTck::sequence), 0)
                    .expectSubscription()
                    .thenRequest(1)
                    .expectNext(0)
                    .expectNoEvent(quietPeriod())
                    .then(() -> assertThat(requested.get())
                            .as("frames requested from the sender after the receiver requested 1")
                            .isLessThanOrEqualTo(1 + senderPrefetch()))
                    .thenRequest(2)
                    .expectNext(1, 2)
                    .expectNoEvent(quietPeriod())
                    .then(() -> assertThat(requested.get())
                            .as("frames requested from the sender after the receiver requested 3")
                            .isLessThanOrEqualTo(3 + senderPrefetch()))
                    .thenCancel()
                    .verify(timeout());
        } finally {
            sending.dispose();
        }
    }

    @Test
    @DisplayName("a receiver that never requests keeps the sender's outstanding frames within the prefetch")
    void aReceiverThatNeverRequestsBoundsTheSender() {
        Ends ends = connectBothEnds();
        AtomicLong requested = new AtomicLong();
        NeverRequesting receiver = new NeverRequesting();
        ends.server().receive().subscribe(receiver);

        StepVerifier.create(ends.client().send(endless(requested, backpressureLength(ends.client()))))
                .expectSubscription()
                .expectNoEvent(quietPeriod())
                .thenCancel()
                .verify(timeout());

        assertThat(requested.get())
                .as("frames requested from the sender while the receiver requested none")
                .isLessThanOrEqualTo(senderPrefetch());
        assertThat(receiver.received).as("frames delivered without demand").hasValue(0);
        receiver.dispose();
    }

    @Test
    @DisplayName("a receiver that never subscribes keeps the sender's outstanding frames within the prefetch")
    void aReceiverThatNeverSubscribesBoundsTheSender() {
        DuplexConnection client = connectBothEnds().client();
        AtomicLong requested = new AtomicLong();

        StepVerifier.create(client.send(endless(requested, backpressureLength(client))))
                .expectSubscription()
                .expectNoEvent(quietPeriod())
                .thenCancel()
                .verify(timeout());

        assertThat(requested.get())
                .as("frames requested from the sender while nobody received")
                .isLessThanOrEqualTo(senderPrefetch());
    }

    /** A receive() subscriber that requests nothing and counts what it gets anyway. */
    private static final class NeverRequesting extends BaseSubscriber<Frame> {
        final AtomicLong received = new AtomicLong();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // Deliberately no request.
        }

        @Override
        protected void hookOnNext(Frame frame) {
            received.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ one receiver

    @Test
    @DisplayName("a second receive() subscriber is refused and the connection carries on")
    void aSecondReceiveSubscriberIsRefused() {
        Ends ends = connectBothEnds();
        StepVerifier first = StepVerifier.create(ends.client().receive())
                .expectNext(frame(1))
                .thenCancel()
                .verifyLater();

        StepVerifier.create(ends.client().receive())
                .expectError(IllegalStateException.class)
                .verify(timeout());

        assertThat(ends.client().isDisposed()).isFalse();
        fireAndForget(ends.server().send(Mono.just(frame(1))));
        first.verify(timeout());
    }

    // ------------------------------------------------------------------ closing

    @Test
    @DisplayName("cancelling receive() closes the connection on both sides")
    void cancellingReceiveClosesBothSides() {
        Ends ends = connectBothEnds();
        StepVerifier serverReceive = StepVerifier.create(ends.server().receive()).expectComplete().verifyLater();

        StepVerifier.create(ends.client().receive()).expectSubscription().thenCancel().verify(timeout());

        serverReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
        assertThat(ends.client().isDisposed()).isTrue();
        assertThat(ends.server().isDisposed()).isTrue();
    }

    @Test
    @DisplayName("dispose() closes both sides cleanly: both receives complete and both onClose() complete")
    void disposeClosesBothSides() {
        Ends ends = connectBothEnds();
        StepVerifier clientReceive = StepVerifier.create(ends.client().receive()).expectComplete().verifyLater();
        StepVerifier serverReceive = StepVerifier.create(ends.server().receive()).expectComplete().verifyLater();

        ends.client().dispose();

        clientReceive.verify(timeout());
        serverReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
        assertThat(ends.client().isDisposed()).isTrue();
        assertThat(ends.server().isDisposed()).isTrue();
    }

    @Test
    @DisplayName("dispose() on the server's end reaches the client")
    void disposeOnTheServerEndReachesTheClient() {
        Ends ends = connectBothEnds();
        StepVerifier clientReceive = StepVerifier.create(ends.client().receive()).expectComplete().verifyLater();

        ends.server().dispose();

        clientReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
    }

    @Test
    @DisplayName("dispose() is idempotent")
    void disposeIsIdempotent() {
        Ends ends = connectBothEnds();

        ends.client().dispose();
        ends.client().dispose();
        ends.server().dispose();
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
        ends.client().dispose();

        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
        assertThat(ends.client().isDisposed()).isTrue();
        assertThat(ends.server().isDisposed()).isTrue();
    }

    @Test
    @DisplayName("the first receive() after a clean close completes at once")
    void receiveAfterACleanCloseCompletes() {
        Ends ends = connectBothEnds();
        ends.client().dispose();
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());

        StepVerifier.create(ends.server().receive()).expectComplete().verify(timeout());
        StepVerifier.create(ends.client().receive()).expectComplete().verify(timeout());
    }

    @Test
    @DisplayName("send() on a closed connection fails with ConnectionClosedException")
    void sendOnAClosedConnectionFails() {
        DuplexConnection client = connect();
        client.dispose();
        StepVerifier.create(client.onClose()).expectComplete().verify(timeout());

        StepVerifier.create(client.send(Mono.just(frame(1))))
                .expectError(ConnectionClosedException.class)
                .verify(timeout());
    }

    @Test
    @DisplayName("a send in progress fails with ConnectionClosedException when the peer closes, and its publisher is cancelled")
    void aSendInProgressFailsWhenThePeerCloses() {
        Ends ends = connectBothEnds();
        Sinks.Empty<Void> cancelled = Sinks.empty();
        ends.server().receive().subscribe(null, error -> { });
        StepVerifier sending = StepVerifier
                .create(ends.client().send(Flux.<Frame>never().doOnCancel(cancelled::tryEmitEmpty)))
                .expectError(ConnectionClosedException.class)
                .verifyLater();

        ends.server().dispose();

        sending.verify(timeout());
        StepVerifier.create(cancelled.asMono()).expectComplete().verify(timeout());
    }

    // ------------------------------------------------------------------ errors

    @Test
    @DisplayName("an error in the client's outbound publisher surfaces on the server as a RemoteTransportException, after the frames before it")
    void anErrorOnTheClientSurfacesOnTheServer() {
        Ends ends = connectBothEnds();
        IllegalStateException boom = new IllegalStateException("client boom");
        StepVerifier serverReceive = StepVerifier.create(ends.server().receive().map(TransportTck::sequence))
                .expectNext(1, 2, 3)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(RemoteTransportException.class)
                            .hasMessageContaining("client boom");
                    assertThat(((RemoteTransportException) error).errorCode()).isEqualTo(ErrorFrames.APPLICATION_ERROR);
                })
                .verifyLater();
        StepVerifier clientReceive = StepVerifier.create(ends.client().receive())
                .expectError(ConnectionClosedException.class)
                .verifyLater();

        StepVerifier.create(ends.client().send(Flux.range(1, 3).map(TransportTck::frame).concatWith(Mono.error(boom))))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("client boom"))
                .verify(timeout());

        serverReceive.verify(timeout());
        clientReceive.verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
    }

    @Test
    @DisplayName("an error in the server's outbound publisher surfaces on the client as a RemoteTransportException")
    void anErrorOnTheServerSurfacesOnTheClient() {
        serverHandler(connection -> connection.send(
                Mono.just(frame(9)).concatWith(Mono.error(new IllegalStateException("server boom")))));
        DuplexConnection client = connect();

        StepVerifier.create(client.receive())
                .expectNext(frame(9))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(RemoteTransportException.class)
                        .hasMessageContaining("server boom"))
                .verify(timeout());
        StepVerifier.create(client.onClose()).expectComplete().verify(timeout());
    }

    @Test
    @DisplayName("an acceptor that fails closes the connection and the client learns why")
    void aFailingAcceptorClosesTheConnection() {
        serverHandler(connection -> Mono.error(new IllegalStateException("acceptor says no")));
        DuplexConnection client = connect();

        StepVerifier.create(client.receive())
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(RemoteTransportException.class)
                        .hasMessageContaining("acceptor says no"))
                .verify(timeout());
        StepVerifier.create(client.onClose()).expectComplete().verify(timeout());
    }

    // ------------------------------------------------------------------ sends

    @Test
    @DisplayName("concurrent sends are serialized in subscription order, never interleaved")
    void concurrentSendsAreSerialized() {
        Ends ends = connectBothEnds();
        StepVerifier received = StepVerifier.create(firstFrames(ends.server(), 300).map(TransportTck::sequences))
                .expectNext(range(0, 300))
                .expectComplete()
                .verifyLater();

        StepVerifier first = StepVerifier.create(ends.client().send(Flux.range(0, 100).map(TransportTck::frame)))
                .expectComplete()
                .verifyLater();
        StepVerifier second = StepVerifier.create(ends.client().send(Flux.range(100, 100).map(TransportTck::frame)))
                .expectComplete()
                .verifyLater();
        StepVerifier third = StepVerifier.create(ends.client().send(Flux.range(200, 100).map(TransportTck::frame)))
                .expectComplete()
                .verifyLater();

        first.verify(timeout());
        second.verify(timeout());
        third.verify(timeout());
        received.verify(timeout());
    }

    @Test
    @DisplayName("a publisher that emits its last frames and completes on another thread loses none of them")
    void framesEmittedJustBeforeCompletingOnAnotherThreadAreAllSent() {
        // A transport that drains a send's frames on its own thread must not take "completed" for
        // "nothing left": the publisher's thread may queue a frame after the drain looked and then
        // complete before the drain checks for completion. Many short sends make that window likely.
        Ends ends = connectBothEnds();
        int sends = 1500;
        int total = 0;
        List<Integer> expected = new ArrayList<>();
        List<Flux<Frame>> publishers = new ArrayList<>();
        for (int i = 0; i < sends; i++) {
            int count = 1 + i % 3;
            publishers.add(Flux.range(total, count).map(TransportTck::frame).publishOn(Schedulers.parallel()));
            expected.addAll(range(total, count));
            total += count;
        }
        StepVerifier received = StepVerifier.create(firstFrames(ends.server(), total).map(TransportTck::sequences))
                .expectNext(expected)
                .expectComplete()
                .verifyLater();
        for (Flux<Frame> frames : publishers) {
            StepVerifier.create(ends.client().send(frames)).expectComplete().verify(timeout());
        }
        received.verify(timeout());
    }

    @Test
    @DisplayName("cancelling a send cancels its publisher and leaves the connection open for the next send")
    void cancellingASendLeavesTheConnectionOpen() {
        Ends ends = connectBothEnds();
        Sinks.Empty<Void> cancelled = Sinks.empty();
        StepVerifier received = StepVerifier.create(firstFrames(ends.server(), 1))
                .expectNext(List.of(frame(5)))
                .expectComplete()
                .verifyLater();

        Disposable stuck = ends.client().send(Flux.<Frame>never().doOnCancel(cancelled::tryEmitEmpty)).subscribe();
        stuck.dispose();

        StepVerifier.create(cancelled.asMono()).expectComplete().verify(timeout());
        assertThat(ends.client().isDisposed()).isFalse();
        StepVerifier.create(ends.client().send(Mono.just(frame(5)))).expectComplete().verify(timeout());
        received.verify(timeout());
    }

    @Test
    @DisplayName("send() completes once every frame was written")
    void sendCompletesOnceWritten() {
        Ends ends = connectBothEnds();
        StepVerifier received = StepVerifier.create(firstFrames(ends.server(), 3).map(TransportTck::sequences))
                .expectNext(List.of(1, 2, 3))
                .expectComplete()
                .verifyLater();

        StepVerifier.create(ends.client().send(Flux.range(1, 3).map(TransportTck::frame)))
                .expectComplete()
                .verify(timeout());
        received.verify(timeout());
        assertThat(ends.client().isDisposed()).as("the connection outlives a completed send").isFalse();
    }

    // ------------------------------------------------------------------ many connections

    @Test
    @DisplayName("100 concurrent connections each echo their own frames, in order")
    void aHundredConcurrentConnectionsEcho() {
        echoServer();
        int connections = 100;
        int frames = 100;
        ClientTransport transport = clientTransport(server);

        Flux<Integer> checked = Flux.range(0, connections)
                .flatMap(c -> transport.connect()
                        .flatMap(connection -> {
                            opened.add(connection);
                            List<Integer> expected = range(c * frames, frames);
                            Mono<List<Integer>> echoes = firstFrames(connection, frames).map(TransportTck::sequences);
                            Mono<Void> sent = connection.send(Flux.fromIterable(expected).map(TransportTck::frame));
                            return Mono.zip(echoes, sent.thenReturn(true))
                                    .map(both -> {
                                        assertThat(both.getT1()).as("echoes on connection %d", c).isEqualTo(expected);
                                        return c;
                                    })
                                    .doFinally(signal -> connection.dispose());
                        })
                        .subscribeOn(Schedulers.parallel()), connections);

        StepVerifier.create(checked.collectList())
                .assertNext(done -> assertThat(done).containsExactlyInAnyOrderElementsOf(range(0, connections)))
                .expectComplete()
                .verify(timeout());
    }

    // ------------------------------------------------------------------ the server

    @Test
    @DisplayName("disposing the server closes the connections it accepted")
    void disposingTheServerClosesItsConnections() {
        Ends ends = connectBothEnds();
        StepVerifier clientReceive = StepVerifier.create(ends.client().receive()).expectComplete().verifyLater();

        server.dispose();

        StepVerifier.create(server.onClose()).expectComplete().verify(timeout());
        clientReceive.verify(timeout());
        StepVerifier.create(ends.server().onClose()).expectComplete().verify(timeout());
        StepVerifier.create(ends.client().onClose()).expectComplete().verify(timeout());
    }

    @Test
    @DisplayName("a disposed server releases its address: connecting fails with ConnectionRefusedException")
    void aDisposedServerRefusesConnections() {
        ClientTransport transport = clientTransport(server);
        server.dispose();
        StepVerifier.create(server.onClose()).expectComplete().verify(timeout());
        server.dispose();

        StepVerifier.create(transport.connect())
                .expectError(ConnectionRefusedException.class)
                .verify(timeout());
        assertThat(server.isDisposed()).isTrue();
    }
}
