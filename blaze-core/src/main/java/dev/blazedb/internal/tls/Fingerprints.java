package dev.blazedb.internal.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 certificate fingerprints as lower-case hex without separators. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** The SHA-256 fingerprint of {@code certificate}'s DER encoding. */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }

    /**
     * {@code fingerprint} in canonical form: colons and spaces removed, lower case; accepts the
     * {@code AB:CD:...} form tools print.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    public static String normalize(String fingerprint) {
        String s = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (s.length() != 64 || !s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 64 hex digits: " + fingerprint);
        }
        return s;
    }
}
