package dev.blazedb.transport.uds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.TransportException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What a listener makes of a raw peer that writes half a frame and closes at once. */
class UdsRawPeerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void halfAFrameThenCloseIsReportedAsSuch(UdsTransportMode mode) throws Exception {
        Path socket = dir.resolve("raw.sock");
        BlockingQueue<DuplexConnection> accepted = new LinkedBlockingQueue<>();
        BoundServer server = UdsServerTransport.create(socket).mode(mode)
                .bind(connection -> {
                    accepted.add(connection);
                    return Mono.empty();
                }).block(TIMEOUT);
        try {
            try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                raw.connect(UnixDomainSocketAddress.of(socket));
                raw.write(ByteBuffer.allocate(45).putInt(100).put((byte) 1).clear());
            }
            DuplexConnection end = accepted.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(end).isNotNull();
            StepVerifier.create(end.receive())
                    .expectErrorSatisfies(error -> assertThat(error)
                            .isInstanceOf(TransportException.class)
                            .hasMessageContaining("in the middle of a frame"))
                    .verify(TIMEOUT);
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }
}
