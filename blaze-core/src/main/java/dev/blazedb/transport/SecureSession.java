package dev.blazedb.transport;

import dev.blazedb.AuthenticationException;
import dev.blazedb.EncryptionMode;
import dev.blazedb.HandshakeTimeoutException;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.MissingTokenException;
import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The secure session every network transport runs before sync: mutual authentication by a
 * shared token that never crosses the wire, session keys from an ephemeral ECDH exchange, and,
 * with {@link EncryptionMode#E2E_ONLY}, every frame sealed with AES-256-GCM end to end. It is a
 * decorator over any {@link DuplexConnection}, so every transport gets it; the TCP transport runs
 * it inside TLS.
 *
 * <h2>The handshake</h2>
 * <pre>
 * client                                              server
 *   | CLIENT_HELLO (0xE0): version, caps, node id,       |
 *   |   ephemeral P-256 key, database name  --------->   |  checks version, token policy
 *   |   <---------  SERVER_HELLO (0xE1): the same fields |
 *   | both: ECDH, HKDF-SHA256 -> c2s key, s2c key, auth key (see {@code SecureKeys})
 *   | CLIENT_PROOF (0xE2): HMAC(auth, "client"|th) --->  |  constant-time check
 *   |   <---------  SERVER_PROOF (0xE3): HMAC(auth, "server"|th)
 *   | constant-time check; the connection is handed out on both sides
 * </pre>
 * The client proves first, so a server reveals nothing about its token to a client that does not
 * know it. A failure on either side closes the connection with an {@linkplain ErrorFrames error
 * frame} whose code the other side maps back to the same exception:
 * {@link InvalidTokenException}, {@link MissingTokenException}, {@link AuthenticationException},
 * {@link HandshakeTimeoutException}, {@link ProtocolException}. No application frame passes
 * before both proofs are checked. Frames are sealed when either side asks for
 * {@link EncryptionMode#E2E_ONLY}; see {@link FrameSealer} for the sealed frame. The full
 * description with byte diagrams is docs/tcp-security.md.
 *
 * <h2>Threading</h2>
 * Non-blocking: key generation uses a DRBG seeded when the first {@link Config} is built, and the
 * crypto (about 2 ms of CPU per handshake) runs on whichever thread delivers the peer's frame.
 */
public final class SecureSession {

    private static final Logger LOG = LoggerFactory.getLogger(SecureSession.class);

    /** Frame type of the client's hello. */
    public static final int CLIENT_HELLO = 0xE0;
    /** Frame type of the server's hello. */
    public static final int SERVER_HELLO = 0xE1;
    /** Frame type of the client's token proof. */
    public static final int CLIENT_PROOF = 0xE2;
    /** Frame type of the server's token proof. */
    public static final int SERVER_PROOF = 0xE3;
    /** Frame type of a sealed frame. */
    public static final int SEALED = FrameSealer.SEALED_TYPE;
    /** The bytes sealing adds to a frame: a secure connection's frame limit is the raw one minus this. */
    public static final int SEAL_OVERHEAD = FrameSealer.OVERHEAD;

    private static final byte[] NO_TOKEN = new byte[0];

    private SecureSession() {
    }

    /** What a secure connection learned about its peer in the handshake. */
    public interface Peer {
        /**
         * The peer's node id, from its hello.
         *
         * @return the node id
         */
        NodeId peerNode();

        /**
         * The peer's database name, from its hello.
         *
         * @return the name
         */
        String peerDatabase();

        /**
         * Whether frames are sealed end to end.
         *
         * @return true with E2E
         */
        boolean sealed();
    }

    // ------------------------------------------------------------------------------------------
    // Transport decorators

    /**
     * A client transport whose connections run the client side of the handshake before they are
     * emitted; {@code connect()} fails with the handshake's error.
     *
     * @param transport the raw transport
     * @param config this side's identity and settings
     * @return the secure client transport
     */
    public static ClientTransport client(ClientTransport transport, Config config) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(config, "config");
        return () -> transport.connect().flatMap(raw -> client(raw, config));
    }

    /**
     * A server transport that runs the server side of the handshake on every accepted connection
     * and gives the acceptor only those that pass. A failed handshake is logged and the raw
     * connection closed with an error frame telling the client why.
     *
     * @param transport the raw transport
     * @param config this side's identity and settings
     * @return the secure server transport
     */
    public static ServerTransport server(ServerTransport transport, Config config) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(config, "config");
        return acceptor -> transport.bind(raw -> server(raw, config)
                .onErrorResume(e -> Mono.empty())
                .flatMap(acceptor::accept));
    }

    // ------------------------------------------------------------------------------------------
    // The handshake

    /**
     * Runs the client side of the handshake over {@code raw}, which must be fresh (nothing
     * received yet). The connection emitted implements {@link Peer}.
     *
     * @param raw the raw connection
     * @param config this side's identity and settings
     * @return the secure connection, or the handshake's error (the raw connection is then closed)
     */
    public static Mono<DuplexConnection> client(DuplexConnection raw, Config config) {
        return Mono.defer(() -> {
            SecureInbound in = new SecureInbound(raw);
            in.start();
            SecureKeys.Ephemeral eph = SecureKeys.ephemeral();
            int caps = (config.e2e() ? SecureHello.CAP_E2E : 0) | (config.hasToken() ? SecureHello.CAP_TOKEN : 0);
            byte[] ch = new SecureHello(SecureHello.VERSION, caps, config.nodeId, eph.publicPoint(),
                    config.database).encode();
            return sendHandshake(raw, CLIENT_HELLO, ch)
                    .then(in.next())
                    .flatMap(f -> {
                        SecureHello sh = SecureHello.decode(expect(f, SERVER_HELLO).payload());
                        if (config.peerDatabase != null && !config.peerDatabase.equals(sh.database())) {
                            throw new ProtocolException("reached database '" + sh.database() + "' but expected '"
                                    + config.peerDatabase + "'");
                        }
                        byte[] shBytes = f.toByteArray();
                        byte[] shared = SecureKeys.agree(eph.privateKey(), SecureKeys.decodePoint(sh.publicKey()));
                        SecureKeys.SessionKeys keys = SecureKeys.derive(shared, config.database, sh.database(), config.token);
                        byte[] th = SecureKeys.transcript(ch, shBytes);
                        byte[] ownProof = SecureKeys.proof(keys.authKey(), "client", th);
                        byte[] peerProof = SecureKeys.proof(keys.authKey(), "server", th);
                        boolean e2e = config.e2e() || sh.has(SecureHello.CAP_E2E);
                        return sendHandshake(raw, CLIENT_PROOF, ownProof)
                                .then(in.next())
                                .map(p -> {
                                    if (!SecureKeys.matches(peerProof, expect(p, SERVER_PROOF).toByteArray())) {
                                        throw new AuthenticationException("the server at " + raw.remoteAddress()
                                                + " could not prove it knows the auth token");
                                    }
                                    FrameSealer sealer = e2e ? new FrameSealer(keys.clientToServer(), keys.serverToClient(),
                                            raw.maxFrameLength() - FrameSealer.OVERHEAD) : null;
                                    return (DuplexConnection) new SecureConnection(raw, in, sealer, sh.nodeId(), sh.database());
                                });
                    });
        }).transform(m -> guard(m, raw, config, "client"));
    }

    /**
     * Runs the server side of the handshake over {@code raw}, which must be fresh. The connection
     * emitted implements {@link Peer}.
     *
     * @param raw the raw connection
     * @param config this side's identity and settings
     * @return the secure connection, or the handshake's error (the raw connection is then closed
     *     with an error frame telling the client)
     */
    public static Mono<DuplexConnection> server(DuplexConnection raw, Config config) {
        return Mono.defer(() -> {
            SecureInbound in = new SecureInbound(raw);
            in.start();
            return in.next().flatMap(f -> {
                byte[] ch = expect(f, CLIENT_HELLO).toByteArray();
                SecureHello hello = SecureHello.decode(f.payload());
                if (config.hasToken() && !hello.has(SecureHello.CAP_TOKEN)) {
                    throw new MissingTokenException("the server requires an auth token and the client '"
                            + hello.database() + "' sent none");
                }
                if (!config.hasToken() && hello.has(SecureHello.CAP_TOKEN)) {
                    throw new InvalidTokenException("the server takes no auth token but the client '"
                            + hello.database() + "' has one");
                }
                SecureKeys.Ephemeral eph = SecureKeys.ephemeral();
                int caps = (config.e2e() ? SecureHello.CAP_E2E : 0) | (config.hasToken() ? SecureHello.CAP_TOKEN : 0);
                byte[] sh = new SecureHello(SecureHello.VERSION, caps, config.nodeId, eph.publicPoint(),
                        config.database).encode();
                byte[] shared = SecureKeys.agree(eph.privateKey(), SecureKeys.decodePoint(hello.publicKey()));
                SecureKeys.SessionKeys keys = SecureKeys.derive(shared, hello.database(), config.database, config.token);
                byte[] th = SecureKeys.transcript(ch, sh);
                byte[] clientProof = SecureKeys.proof(keys.authKey(), "client", th);
                byte[] ownProof = SecureKeys.proof(keys.authKey(), "server", th);
                boolean e2e = config.e2e() || hello.has(SecureHello.CAP_E2E);
                return sendHandshake(raw, SERVER_HELLO, sh)
                        .then(in.next())
                        .flatMap(p -> {
                            if (!SecureKeys.matches(clientProof, expect(p, CLIENT_PROOF).toByteArray())) {
                                throw new InvalidTokenException("the client '" + hello.database() + "' at "
                                        + raw.remoteAddress() + " proved a different auth token");
                            }
                            FrameSealer sealer = e2e ? new FrameSealer(keys.serverToClient(), keys.clientToServer(),
                                    raw.maxFrameLength() - FrameSealer.OVERHEAD) : null;
                            SecureConnection secure = new SecureConnection(raw, in, sealer, hello.nodeId(), hello.database());
                            return sendHandshake(raw, SERVER_PROOF, ownProof).thenReturn((DuplexConnection) secure);
                        });
            });
        }).transform(m -> guard(m, raw, config, "server"));
    }

    /**
     * Sends one handshake frame. If the peer closes meanwhile the send's own error only says
     * "closed": it is dropped, so that the next {@link SecureInbound#next()} reports the peer's
     * reason (its error frame) instead.
     */
    private static Mono<Void> sendHandshake(DuplexConnection raw, int type, byte[] payload) {
        return raw.send(Mono.just(Frame.wrap(type, payload))).onErrorResume(ConnectionClosedException.class, e -> Mono.empty());
    }

    private static Frame expect(Frame f, int type) {
        if (f.type() != type) {
            throw new ProtocolException("secure handshake: expected frame type 0x" + Integer.toHexString(type)
                    + " but got 0x" + Integer.toHexString(f.type()) + " (" + f.length() + " bytes)");
        }
        return f;
    }

    /** Adds the timeout, and on failure tells the peer (error frame) and closes the raw connection. */
    private static Mono<DuplexConnection> guard(Mono<DuplexConnection> handshake, DuplexConnection raw, Config config,
                                                String side) {
        return handshake
                .timeout(config.handshakeTimeout)
                .onErrorMap(TimeoutException.class, e -> new HandshakeTimeoutException("the secure handshake with "
                        + raw.remoteAddress() + " did not finish within " + config.handshakeTimeout.toMillis() + " ms"))
                .onErrorMap(e -> !(e instanceof RuntimeException), e -> new ProtocolException("secure handshake failed", e))
                .doOnError(e -> {
                    if ("server".equals(side)) {
                        LOG.info("secure handshake with {} refused: {}", raw.remoteAddress(), e.toString());
                    } else {
                        LOG.debug("secure handshake with {} failed: {}", raw.remoteAddress(), e.toString());
                    }
                    closeWithError(raw, e);
                });
    }

    /**
     * Closes {@code raw} by failing a send with {@code error}, so the transport writes the error
     * frame that tells the peer why; disposes it only if that does not happen within 2 seconds
     * (a send stuck behind a peer that does not read). Disposing at once would win the race
     * against the error frame and close cleanly.
     */
    static void closeWithError(DuplexConnection raw, Throwable error) {
        raw.send(Mono.error(error))
                .timeout(Duration.ofSeconds(2))
                .subscribe(null, e -> {
                    if (e instanceof TimeoutException) {
                        raw.dispose();
                    }
                });
    }

    // ------------------------------------------------------------------------------------------

    /** One side's identity and settings for the handshake; immutable. */
    public static final class Config {
        final NodeId nodeId;
        final String database;
        final byte[] token;
        final EncryptionMode encryption;
        final Duration handshakeTimeout;
        final String peerDatabase;

        private Config(Builder b) {
            this.nodeId = b.nodeId;
            this.database = b.database;
            this.token = b.token;
            this.encryption = b.encryption;
            this.handshakeTimeout = b.handshakeTimeout;
            this.peerDatabase = b.peerDatabase;
            SecureKeys.init();
        }

        /**
         * A builder for the side whose node is {@code nodeId} and database {@code database}.
         *
         * @param nodeId this side's node id
         * @param database this side's database name (1 to 255 UTF-8 bytes)
         * @return the builder
         */
        public static Builder builder(NodeId nodeId, String database) {
            return new Builder(nodeId, database);
        }

        boolean hasToken() {
            return token.length > 0;
        }

        boolean e2e() {
            return encryption == EncryptionMode.E2E_ONLY;
        }

        /**
         * How long the handshake may take.
         *
         * @return the timeout
         */
        public Duration handshakeTimeout() {
            return handshakeTimeout;
        }

        /**
         * This side's encryption mode.
         *
         * @return the mode
         */
        public EncryptionMode encryption() {
            return encryption;
        }

        @Override
        public String toString() {
            // Never the token.
            return "SecureSession.Config[" + database + ", node " + nodeId + ", " + encryption
                    + (hasToken() ? ", token" : ", no token") + "]";
        }

        /** Builds a {@link Config}. */
        public static final class Builder {
            private final NodeId nodeId;
            private final String database;
            private byte[] token = NO_TOKEN;
            private EncryptionMode encryption = EncryptionMode.E2E_ONLY;
            private Duration handshakeTimeout = Duration.ofSeconds(10);
            private String peerDatabase;

            private Builder(NodeId nodeId, String database) {
                this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
                this.database = Objects.requireNonNull(database, "database");
                int len = database.getBytes(StandardCharsets.UTF_8).length;
                if (len == 0 || len > SecureHello.MAX_NAME_LENGTH) {
                    throw new IllegalArgumentException("a database name must have 1 to 255 UTF-8 bytes: '" + database + "'");
                }
            }

            /**
             * The shared auth token both sides must hold; {@code null} or empty for none (a server
             * without a token accepts only clients without one).
             *
             * @param token the token
             * @return this builder
             */
            public Builder token(String token) {
                this.token = token == null ? NO_TOKEN : token.getBytes(StandardCharsets.UTF_8);
                return this;
            }

            /**
             * The auth token as characters, copied; see {@link #token(String)}.
             *
             * @param token the token
             * @return this builder
             */
            public Builder token(char[] token) {
                if (token == null) {
                    this.token = NO_TOKEN;
                } else {
                    java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(token));
                    this.token = Arrays.copyOfRange(b.array(), b.position(), b.limit());
                }
                return this;
            }

            /**
             * {@link EncryptionMode#E2E_ONLY} (the default) asks for sealed frames; with
             * {@link EncryptionMode#SMART_PROXY} frames are sealed only if the peer asks.
             *
             * @param mode the mode
             * @return this builder
             */
            public Builder encryption(EncryptionMode mode) {
                this.encryption = Objects.requireNonNull(mode, "mode");
                return this;
            }

            /**
             * How long the handshake may take before it fails with
             * {@link HandshakeTimeoutException} (default 10 s).
             *
             * @param timeout the timeout
             * @return this builder
             */
            public Builder handshakeTimeout(Duration timeout) {
                if (timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalArgumentException("the handshake timeout must be positive");
                }
                this.handshakeTimeout = timeout;
                return this;
            }

            /**
             * For a client: the database the server must serve; another name fails the handshake
             * with a {@link ProtocolException}. Default: any.
             *
             * @param database the expected name, or null for any
             * @return this builder
             */
            public Builder peerDatabase(String database) {
                this.peerDatabase = database;
                return this;
            }

            /**
             * The configuration.
             *
             * @return the config
             */
            public Config build() {
                return new Config(this);
            }
        }
    }
}
