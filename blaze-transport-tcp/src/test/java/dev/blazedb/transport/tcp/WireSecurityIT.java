package dev.blazedb.transport.tcp;

import static dev.blazedb.transport.tcp.Dbs.TIMEOUT;
import static dev.blazedb.transport.tcp.Dbs.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.TamperedFrameException;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.SecureSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * What crosses the wire, seen by a relay between client and server on real sockets: no token,
 * no record contents (with TLS, and with E2E alone), and sealed frames that a man in the middle
 * alters, replays or reorders are refused, nothing from them delivered, the next connection fine.
 */
class WireSecurityIT {

    private static final String TOKEN = "wire-token-Kd93hQ";
    private static final String KNOWN_VALUE = "known-field-value-4f1c";

    // ------------------------------------------------------------------ confidentiality

    @Test
    @DisplayName("TLS + E2E: neither the token nor a record's field value appears in the bytes on the wire")
    void tlsAndE2e() throws Exception {
        assertThat(capture(true, EncryptionMode.E2E_ONLY)).doesNotContain(TOKEN).doesNotContain(KNOWN_VALUE);
    }

    @Test
    @DisplayName("E2E without TLS: the token and field values still never appear on the wire")
    void e2eWithoutTls() throws Exception {
        assertThat(capture(false, EncryptionMode.E2E_ONLY)).doesNotContain(TOKEN).doesNotContain(KNOWN_VALUE);
    }

    @Test
    @DisplayName("control: without TLS and with SMART_PROXY the relay does see field values (so it would catch a leak); the token still never")
    void controlPlaintext() throws Exception {
        String wire = capture(false, EncryptionMode.SMART_PROXY);
        assertThat(wire).contains(KNOWN_VALUE).doesNotContain(TOKEN);
    }

