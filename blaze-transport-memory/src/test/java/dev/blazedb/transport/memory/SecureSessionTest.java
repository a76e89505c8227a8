package dev.blazedb.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.AuthenticationException;
import dev.blazedb.EncryptionMode;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.MissingTokenException;
import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.TamperedFrameException;
import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DelegatingDuplexConnection;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.SecureSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The secure session's failure cases over the reference transport: wrong and missing tokens,
 * a silent peer, tampered, replayed and reordered frames, hostile handshakes, and what the wire
 * carries. Every failure is the specific exception, nothing from a bad frame reaches the
 * application, and the server goes on serving.
 */
class SecureSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String TOKEN = "s3cret-token-Zq81";

    private final List<BoundServer> servers = new CopyOnWriteArrayList<>();
    private final Queue<Frame> delivered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.disposeNow(TIMEOUT));
    }

    private static SecureSession.Config.Builder side(String db) {
        return SecureSession.Config.builder(NodeId.random(), db).handshakeTimeout(Duration.ofSeconds(5));
    }

    /** A secure server on a fresh memory address that echoes and records what it receives. */
    private String server(SecureSession.Config config) {
        String name = "secure-" + NAMES.incrementAndGet();
        BoundServer s = SecureSession.server(MemoryServerTransport.create(name), config).bind(conn -> {
            accepted.incrementAndGet();
            return conn.send(conn.receive().doOnNext(delivered::add).doOnError(serverErrors::add));
        }).block(TIMEOUT);
        servers.add(s);
        return name;
    }

    private static ClientTransport client(String name, SecureSession.Config config, UnaryOperator<DuplexConnection> raw) {
        ClientTransport memory = MemoryClientTransport.create(name);
        return SecureSession.client(() -> memory.connect().map(raw), config);
    }

    private static Frame frame(int i) {
        return Frame.wrap(1, ("frame-" + i).getBytes(StandardCharsets.UTF_8));
    }

    private void assertEchoWorks(String name, SecureSession.Config clientConfig) {
        DuplexConnection c = client(name, clientConfig, r -> r).connect().block(TIMEOUT);
        StepVerifier.create(c.receive().take(3))
                .then(() -> c.send(Flux.range(0, 3).map(SecureSessionTest::frame)).subscribe())
                .expectNext(frame(0), frame(1), frame(2))
                .expectComplete()
                .verify(TIMEOUT);
    }

    // ------------------------------------------------------------------ authentication

    @Test
    @DisplayName("matching tokens connect, and each side learns the other's node and database")
    void matchingTokensConnect() {
        SecureSession.Config serverConfig = side("server-db").token(TOKEN).build();
        String name = server(serverConfig);
        DuplexConnection c = client(name, side("client-db").token(TOKEN).build(), r -> r).connect().block(TIMEOUT);
        assertThat(((SecureSession.Peer) c).peerDatabase()).isEqualTo("server-db");
        assertThat(((SecureSession.Peer) c).sealed()).isTrue();
        c.dispose();
        assertEchoWorks(name, side("client-db").token(TOKEN).build());
    }

    @Test
    @DisplayName("a wrong token fails with InvalidTokenException on both sides and the acceptor never sees the connection")
    void wrongToken() {
        String name = server(side("server-db").token(TOKEN).build());
        StepVerifier.create(client(name, side("client-db").token("not-the-token").build(), r -> r).connect())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(InvalidTokenException.class)
                        .hasMessageContaining("different auth token"))
                .verify(TIMEOUT);
        assertThat(accepted).hasValue(0);
        assertEchoWorks(name, side("client-db").token(TOKEN).build());
    }

    @Test
    @DisplayName("no token against a server that requires one fails with MissingTokenException")
    void missingToken() {
        String name = server(side("server-db").token(TOKEN).build());
        StepVerifier.create(client(name, side("client-db").build(), r -> r).connect())
                .expectError(MissingTokenException.class)
                .verify(TIMEOUT);
        assertThat(accepted).hasValue(0);
    }

    @Test
    @DisplayName("a token against a server without one fails with InvalidTokenException; no token on both sides connects")
    void tokenAgainstOpenServer() {
        String name = server(side("server-db").build());
        StepVerifier.create(client(name, side("client-db").token(TOKEN).build(), r -> r).connect())
                .expectError(InvalidTokenException.class)
                .verify(TIMEOUT);
        assertEchoWorks(name, side("client-db").build());
    }

    @Test
    @DisplayName("a server whose proof is wrong is refused by the client with AuthenticationException")
    void forgedServerProof() {
        String name = server(side("server-db").token(TOKEN).build());
        // Flip a bit of the server's proof on its way in.
        StepVerifier.create(client(name, side("client-db").token(TOKEN).build(),
                        r -> new Rewriting(r, UnaryOperator.identity(), f -> f.type() == SecureSession.SERVER_PROOF ? flip(f, 3) : f))
                        .connect())
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("could not prove"))
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a client expecting another database name refuses the server with ProtocolException")
    void wrongDatabase() {
        String name = server(side("server-db").build());
        StepVerifier.create(client(name, side("client-db").peerDatabase("other-db").build(), r -> r).connect())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ProtocolException.class).hasMessageContaining("other-db"))
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a client that never sends its hello is told HANDSHAKE_TIMEOUT and closed; the server serves the next one")
    void silentClientTimesOut() {
        String name = server(side("server-db").token(TOKEN).handshakeTimeout(Duration.ofMillis(300)).build());
        DuplexConnection silent = MemoryClientTransport.create(name).connect().block(TIMEOUT);
        StepVerifier.create(silent.receive())
                .expectErrorSatisfies(e -> assertThat(((RemoteTransportException) e).errorCode())
                        .isEqualTo(ErrorFrames.HANDSHAKE_TIMEOUT))
                .verify(TIMEOUT);
        assertThat(accepted).hasValue(0);
        assertEchoWorks(name, side("client-db").token(TOKEN).build());
    }

    // ------------------------------------------------------------------ sealed frames

    @Test
    @DisplayName("a flipped bit in a sealed frame closes the connection; nothing from it is delivered; the next connection works")
    void flippedBit() {
        tamper((f, held) -> sealedCounter(f) == 2 ? Flux.just(flip(f, 12)) : Flux.just(f), "altered", 2);
    }

    @Test
    @DisplayName("a replayed sealed frame closes the connection; nothing from it is delivered")
    void replayed() {
        tamper((f, held) -> sealedCounter(f) == 2 ? Flux.just(f, f) : Flux.just(f), "replayed", 3);
    }

    @Test
    @DisplayName("a reordered sealed frame closes the connection; nothing from it is delivered")
    void reordered() {
        tamper((f, held) -> {
            if (sealedCounter(f) == 2) {
                held.add(f);
                return Flux.empty();
            }
            if (sealedCounter(f) == 3) {
                return Flux.just(f, held.remove(0));
            }
            return Flux.just(f);
        }, "reordered", 2);
    }

    private static long sealedCounter(Frame f) {
        return f.type() == SecureSession.SEALED ? f.payload().getLong(0) : -1;
    }

    /** How the man in the middle rewrites one sealed frame, with a list to hold frames back in. */
    private interface WireRewrite {
        Flux<Frame> apply(Frame frame, List<Frame> held);
    }

    /** Sends frames 0..4 through {@code rewrite}; the first {@code intact} arrive, then the receiver closes. */
    private void tamper(WireRewrite rewrite, String kind, int intact) {
        SecureSession.Config clientConfig = side("client-db").token(TOKEN).build();
        String name = server(side("server-db").token(TOKEN).build());
        List<Frame> held = new ArrayList<>();
        DuplexConnection c = client(name, clientConfig, r -> new Rewriting(r, f -> f, f -> f) {
            @Override
            public Mono<Void> send(Publisher<Frame> frames) {
                return delegate().send(Flux.from(frames).concatMap(f -> rewrite.apply(f, held), 1));
            }
        }).connect().block(TIMEOUT);
        StepVerifier clientSide = StepVerifier.create(c.receive())
                .thenConsumeWhile(f -> true)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TamperedFrameException.class))
                .verifyLater();
        c.send(Flux.range(0, 5).map(SecureSessionTest::frame)).subscribe(null, e -> { });
        clientSide.verify(TIMEOUT);
        StepVerifier.create(c.onClose()).expectComplete().verify(TIMEOUT);
        await(() -> !serverErrors.isEmpty());
        assertThat(serverErrors.get(0)).isInstanceOf(TamperedFrameException.class).hasMessageContaining(kind);
        assertThat(delivered).as("only the frames before the tampered one reach the application")
                .containsExactlyElementsOf(Flux.range(0, intact).map(SecureSessionTest::frame).collectList().block());
        delivered.clear();
        assertEchoWorks(name, clientConfig);
    }

    @Test
    @DisplayName("neither the token nor the contents of sealed frames appear in the bytes on the wire")
    void wireCarriesNoSecrets() {
        String name = server(side("server-db").token(TOKEN).build());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        UnaryOperator<Frame> record = f -> {
            synchronized (wire) {
                wire.writeBytes(f.toByteArray());
            }
            return f;
        };
        DuplexConnection c = client(name, side("client-db").token(TOKEN).build(), r -> new Rewriting(r, record, record))
                .connect().block(TIMEOUT);
        Frame secret = Frame.wrap(1, "field value 8f3a-known-marker".getBytes(StandardCharsets.UTF_8));
        StepVerifier.create(c.receive().take(1))
                .then(() -> c.send(Mono.just(secret)).subscribe())
                .expectNext(secret)
                .expectComplete()
                .verify(TIMEOUT);
        String bytes = wire.toString(StandardCharsets.ISO_8859_1);
        assertThat(wire.size()).isGreaterThan(200);
        assertThat(bytes).doesNotContain(TOKEN).doesNotContain("8f3a-known-marker");
    }

    // ------------------------------------------------------------------ hostile handshakes

    @Test
    @DisplayName("400 random and mutated handshake messages are each refused with an error frame; the server keeps serving")
    void hostileHandshakes() {
        SecureSession.Config serverConfig = side("server-db").token(TOKEN).handshakeTimeout(Duration.ofSeconds(2)).build();
        String name = server(serverConfig);
        // A genuine client hello to mutate.
        List<Frame> genuine = new CopyOnWriteArrayList<>();
        client(name, side("client-db").token(TOKEN).build(), r -> new Rewriting(r, f -> {
            genuine.add(f);
            return f;
        }, f -> f)).connect().block(TIMEOUT).dispose();
        byte[] hello = genuine.get(0).toByteArray();
        AtomicInteger refused = new AtomicInteger();
        PropertyCheck.forAll("hostile handshake", 400, r -> {
            int type = r.nextInt(4) == 0 ? r.nextInt(0, 0xF0) : SecureSession.CLIENT_HELLO;
            byte[] body = r.nextBoolean() ? mutate(hello, r) : randomBytes(r);
            return Frame.wrap(type, body);
        }, attack -> {
            DuplexConnection raw = MemoryClientTransport.create(name).connect().block(TIMEOUT);
            StepVerifier.create(raw.receive().doOnNext(f -> {
                        // A mutation that still parses gets a server hello: answer with a forged proof.
                        if (f.type() == SecureSession.SERVER_HELLO) {
                            raw.send(Mono.just(Frame.wrap(SecureSession.CLIENT_PROOF, new byte[32]))).subscribe(null, e -> { });
                        }
                    }))
                    .then(() -> raw.send(Mono.just(attack)).subscribe(null, e -> { }))
                    .thenConsumeWhile(f -> f.type() == SecureSession.SERVER_HELLO)
                    .expectError(RemoteTransportException.class)
                    .verify(TIMEOUT);
            refused.incrementAndGet();
        });
        assertThat(refused).hasValue(400);
        assertThat(accepted).hasValue(1);
        assertEchoWorks(name, side("client-db").token(TOKEN).build());
    }

    private static byte[] randomBytes(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(0, 120)];
        r.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] bytes, SplittableRandom r) {
        byte[] b = bytes.clone();
        int n = r.nextInt(1, 4);
        for (int i = 0; i < n; i++) {
            if (b.length == 0) {
                break;
            }
            switch (r.nextInt(3)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                default -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
        }
        return b;
    }

    // ------------------------------------------------------------------ helpers

    private static Frame flip(Frame f, int byteIndex) {
        byte[] b = f.toByteArray();
        b[Math.min(byteIndex, b.length - 1)] ^= 0x10;
        return Frame.wrap(f.type(), b);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + TIMEOUT);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Rewrites the raw frames a connection sends and receives: the test's man in the middle. */
    private static class Rewriting extends DelegatingDuplexConnection {
        private final UnaryOperator<Frame> out;
        private final UnaryOperator<Frame> in;

        Rewriting(DuplexConnection raw, UnaryOperator<Frame> out, UnaryOperator<Frame> in) {
            super(raw);
            this.out = out;
            this.in = in;
        }

        @Override
        public Flux<Frame> receive() {
            return super.receive().map(in);
        }

        @Override
        public Mono<Void> send(Publisher<Frame> frames) {
            return super.send(Flux.from(frames).map(out));
        }
    }
}
