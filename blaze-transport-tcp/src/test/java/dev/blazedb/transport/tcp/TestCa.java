package dev.blazedb.transport.tcp;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;

/** A certificate authority for tests, made with the same Bouncy Castle code as {@link TlsIdentity}. */
final class TestCa {

    private final KeyPair keys = TlsIdentity.newKeyPair();
    private final X500Name name;
    private final X509Certificate certificate;

    TestCa(String commonName) {
        this.name = TlsIdentity.distinguishedName(commonName);
        Instant now = Instant.now();
        this.certificate = TlsIdentity.certificate(name, keys.getPublic(), name, keys.getPrivate(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true, List.of());
    }

    /** The CA's own (self-signed) certificate, which clients trust. */
    X509Certificate certificate() {
        return certificate;
    }

    /** A server identity signed by this CA, valid now, for localhost and the loopback address. */
    TlsIdentity issue(String commonName) {
        Instant now = Instant.now();
        return issue(commonName, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), TlsIdentity.LOOPBACK_NAMES);
    }

    /** A server identity signed by this CA; its chain is the server's certificate, then the CA's. */
    TlsIdentity issue(String commonName, Instant notBefore, Instant notAfter, List<GeneralName> names) {
        KeyPair server = TlsIdentity.newKeyPair();
        X509Certificate cert = TlsIdentity.certificate(TlsIdentity.distinguishedName(commonName), server.getPublic(), name,
                keys.getPrivate(), notBefore, notAfter, false, names);
        return TlsIdentity.of(server.getPrivate(), List.of(cert, certificate));
    }
}