    private static String capture(boolean tls, EncryptionMode mode) throws Exception {
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory("ServerDB");
             BlazeDBClient clientDb = BlazeDBClient.inMemory("ClientDB");
             BlazeServer server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").localDB(serverDb)
                     .authToken(TOKEN).tls(tls).build();
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(TIMEOUT);
            try (Relay relay = new Relay(server.port())) {
                NodeId me = topology.register(clientDb, "ClientDB", SyncRole.CLIENT).block(TIMEOUT);
                RemoteNode.Builder remote = RemoteNode.builder("127.0.0.1", relay.port(), "ServerDB").authToken(TOKEN).useTLS(tls);
                if (tls) {
                    remote.pinnedFingerprint(server.tlsFingerprint());
                }
                SyncConnection c = topology.connectRemote(me, remote.build(),
                        SyncPolicy.builder().encryptionMode(mode).build()).block(TIMEOUT);
                UUID a = clientDb.insert(BlazeDataRecord.builder().put("secret", KNOWN_VALUE + "-client").build());
                UUID b = serverDb.insert(BlazeDataRecord.builder().put("secret", KNOWN_VALUE + "-server").build());
                await("both records crossed", () -> serverDb.fetch(a).isPresent() && clientDb.fetch(b).isPresent());
                c.disconnect().block(TIMEOUT);
                byte[] wire = relay.recorded();
                assertThat(wire.length).isGreaterThan(500);
                return new String(wire, StandardCharsets.ISO_8859_1);
            }
        }
    }

    // ------------------------------------------------------------------ integrity

    @Test
    @DisplayName("a flipped bit in a sealed frame on the wire: the server closes, delivers nothing from it; the next connection works")
    void flippedBit() throws Exception {
        tamper((type, payload, counter) -> {
            byte[] b = payload.clone();
            b[b.length - 1] ^= 0x01;
            return Relay.one(type, b);
        }, 2, "altered");
    }

    @Test
    @DisplayName("a replayed sealed frame on the wire: the server closes after the original; the copy is not delivered")
    void replayed() throws Exception {
        tamper((type, payload, counter) -> List.of(Relay.frame(type, payload), Relay.frame(type, payload)), 3, "replayed");
    }

    @Test
    @DisplayName("reordered sealed frames on the wire: the server closes; neither is delivered")
    void reordered() throws Exception {
        List<byte[][]> held = new ArrayList<>();
        tamper((type, payload, counter) -> {
            if (counter == 2) {
                held.add(Relay.frame(type, payload));
                return List.of();
            }
            List<byte[][]> out = new ArrayList<>();
            out.add(Relay.frame(type, payload));
            out.addAll(held);
            return out;
        }, 2, "reordered");
    }

    private interface SealedRewrite {
        List<byte[][]> apply(int type, byte[] payload, long counter);
    }

    /**
     * Sends frames 0..4 through the relay over a secure plain-TCP session, with the rewrite
     * applied to sealed frames 2 and 3 of the first connection only; the server must deliver
     * exactly the first {@code intact} frames and fail with a TamperedFrameException.
     */
    private static void tamper(SealedRewrite rewrite, int intact, String kind) throws Exception {
        SecureSession.Config serverConfig = SecureSession.Config.builder(NodeId.random(), "server-db").token(TOKEN).build();
        SecureSession.Config clientConfig = SecureSession.Config.builder(NodeId.random(), "client-db").token(TOKEN).build();
        Queue<Frame> delivered = new ConcurrentLinkedQueue<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        BoundServer server = SecureSession.server(TcpServerTransport.create("127.0.0.1", 0, 1 << 20, (TlsIdentity) null, 16),
                serverConfig).bind(conn -> conn.send(conn.receive().doOnNext(delivered::add).doOnError(errors::add))).block(TIMEOUT);
        try (Relay relay = new Relay(((InetSocketAddress) server.address()).getPort())) {
            AtomicBoolean armed = new AtomicBoolean(true);
            relay.rewrite((type, payload) -> {
                if (type != SecureSession.SEALED || !armed.get()) {
                    return Relay.one(type, payload);
                }
                long counter = ByteBuffer.wrap(payload).getLong(0);
                if (counter < 2) {
                    return Relay.one(type, payload);
                }
                if (counter >= 3) {
                    armed.set(false);
                }
                return rewrite.apply(type, payload, counter);
            });
            ClientTransport client = SecureSession.client(TcpClientTransport.create("127.0.0.1", relay.port(), 1 << 20), clientConfig);
            DuplexConnection c = client.connect().block(TIMEOUT);
            StepVerifier clientSide = StepVerifier.create(c.receive())
                    .thenConsumeWhile(f -> true)
                    .expectError(TamperedFrameException.class)
                    .verifyLater();
            c.send(Flux.range(0, 5).map(WireSecurityIT::frame)).subscribe(null, e -> { });
            clientSide.verify(TIMEOUT);
            StepVerifier.create(c.onClose()).expectComplete().verify(TIMEOUT);
            await("the server failed", () -> !errors.isEmpty());
            assertThat(errors.get(0)).isInstanceOf(TamperedFrameException.class).hasMessageContaining(kind);
            List<Frame> expected = new ArrayList<>();
            for (int i = 0; i < intact; i++) {
                expected.add(frame(i));
            }
            assertThat(delivered).containsExactlyElementsOf(expected);

            // The next connection, through the same relay, works.
            armed.set(false);
            delivered.clear();
            DuplexConnection next = client.connect().block(TIMEOUT);
            StepVerifier.create(next.receive().take(5))
                    .then(() -> next.send(Flux.range(0, 5).map(WireSecurityIT::frame)).subscribe())
                    .expectNextCount(5)
                    .expectComplete()
                    .verify(TIMEOUT);
            next.dispose();
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }

    private static Frame frame(int i) {
        return Frame.wrap(1, ("frame-" + i).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("sync through a tampering relay: the altered connection dies, the client reconnects, and the change arrives once")
    void syncSurvivesTampering() throws Exception {
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory("ServerDB");
             BlazeDBClient clientDb = BlazeDBClient.inMemory("ClientDB");
             BlazeServer server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").localDB(serverDb)
                     .authToken(TOKEN).tls(false).build();
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(TIMEOUT);
            try (Relay relay = new Relay(server.port())) {
                AtomicBoolean armed = new AtomicBoolean(false);
                AtomicBoolean tampered = new AtomicBoolean(false);
                relay.rewrite((type, payload) -> {
                    if (type == SecureSession.SEALED && armed.get() && payload.length > 200 && armed.compareAndSet(true, false)) {
                        byte[] b = payload.clone();
                        b[40] ^= 0x04;
                        tampered.set(true);
                        return Relay.one(type, b);
                    }
                    return Relay.one(type, payload);
                });
                NodeId me = topology.register(clientDb, "ClientDB", SyncRole.CLIENT).block(TIMEOUT);
                SyncConnection c = topology.connectRemote(me, RemoteNode.builder("127.0.0.1", relay.port(), "ServerDB")
                        .authToken(TOKEN).useTLS(false).build(), new SyncPolicy()).block(TIMEOUT);
                c.awaitIdle().block(TIMEOUT);
                armed.set(true);
                UUID x = clientDb.insert(BlazeDataRecord.builder().put("message", "x".repeat(300)).build());
                await("the relay altered a frame", tampered::get);
                await("the change arrives over the next connection", () -> serverDb.fetch(x).isPresent());
                c.awaitIdle().block(TIMEOUT);
                assertThat(serverDb.count()).isEqualTo(clientDb.count()).isEqualTo(1);
                assertThat(Dbs.contents(serverDb)).isEqualTo(Dbs.contents(clientDb));
            }
        }
    }
}
