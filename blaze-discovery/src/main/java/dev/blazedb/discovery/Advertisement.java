package dev.blazedb.discovery;

import dev.blazedb.NodeId;
import dev.blazedb.SyncProtocol;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server advertises: its database name, port, node id, whether it speaks TLS and, if so,
 * the SHA-256 fingerprint of its certificate.
 *
 * <p>On the wire it is a DNS-SD service of type {@value BlazeDiscovery#SERVICE_TYPE} whose SRV
 * record gives the host and port, and whose TXT record holds these keys (RFC 6763 section 6; keys
 * are short because the whole record should stay small):
 *
 * <pre>
 * key      value                                     example
 * txtvers  TXT layout version, always 1              1
 * db       database name, UTF-8 (at most 252 bytes)  Database1
 * node     the database's node id (UUID)             0f8fad5b-d9cb-469f-a165-70867728950e
 * pv       sync protocol version (decimal)           1
 * tls      1 when the server speaks TLS, else 0      1
 * fp       SHA-256 of the certificate, 64 lowercase  9f86d081884c7d659a2feaa0c55ad015...
 *          hex digits (only with tls=1, optional)
 * </pre>
 *
 * <p>The service's instance name is {@link #instanceName()}: the database name followed by the
 * node id's first eight hex digits and the port, so two servers advertising the same database
 * name on one network still have distinct instance names.
 *
 * @param database    the database name; not blank, at most {@value #MAX_NAME_BYTES} bytes of UTF-8
 * @param port        the server's TCP port, 1 to 65535
 * @param nodeId      the advertised database's node id
 * @param tls         whether the server speaks TLS
 * @param fingerprint the certificate's SHA-256 fingerprint as 64 hex digits (colons allowed,
 *                    normalised to lowercase without colons), or null; only with {@code tls}
 */
public record Advertisement(String database, int port, NodeId nodeId, boolean tls, String fingerprint) {

    /** The longest database name, in bytes of UTF-8, that fits one TXT string ({@code db=} + name). */
    public static final int MAX_NAME_BYTES = 252;

    /** The longest DNS label, in bytes: the limit of an instance name. */
    static final int MAX_INSTANCE_BYTES = 63;

    /** Validates and normalises the fields. */
    public Advertisement {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(nodeId, "nodeId");
        if (database.isBlank()) {
            throw new IllegalArgumentException("database name is blank");
        }
        int bytes = database.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("database name is " + bytes + " bytes of UTF-8; an mDNS TXT entry holds at most "
                    + MAX_NAME_BYTES);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535 (advertise the bound port, not 0)");
        }
        if (fingerprint != null) {
            if (!tls) {
                throw new IllegalArgumentException("a certificate fingerprint is advertised only with TLS");
            }
            fingerprint = normaliseFingerprint(fingerprint)
                    .orElseThrow(() -> new IllegalArgumentException("fingerprint is not a SHA-256 digest in hex (64 hex digits, colons allowed)"));
        }
    }

    /** A server without TLS. */
    public static Advertisement plain(String database, int port, NodeId nodeId) {
        return new Advertisement(database, port, nodeId, false, null);
    }

    /** A server speaking TLS with the certificate whose SHA-256 fingerprint is {@code fingerprint} (hex). */
    public static Advertisement tls(String database, int port, NodeId nodeId, String fingerprint) {
        return new Advertisement(database, port, nodeId, true, Objects.requireNonNull(fingerprint, "fingerprint"));
    }

    /** The advertised fingerprint, if any. */
    public Optional<String> fingerprintIfAny() {
        return Optional.ofNullable(fingerprint);
    }

    /** The sync protocol version advertised: always this build's {@link SyncProtocol#VERSION}. */
    public int protocolVersion() {
        return SyncProtocol.VERSION;
    }

    /**
     * The DNS-SD instance name: {@code "<database> [<first 8 hex digits of the node id>:<port>]"},
     * with dots and control characters in the name replaced (jmDNS mishandles dots in instance
     * names) and the name shortened to keep the whole within one DNS label (63 bytes).
     */
    public String instanceName() {
        String suffix = " [" + nodeId.toString().substring(0, 8) + ":" + port + "]";
        int room = MAX_INSTANCE_BYTES - suffix.length();
        StringBuilder name = new StringBuilder();
        int used = 0;
        for (int i = 0; i < database.length(); ) {
            int cp = database.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '.' || Character.isISOControl(cp)) {
                cp = '-';
            }
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > room) {
                break;
            }
            name.appendCodePoint(cp);
            used += size;
        }
        return name + suffix;
    }

    /** {@code text} as 64 lowercase hex digits when it is a SHA-256 digest in hex (colons allowed). */
    static Optional<String> normaliseFingerprint(String text) {
        String hex = text.replace(":", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64) {
            return Optional.empty();
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return Optional.empty();
            }
        }
        return Optional.of(hex);
    }
}
