package dev.blazedb;

import dev.blazedb.internal.tls.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A database served by a {@code BlazeServer} on another machine (or process), as
 * {@link BlazeTopology#connectRemote} reaches it over TCP (module
 * {@code dev.blazedb:blaze-transport-tcp}).
 *
 * <pre>{@code
 * RemoteNode server = RemoteNode.builder("db.example.com", 8080, "ServerDB")
 *         .authToken("secret-token")
 *         .pinnedFingerprint("3f9a...")   // or .trustedCertificates(ca), or neither: trust on first use
 *         .build();
 * topology.connectRemote(clientNode, server, new SyncPolicy()).block();
 * }</pre>
 *
 * <p><b>Trust.</b> With TLS on, the client trusts the server's certificate when its SHA-256
 * fingerprint is {@linkplain Builder#pinnedFingerprint pinned}, when it chains to one of the
 * {@linkplain Builder#trustedCertificates trusted certificates}, or, with neither, on first use:
 * the fingerprint seen first for this host, port and database is remembered beside the client's
 * database ({@code <file>.known-hosts}; in memory for an in-memory database) and a different one
 * later is refused with {@link CertificateMismatchException}, as SSH does with known hosts.
 * A pinned or remembered certificate is the server's identity by itself: its validity dates and
 * host names are not checked. Trust from CAs is checked as HTTPS does: the certificate must be
 * within its validity dates, chain to a trusted CA and name the host dialled (a subject
 * alternative name: DNS name or IP address); each failure is a
 * {@link CertificateMismatchException} saying which.
 * {@code useTLS = false} sends everything in the clear at the TCP level (frames are still
 * sealed end to end with {@link EncryptionMode#E2E_ONLY}) and is logged as a warning.
 *
 * <p><b>The token</b> is never sent: both sides prove they know it (docs/tcp-security.md). It is
 * not part of {@link #toString()}.
 */
public final class RemoteNode {

    private final String host;
    private final int port;
    private final String database;
    private final boolean useTLS;
    private final String authToken;
    private final String pinnedFingerprint;
    private final List<X509Certificate> trustedCertificates;
    private final Duration handshakeTimeout;

    /**
     * A remote database with default trust (trust on first use when {@code useTLS}).
     *
     * @param host the server's host name or address
     * @param port the server's port, 1..65535
     * @param database the name of the database the server serves
     * @param useTLS whether to use TLS 1.3
     * @param authToken the shared token, or null for a server that takes none
     */
    public RemoteNode(String host, int port, String database, boolean useTLS, String authToken) {
        this(builder(host, port, database).useTLS(useTLS).authToken(authToken));
    }

    private RemoteNode(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.database = b.database;
        this.useTLS = b.useTLS;
        this.authToken = b.authToken;
        this.pinnedFingerprint = b.pinnedFingerprint;
        this.trustedCertificates = b.trustedCertificates;
        this.handshakeTimeout = b.handshakeTimeout;
        if (!useTLS && (pinnedFingerprint != null || !trustedCertificates.isEmpty())) {
            throw new IllegalArgumentException("a pinned fingerprint or trusted certificates need useTLS = true");
        }
    }

    /**
     * A builder; TLS is on by default.
     *
     * @param host the server's host name or address
     * @param port the server's port, 1..65535
     * @param database the name of the database the server serves
     * @return the builder
     */
    public static Builder builder(String host, int port, String database) {
        return new Builder(host, port, database);
    }

    /** The server's host. */
    public String host() {
        return host;
    }

    /** The server's port. */
    public int port() {
        return port;
    }

    /** The name of the database the server serves; the handshake checks it. */
    public String database() {
        return database;
    }

    /** Whether TLS is used. */
    public boolean useTLS() {
        return useTLS;
    }

    /** The auth token, if any. */
    public Optional<String> authToken() {
        return Optional.ofNullable(authToken);
    }

    /** The pinned SHA-256 fingerprint (lower-case hex), if any. */
    public Optional<String> pinnedFingerprint() {
        return Optional.ofNullable(pinnedFingerprint);
    }

    /** The trusted CA certificates (empty: none). */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** How long the secure handshake may take (default 10 s). */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** {@code host:port}. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "RemoteNode[" + database + "@" + address() + (useTLS ? ", TLS" : ", no TLS")
                + (pinnedFingerprint != null ? ", pinned" : !trustedCertificates.isEmpty() ? ", CA" : useTLS ? ", TOFU" : "")
                + (authToken != null ? ", token" : "") + "]";
    }

    /** Builds a {@link RemoteNode}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final String database;
        private boolean useTLS = true;
        private String authToken;
        private String pinnedFingerprint;
        private List<X509Certificate> trustedCertificates = List.of();
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        private Builder(String host, int port, String database) {
            this.host = Objects.requireNonNull(host, "host").strip();
            this.database = Objects.requireNonNull(database, "database");
            if (this.host.isEmpty()) {
                throw new IllegalArgumentException("the host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a port is 1..65535: " + port);
            }
            int len = database.getBytes(StandardCharsets.UTF_8).length;
            if (len == 0 || len > 255) {
                throw new IllegalArgumentException("a database name has 1 to 255 UTF-8 bytes: '" + database + "'");
            }
            this.port = port;
        }

        /** Whether to use TLS 1.3 (default true). */
        public Builder useTLS(boolean useTLS) {
            this.useTLS = useTLS;
            return this;
        }

        /** The shared auth token, or null for none. */
        public Builder authToken(String token) {
            this.authToken = token == null || token.isEmpty() ? null : token;
            return this;
        }

        /**
         * Trusts exactly the server certificate with this SHA-256 fingerprint (hex, colons and
         * case ignored), as {@code BlazeServer.tlsFingerprint()} prints it.
         */
        public Builder pinnedFingerprint(String fingerprint) {
            this.pinnedFingerprint = fingerprint == null ? null : Fingerprints.normalize(fingerprint);
            return this;
        }

        /**
         * Trusts server certificates signed by one of these (CA) certificates, checked as HTTPS
         * does: validity dates, the chain, and the host name (a subject alternative name of the
         * server's certificate must be the host given to {@link RemoteNode#builder}). A server
         * that fails any is refused with {@link CertificateMismatchException}.
         */
        public Builder trustedCertificates(Collection<X509Certificate> certificates) {
            this.trustedCertificates = List.copyOf(certificates);
            return this;
        }

        /** Trusts server certificates signed by one of these (CA) certificates; see {@link #trustedCertificates(Collection)}. */
        public Builder trustedCertificates(X509Certificate... certificates) {
            return trustedCertificates(Arrays.asList(certificates));
        }

        /** How long the secure handshake may take (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the handshake timeout must be positive");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /** The remote node. */
        public RemoteNode build() {
            return new RemoteNode(this);
        }
    }
}
