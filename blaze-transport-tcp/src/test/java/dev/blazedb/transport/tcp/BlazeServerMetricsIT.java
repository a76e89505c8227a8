package dev.blazedb.transport.tcp;

import static dev.blazedb.transport.tcp.Dbs.TIMEOUT;
import static dev.blazedb.transport.tcp.Dbs.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.transport.LimitExceededException;
import dev.blazedb.transport.SecureSession;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * BlazeServer's {@code blaze.transport.*} meters over real loopback sockets: a good client, a
 * wrong token, a client over the connection limit and hostile raw sockets each move their meter.
 */
class BlazeServerMetricsIT {

    private static final String TOKEN = "metrics-token";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final BlazeDBClient serverDb = BlazeDBClient.inMemory("ServerDB");

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        serverDb.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private BlazeServer start(BlazeServer.Builder builder) {
        BlazeServer server = closeLater(builder.host("127.0.0.1").localDB(serverDb)
                .authToken(TOKEN).meterRegistry(registry).build());
        server.start().block(TIMEOUT);
        return server;
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private double refused(String reason) {
        return registry.get(MicrometerServerMetrics.REFUSED).tag("reason", reason).counter().count();
    }

    private double active() {
        return registry.get(MicrometerServerMetrics.ACTIVE).gauge().value();
    }

    private SyncConnection connect(BlazeServer server, BlazeDBClient clientDb, BlazeTopology topology, String token) {
        NodeId me = topology.register(clientDb, clientDb.name(), SyncRole.CLIENT).block(TIMEOUT);
        return topology.connectRemote(me, remote(server, token), new SyncPolicy()).block(TIMEOUT);
    }

    private static RemoteNode remote(BlazeServer server, String token) {
        return RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(token)
                .pinnedFingerprint(server.tlsFingerprint()).build();
    }

    @Test
    @DisplayName("a good client, a wrong token and a client over the limit each move the right meter (TLS)")
    void clientsMoveTheirMeters() {
        BlazeServer server = start(BlazeServer.builder().maxConnections(2));
        assertThat(active()).isZero();

        // A good client: accepted, active, one handshake, bytes and frames both ways.
        BlazeDBClient good = closeLater(BlazeDBClient.inMemory("Good"));
        BlazeTopology goodTopology = closeLater(new BlazeTopology());
        connect(server, good, goodTopology, TOKEN);
        UUID fromClient = Dbs.insert(good, "from the client");
        UUID fromServer = Dbs.insert(serverDb, "from the server");
        await("both records cross", () -> serverDb.fetch(fromClient).isPresent() && good.fetch(fromServer).isPresent());
        await("one accepted, one active, one handshake", () -> counter(MicrometerServerMetrics.ACCEPTED) == 1
                && active() == 1 && registry.get(MicrometerServerMetrics.HANDSHAKE).timer().count() == 1);
        assertThat(registry.get(MicrometerServerMetrics.HANDSHAKE).timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(counter(MicrometerServerMetrics.BYTES_IN)).isPositive();
        assertThat(counter(MicrometerServerMetrics.BYTES_OUT)).isPositive();
        // Two handshake frames each way at least, then sync.
        assertThat(counter(MicrometerServerMetrics.FRAMES_IN)).isGreaterThan(2);
        assertThat(counter(MicrometerServerMetrics.FRAMES_OUT)).isGreaterThan(2);
        assertThat(registry.get(MicrometerServerMetrics.REFUSED).counters()).allSatisfy(c -> assertThat(c.count()).isZero());

        // A wrong token: accepted, then refused as bad_token; the active count goes back.
        try (BlazeDBClient wrong = BlazeDBClient.inMemory("Wrong"); BlazeTopology t = new BlazeTopology()) {
            NodeId me = t.register(wrong, "Wrong", SyncRole.CLIENT).block(TIMEOUT);
            StepVerifier.create(t.connectRemote(me, remote(server, "not-the-token"), new SyncPolicy()))
                    .expectError(InvalidTokenException.class)
                    .verify(TIMEOUT);
        }
        await("bad_token counted, the wrong client no longer active", () -> refused("bad_token") == 1 && active() == 1);
        assertThat(counter(MicrometerServerMetrics.ACCEPTED)).isEqualTo(2);
        assertThat(registry.get(MicrometerServerMetrics.HANDSHAKE).timer().count()).isEqualTo(1);

        // A second good client fills the limit; a third is refused as max_connections.
        BlazeDBClient second = closeLater(BlazeDBClient.inMemory("Second"));
        connect(server, second, closeLater(new BlazeTopology()), TOKEN);
        await("two active", () -> active() == 2);
        try (BlazeDBClient late = BlazeDBClient.inMemory("Late"); BlazeTopology t = new BlazeTopology()) {
            NodeId me = t.register(late, "Late", SyncRole.CLIENT).block(TIMEOUT);
            StepVerifier.create(t.connectRemote(me, remote(server, TOKEN), new SyncPolicy()))
                    .expectError(LimitExceededException.class)
                    .verify(TIMEOUT);
        }
        await("max_connections counted", () -> refused("max_connections") == 1);
        assertThat(counter(MicrometerServerMetrics.ACCEPTED)).isEqualTo(3);
        assertThat(active()).isEqualTo(2);
        assertThat(refused("bad_token")).isEqualTo(1);
        assertThat(refused("tls_handshake")).isZero();
    }

    @Test
    @DisplayName("hostile raw sockets: frame too large, malformed, handshake timeout, and garbage against TLS")
    void hostileSocketsMoveTheirMeters() throws Exception {
        // The silent client waits out the whole timeout; the others must be read before it ends,
        // which on a loaded 2-core machine can take well over 500 ms.
        BlazeServer plain = start(BlazeServer.builder().tls(false).handshakeTimeout(Duration.ofSeconds(5))
                .maxFrameLength(64 * 1024));
        try (Socket tooLarge = socket(plain); Socket malformed = socket(plain); Socket silent = socket(plain)) {
            send(tooLarge, ByteBuffer.allocate(5).putInt(0x7FFF_FFF0).put((byte) SecureSession.CLIENT_HELLO).array());
            // A well-framed frame of an application type where the client's hello must come.
            send(malformed, ByteBuffer.allocate(8).putInt(3).put((byte) 0x01).put(new byte[3]).array());
            drainUntilClosed(tooLarge);
            drainUntilClosed(malformed);
            drainUntilClosed(silent);
        }
        await("frame_too_large, malformed and handshake_timeout counted", () -> refused("frame_too_large") == 1
                && refused("malformed") == 1 && refused("handshake_timeout") == 1 && active() == 0);
        assertThat(counter(MicrometerServerMetrics.ACCEPTED)).isEqualTo(3);

        // Stopped first: the gauge of a stopped server leaves the registry, its counters stay.
        plain.close();
        await("the stopped server's gauge is gone", () -> registry.find(MicrometerServerMetrics.ACTIVE).gauge() == null);
        BlazeServer tls = start(BlazeServer.builder());
        try (Socket garbage = socket(tls)) {
            send(garbage, "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            drainUntilClosed(garbage);
        }
        await("tls_handshake counted", () -> refused("tls_handshake") == 1);
        assertThat(counter(MicrometerServerMetrics.ACCEPTED)).as("never reached the server's accept").isEqualTo(3);
        assertThat(active()).isZero();
    }

    private static Socket socket(BlazeServer server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    private static void drainUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // the error frame or TLS alert, until the server closes
            }
        } catch (SocketException reset) {
            // closed
        }
    }
}
