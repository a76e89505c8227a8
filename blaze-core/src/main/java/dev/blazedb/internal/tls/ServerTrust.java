package dev.blazedb.internal.tls;

import dev.blazedb.CertificateMismatchException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a client decides to trust a server's TLS certificate: a pinned SHA-256 fingerprint, a set
 * of trusted CA certificates, or trust on first use with {@link KnownHosts}.
 *
 * <p>An {@link X509ExtendedTrustManager}, so the JDK does not wrap it with its own host-name
 * check: pinning and known hosts identify the server by its exact certificate, which a
 * self-signed identity cannot match to a host name anyway, and neither validity dates nor host
 * names are checked for them (the certificate itself is the identity, as with SSH host keys).
 * With CAs, the JDK's PKIX manager decides as for HTTPS: validity dates, the chain to a trusted
 * CA, and the host name (the TLS layer turns host-name verification on); the error says which.
 *
 * <p>A refused certificate throws a {@link CertificateException} whose cause is a
 * {@link CertificateMismatchException}; the transport unwraps it so the caller sees the latter.
 */
public final class ServerTrust extends X509ExtendedTrustManager {

    private final String pinned;
    private final X509ExtendedTrustManager cas;
    private final KnownHosts knownHosts;
    private final String key;

    private ServerTrust(String pinned, X509ExtendedTrustManager cas, KnownHosts knownHosts, String key) {
        this.pinned = pinned;
        this.cas = cas;
        this.knownHosts = knownHosts;
        this.key = key;
    }

    /** Trusts exactly the certificate whose SHA-256 fingerprint is {@code fingerprint}. */
    public static ServerTrust pinned(String fingerprint, String key) {
        return new ServerTrust(Fingerprints.normalize(fingerprint), null, null, key);
    }

    /** Trusts certificates that chain to one of {@code authorities}. */
    public static ServerTrust authorities(List<X509Certificate> authorities, String key) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : authorities) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(ks);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new ServerTrust(null, x, null, key);
                }
            }
            throw new IllegalStateException("no X509 trust manager available");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot use the trusted certificates: " + e.getMessage(), e);
        }
    }

    /** Trusts the first certificate seen for {@code key} and, later, only that one. */
    public static ServerTrust onFirstUse(KnownHosts knownHosts, String key) {
        return new ServerTrust(null, null, Objects.requireNonNull(knownHosts), key);
    }

    /** Whether trust comes from CAs (then host names are verified as usual). */
    public boolean verifiesHostNames() {
        return cas != null;
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        String actual = Fingerprints.sha256(chain[0]);
        if (cas != null) {
            checkWithAuthorities(chain, authType, engine, actual);
            return;
        }
        String expected = pinned != null ? pinned : knownHosts.rememberIfAbsent(key, actual);
        if (!expected.equals(actual)) {
            String why = pinned != null
                    ? "the certificate of " + key + " has SHA-256 " + actual + " but " + expected + " is pinned"
                    : "the certificate of " + key + " changed: SHA-256 " + actual + " where " + expected
                            + " was trusted on first use; if the server's identity really changed, remove its line from the known hosts";
            throw new CertificateException(why, new CertificateMismatchException(why, expected, actual));
        }
    }

    /**
     * PKIX against the trusted CAs, as HTTPS does, in three steps so that the error says which
     * one failed: every certificate of the chain within its validity dates; the chain signed by a
     * trusted CA; the server's certificate naming the host the client dialled (when the engine
     * asks for host-name verification, which the TCP transport does with CAs).
     */
    private void checkWithAuthorities(X509Certificate[] chain, String authType, SSLEngine engine, String actual)
            throws CertificateException {
        for (X509Certificate c : chain) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                boolean expired = e instanceof CertificateExpiredException;
                throw refused(actual, "the certificate of " + key + " (SHA-256 " + actual + ") "
                        + (c == chain[0] ? "" : "has an issuer '" + c.getSubjectX500Principal().getName() + "' that ")
                        + (expired ? "expired on " + c.getNotAfter().toInstant() : "is not valid before " + c.getNotBefore().toInstant()), e);
            }
        }
        try {
            cas.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refused(actual, "the certificate of " + key + " (SHA-256 " + actual + ") is not signed by a trusted"
                    + " certificate: " + e.getMessage(), e);
        }
        if (engine != null) {
            try {
                cas.checkServerTrusted(chain, authType, engine); // the chain passed above: what is left is the name
            } catch (CertificateException e) {
                throw refused(actual, "the certificate of " + key + " (SHA-256 " + actual + ") is not issued for the host"
                        + " name '" + engine.getPeerHost() + "': " + e.getMessage(), e);
            }
        }
    }

    private static CertificateException refused(String actual, String why, CertificateException jdk) {
        CertificateMismatchException mismatch = new CertificateMismatchException(why, null, actual);
        mismatch.addSuppressed(jdk);
        return new CertificateException(why, mismatch);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client trust manager does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas != null ? cas.getAcceptedIssuers() : new X509Certificate[0];
    }
}
