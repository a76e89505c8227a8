package dev.blazedb.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.BlazeException;
import dev.blazedb.BlazeTransientException;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.TransportException;
import dev.blazedb.transport.TransportNotFoundException;
import dev.blazedb.transport.TransportProvider;
import dev.blazedb.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The SPI's own classes ({@link Frame}, {@link ErrorFrames}, {@link Transports}), tested here
 * where a provider is on the class path.
 */
class TransportSpiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    // ------------------------------------------------------------------ Frame

    @Test
    @DisplayName("wrap() takes the array without copying; the payload view is read-only")
    void wrapDoesNotCopy() {
        byte[] bytes = {1, 2, 3, 4, 5};
        Frame frame = Frame.wrap(7, bytes, 1, 3);

        assertThat(frame.type()).isEqualTo(7);
        assertThat(frame.length()).isEqualTo(3);
        assertThat(frame.toByteArray()).containsExactly(2, 3, 4);
        assertThat(frame.byteAt(0)).isEqualTo((byte) 2);
        ByteBuffer view = frame.payload();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(3);
        assertThatThrownBy(() -> view.put(0, (byte) 9)).isInstanceOf(ReadOnlyBufferException.class);
        // Ownership passed: a (forbidden) change to the array shows, proving nothing was copied.
        bytes[2] = 42;
        assertThat(frame.byteAt(1)).isEqualTo((byte) 42);
    }

    @Test
    @DisplayName("copyOf() copies, so the caller may reuse its array or buffer")
    void copyOfCopies() {
        byte[] bytes = {1, 2, 3};
        Frame fromArray = Frame.copyOf(1, bytes);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 8, 7});
        buffer.get();
        Frame fromBuffer = Frame.copyOf(1, buffer);
        bytes[0] = 99;
        buffer.put(1, (byte) 99);

        assertThat(fromArray.toByteArray()).containsExactly(1, 2, 3);
        assertThat(fromBuffer.toByteArray()).containsExactly(8, 7);
        assertThat(buffer.position()).as("the buffer's position is left alone").isEqualTo(1);
    }

    @Test
    @DisplayName("frames are equal by type and content, and types outside 0..255 are refused")
    void frameEqualityAndTypes() {
        assertThat(Frame.wrap(1, new byte[] {0, 1, 2, 3}, 1, 2)).isEqualTo(Frame.copyOf(1, new byte[] {1, 2}))
                .hasSameHashCodeAs(Frame.copyOf(1, new byte[] {1, 2}));
        assertThat(Frame.empty(1)).isNotEqualTo(Frame.empty(2));
        assertThat(Frame.empty(1).length()).isZero();
        assertThat(Frame.empty(Frame.MAX_APPLICATION_TYPE).isReserved()).isFalse();
        assertThat(Frame.empty(Frame.FIRST_RESERVED_TYPE).isReserved()).isTrue();
        assertThatThrownBy(() -> Frame.empty(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frame.empty(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frame.wrap(1, new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(Frame.empty(3)).hasToString("Frame[type=3, length=0]");
    }

    // ------------------------------------------------------------------ errors

    @Test
    @DisplayName("transport failures are transient BlazeExceptions; a missing transport is not transient")
    void exceptionHierarchy() {
        assertThat(new FrameTooLargeException(11, 10)).isInstanceOf(TransportException.class)
                .isInstanceOf(BlazeTransientException.class)
                .hasMessage("frame of 11 bytes exceeds the maximum frame length of 10 bytes");
        assertThat(new TransportNotFoundException("x", "missing")).isInstanceOf(BlazeException.class)
                .isNotInstanceOf(BlazeTransientException.class);
    }

    @Test
    @DisplayName("an error frame carries the failure's code and message across, and back")
    void errorFramesRoundTrip() {
        Frame frame = ErrorFrames.encode(new IllegalStateException("disk on fire"));
        assertThat(frame.type()).isEqualTo(ErrorFrames.TYPE);
        assertThat(frame.isReserved()).isTrue();

        RemoteTransportException decoded = ErrorFrames.decode(frame);
        assertThat(decoded.errorCode()).isEqualTo(ErrorFrames.APPLICATION_ERROR);
        assertThat(decoded.remoteMessage()).isEqualTo("IllegalStateException: disk on fire");
        assertThat(decoded).hasMessage("peer closed the connection with APPLICATION_ERROR: IllegalStateException: disk on fire");

        RemoteTransportException tooLarge = ErrorFrames.decode(ErrorFrames.encode(new FrameTooLargeException(5, 4)));
        assertThat(tooLarge.errorCode()).isEqualTo(ErrorFrames.FRAME_TOO_LARGE);

        RemoteTransportException relayed = ErrorFrames.toRemote(decoded);
        assertThat(relayed.errorCode()).isEqualTo(ErrorFrames.APPLICATION_ERROR);
        assertThat(relayed.remoteMessage()).isEqualTo(decoded.remoteMessage());
        assertThat(relayed).hasCause(decoded);
    }

    @Test
    @DisplayName("error frames stay small, and malformed ones decode to a protocol error")
    void errorFramesAreBoundedAndRobust() {
        Frame long1 = ErrorFrames.encode(ErrorFrames.INTERNAL_ERROR, "\uD83D\uDD25".repeat(5_000));
        assertThat(long1.length()).isLessThanOrEqualTo(4 + ErrorFrames.MAX_MESSAGE_LENGTH);
        assertThat(ErrorFrames.decode(long1).remoteMessage()).doesNotContain("\uFFFD");

        RemoteTransportException malformed = ErrorFrames.decode(Frame.wrap(ErrorFrames.TYPE, new byte[] {1, 2}));
        assertThat(malformed.errorCode()).isEqualTo(ErrorFrames.PROTOCOL_ERROR);
        assertThat(ErrorFrames.decode(Frame.wrap(ErrorFrames.TYPE, new byte[] {0, 0, 0, 42})).getMessage())
                .isEqualTo("peer closed the connection with error 0x2a");
        assertThatThrownBy(() -> ErrorFrames.decode(Frame.empty(1))).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ lookup

    @Test
    @DisplayName("the memory transport is found by name through ServiceLoader and works")
    void theMemoryProviderIsFound() {
        TransportProvider provider = Transports.provider("memory");
        assertThat(provider).isInstanceOf(MemoryTransportProvider.class);
        assertThat(Transports.find("memory")).get().isInstanceOf(MemoryTransportProvider.class);
        assertThat(Transports.available()).extracting(TransportProvider::name).contains("memory");

        BoundServer server = provider.serverTransport("spi-lookup", Map.of(TransportProvider.MAX_FRAME_LENGTH, 64))
                .bind(connection -> connection.send(connection.receive()))
                .block(TIMEOUT);
        try {
            DuplexConnection client = Transports.clientTransport("memory", "spi-lookup", Map.of()).connect().block(TIMEOUT);
            assertThat(client.maxFrameLength()).isEqualTo(64);
            StepVerifier.create(client.receive())
                    .then(() -> client.send(Mono.just(Frame.empty(1))).subscribe(null, error -> { }))
                    .expectNext(Frame.empty(1))
                    .thenCancel()
                    .verify(TIMEOUT);
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }

    @Test
    @DisplayName("a missing project transport names the Maven artifact to add")
    void aMissingTransportNamesItsArtifact() {
        assertThatThrownBy(() -> Transports.provider("tcp"))
                .isInstanceOf(TransportNotFoundException.class)
                .isInstanceOf(BlazeException.class)
                .hasMessageContaining("dev.blazedb:blaze-transport-tcp")
                .hasMessageContaining("available: memory");
        assertThat(Transports.find("uds")).isEmpty();
        assertThat(Transports.artifactFor("uds")).contains("dev.blazedb:blaze-transport-uds");
    }

    @Test
    @DisplayName("an unknown transport name says how transports register")
    void anUnknownTransportSaysHowToRegister() {
        assertThatThrownBy(() -> Transports.provider("carrier-pigeon"))
                .isInstanceOf(TransportNotFoundException.class)
                .hasMessageContaining("carrier-pigeon")
                .hasMessageContaining("META-INF/services")
                .satisfies(error -> assertThat(((TransportNotFoundException) error).transportName()).isEqualTo("carrier-pigeon"));
    }

    @Test
    @DisplayName("the memory provider rejects unknown options and bad values")
    void theMemoryProviderChecksOptions() {
        MemoryTransportProvider provider = new MemoryTransportProvider();
        assertThatThrownBy(() -> provider.clientTransport("x", Map.of("maxFrameLenght", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameLenght");
        assertThatThrownBy(() -> provider.clientTransport("x", Map.of(TransportProvider.MAX_FRAME_LENGTH, "big")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.clientTransport("x", Map.of(TransportProvider.MAX_FRAME_LENGTH, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(((MemoryClientTransport) provider.clientTransport("x", Map.of(TransportProvider.MAX_FRAME_LENGTH, "1024")))
                .maxFrameLength()).isEqualTo(1024);
        assertThatThrownBy(() -> provider.serverTransport("", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ names

    @Test
    @DisplayName("connecting to an unknown name fails with a ConnectionRefusedException naming it")
    void anUnknownNameIsRefused() {
        StepVerifier.create(MemoryClientTransport.create("nobody-here").connect())
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(ConnectionRefusedException.class)
                        .hasMessageContaining("'nobody-here'"))
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a name is bound once at a time, and released on dispose")
    void namesAreReleasedOnDispose() {
        MemoryServerTransport transport = MemoryServerTransport.create("reused");
        BoundServer first = transport.bind(connection -> Mono.empty()).block(TIMEOUT);
        assertThat(first.address()).isEqualTo(new MemoryAddress("reused")).hasToString("memory:reused");

        StepVerifier.create(transport.bind(connection -> Mono.empty()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("already bound"))
                .verify(TIMEOUT);

        first.disposeNow(TIMEOUT);
        BoundServer second = transport.bind(connection -> Mono.empty()).block(TIMEOUT);
        first.dispose();
        StepVerifier.create(MemoryClientTransport.create("reused").connect())
                .assertNext(connection -> assertThat(connection.remoteAddress()).isEqualTo(new MemoryAddress("reused")))
                .expectComplete()
                .verify(TIMEOUT);
        second.disposeNow(TIMEOUT);
    }
}
