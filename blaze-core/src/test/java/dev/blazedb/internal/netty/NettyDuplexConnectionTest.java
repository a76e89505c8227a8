package dev.blazedb.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import dev.blazedb.transport.ProtocolViolationException;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.TransportException;
import io.netty.channel.ChannelOption;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.test.StepVerifier;

/**
 * The shared framing over a real socket (TCP on loopback, port 0): the clean-close goodbye, the
 * size limit checked from the header, and what a raw peer that breaks the protocol gets back. The
 * full contract runs in each socket transport's {@code TransportTck} subclass.
 */
class NettyDuplexConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int LIMIT = 1024;

    private final BlockingQueue<NettyDuplexConnection> accepted = new LinkedBlockingQueue<>();
    private DisposableServer server;

    @BeforeEach
    void bind() {
        server = TcpServer.create()
                .host("127.0.0.1")
                .port(0)
                .childOption(ChannelOption.AUTO_READ, false)
                .handle((in, out) -> Mono.<Void>create(sink -> in.withConnection(connection -> {
                    NettyDuplexConnection duplex = new NettyDuplexConnection(connection, LIMIT, null);
                    accepted.add(duplex);
                    duplex.onClose().subscribe(null, null, sink::success);
                })))
                .bindNow(TIMEOUT);
    }

    @AfterEach
    void unbind() {
        accepted.forEach(DuplexConnection::dispose);
        server.disposeNow(TIMEOUT);
    }

    private NettyDuplexConnection client() {
        Connection connection = TcpClient.newConnection().remoteAddress(server::address)
                .option(ChannelOption.AUTO_READ, false).connectNow(TIMEOUT);
        return new NettyDuplexConnection(connection, LIMIT, null);
    }

    private NettyDuplexConnection serverEnd() throws InterruptedException {
        NettyDuplexConnection end = accepted.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(end).as("accepted connection").isNotNull();
        return end;
    }

    private Socket raw() throws IOException {
        InetSocketAddress address = (InetSocketAddress) server.address();
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return socket;
    }

    private static byte[] header(long length, int type) {
        return ByteBuffer.allocate(NettyDuplexConnection.HEADER_LENGTH).putInt((int) length).put((byte) type).array();
    }

    /** Reads one frame a raw peer received: type and payload. */
    private static Frame readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        int type = in.readUnsignedByte();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return Frame.wrap(type, payload);
    }

    @Test
    void framesCrossAndADisposeCompletesBothReceives() throws Exception {
        NettyDuplexConnection client = client();
        NettyDuplexConnection serverEnd = serverEnd();
        StepVerifier serverReceive = StepVerifier.create(serverEnd.receive().map(Frame::toByteArray))
                .expectNextMatches(b -> new String(b, StandardCharsets.UTF_8).equals("hello"))
                .expectNextMatches(b -> b.length == LIMIT)
                .expectComplete()
                .verifyLater();
        StepVerifier clientReceive = StepVerifier.create(client.receive()).expectComplete().verifyLater();

        StepVerifier.create(client.send(Flux.just(Frame.wrap(1, "hello".getBytes(StandardCharsets.UTF_8)),
                Frame.wrap(2, new byte[LIMIT])))).expectComplete().verify(TIMEOUT);
        client.dispose();

        serverReceive.verify(TIMEOUT);
        clientReceive.verify(TIMEOUT);
        StepVerifier.create(serverEnd.onClose()).expectComplete().verify(TIMEOUT);
        assertThat(serverEnd.isDisposed()).isTrue();
    }

    @Test
    void aHostileLengthIsRefusedFromTheHeaderAndThePeerIsTold() throws Exception {
        try (Socket socket = raw()) {
            NettyDuplexConnection serverEnd = serverEnd();
            StepVerifier receive = StepVerifier.create(serverEnd.receive())
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(FrameTooLargeException.class);
                        assertThat(((FrameTooLargeException) error).frameLength()).isEqualTo(0xFFFF_FFFFL);
                    })
                    .verifyLater();
            OutputStream out = socket.getOutputStream();
            // Only the header: the body never comes, and the listener must not wait for it.
            out.write(header(0xFFFF_FFFFL, 1));
            out.flush();

            receive.verify(TIMEOUT);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            RemoteTransportException told = ErrorFrames.decode(readFrame(in));
            assertThat(told.errorCode()).isEqualTo(ErrorFrames.FRAME_TOO_LARGE);
            assertThat(in.read()).as("end of stream after the error frame").isEqualTo(-1);
        }
    }

    @Test
    void halfAFrameThenCloseFailsTheReceiveWithAClearReason() throws Exception {
        NettyDuplexConnection serverEnd;
        try (Socket socket = raw()) {
            serverEnd = serverEnd();
            OutputStream out = socket.getOutputStream();
            out.write(header(100, 1));
            out.write(new byte[40]);
            out.flush();
        }
        StepVerifier.create(serverEnd.receive())
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("in the middle of a frame"))
                .verify(TIMEOUT);
    }

    @Test
    void endOfStreamWithoutAGoodbyeIsAFailureNotACleanClose() throws Exception {
        NettyDuplexConnection serverEnd;
        try (Socket socket = raw()) {
            serverEnd = serverEnd();
            OutputStream out = socket.getOutputStream();
            out.write(header(3, 7));
            out.write(new byte[] {1, 2, 3});
            out.flush();
        }
        StepVerifier.create(serverEnd.receive())
                .expectNext(Frame.wrap(7, new byte[] {1, 2, 3}))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("without a goodbye"))
                .verify(TIMEOUT);
    }

    @Test
    void anUnknownReservedTypeIsAProtocolError() throws Exception {
        try (Socket socket = raw()) {
            NettyDuplexConnection serverEnd = serverEnd();
            socket.getOutputStream().write(header(0, 0xF3));
            socket.getOutputStream().flush();
            StepVerifier.create(serverEnd.receive())
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ProtocolViolationException.class)
                            .hasMessageContaining("reserved type 0xf3"))
                    .verify(TIMEOUT);
            RemoteTransportException told = ErrorFrames.decode(readFrame(new DataInputStream(socket.getInputStream())));
            assertThat(told.errorCode()).isEqualTo(ErrorFrames.PROTOCOL_ERROR);
        }
    }

    @Test
    void aCleanCloseSendsAGoodbyeFrame() throws Exception {
        try (Socket socket = raw()) {
            NettyDuplexConnection serverEnd = serverEnd();
            serverEnd.dispose();
            serverEnd.dispose();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Frame goodbye = readFrame(in);
            assertThat(goodbye.type()).isEqualTo(NettyDuplexConnection.GOODBYE_TYPE);
            assertThat(goodbye.length()).isZero();
            try {
                in.readByte();
                throw new AssertionError("expected end of stream after the goodbye");
            } catch (EOFException expected) {
                // the connection closed after the goodbye
            }
            StepVerifier.create(serverEnd.onClose()).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void theReceiverHoldsBackReadingWhenItDoesNotRequest() throws Exception {
        NettyDuplexConnection client = client();
        NettyDuplexConnection serverEnd = serverEnd();
        java.util.concurrent.atomic.AtomicLong asked = new java.util.concurrent.atomic.AtomicLong();
        Flux<Frame> endless = Flux.<Frame>generate(sink -> sink.next(Frame.wrap(1, new byte[LIMIT])))
                .doOnRequest(n -> asked.addAndGet(n));
        StepVerifier.create(client.send(endless))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(300))
                .thenCancel()
                .verify(TIMEOUT);
        // Nobody subscribed to the server's receive: what the sender was asked for is bounded by
        // the receiver's prefetch, the socket buffers and one batch, not endless.
        assertThat(asked.get()).isLessThan(10_000);
        StepVerifier.create(serverEnd.receive().take(5).count()).expectNext(5L).verifyComplete();
    }
}
