package dev.blazedb;

/**
 * The server's TLS certificate is not the one this client trusts: not the pinned fingerprint, not
 * the one remembered from the first connection to that host, port and database (as SSH's known
 * hosts), or not signed by a trusted CA. Nothing was sent beyond the TLS handshake.
 */
public class CertificateMismatchException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    /**
     * Creates the exception.
     *
     * @param message what was expected and where
     * @param expected the trusted SHA-256 fingerprint (hex), or null when trust came from CAs
     * @param actual the fingerprint the server presented
     */
    public CertificateMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** The fingerprint this client trusts (hex), or null when trust came from CAs. */
    public String expectedFingerprint() {
        return expected;
    }

    /** The fingerprint the server presented (hex). */
    public String actualFingerprint() {
        return actual;
    }
}
