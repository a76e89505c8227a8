package dev.blazedb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.CertificateMismatchException;
import dev.blazedb.CorruptDatabaseException;
import dev.blazedb.internal.tls.KnownHosts;
import dev.blazedb.internal.tls.ServerTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS identity kept beside a database, and how clients trust it. */
class TlsIdentityTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("the identity is generated once, kept beside the database, and the same after reopening")
    void keptBesideTheDatabase() {
        String fingerprint;
        try (BlazeDBClient db = Dbs.open(dir, "Server")) {
            fingerprint = TlsIdentity.besideDatabase(db).fingerprint();
            assertThat(TlsIdentity.besideDatabase(db).fingerprint()).isEqualTo(fingerprint);
        }
        try (BlazeDBClient db = Dbs.open(dir, "Server")) {
            TlsIdentity again = TlsIdentity.besideDatabase(db);
            assertThat(again.fingerprint()).isEqualTo(fingerprint);
            assertThat(again.privateKey().getAlgorithm()).isEqualTo("EC");
        }
    }

    @Test
    @DisplayName("the private key is not stored in the clear, and a damaged file fails with CorruptDatabaseException")
    void protectedAtRestAndDamageDetected() throws Exception {
        Path file = TlsIdentity.fileFor(dir.resolve("Server.blazedb"));
        byte[] pkcs8;
        try (BlazeDBClient db = Dbs.open(dir, "Server")) {
            pkcs8 = TlsIdentity.besideDatabase(db).privateKey().getEncoded();
        }
        byte[] stored = Files.readAllBytes(file);
        assertThat(indexOf(stored, java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)))
                .as("the key's bytes do not appear in the file").isNegative();
        stored[stored.length - 5] ^= 1;
        Files.write(file, stored, StandardOpenOption.TRUNCATE_EXISTING);
        try (BlazeDBClient db = Dbs.open(dir, "Server")) {
            assertThatThrownBy(() -> TlsIdentity.besideDatabase(db)).isInstanceOf(CorruptDatabaseException.class)
                    .hasMessageContaining("private key");
        }
    }

    @Test
    @DisplayName("another database cannot open a copied identity file")
    void boundToItsDatabase() throws Exception {
        try (BlazeDBClient db = Dbs.open(dir, "Server")) {
            TlsIdentity.besideDatabase(db);
        }
        Files.copy(TlsIdentity.fileFor(dir.resolve("Server.blazedb")), TlsIdentity.fileFor(dir.resolve("Other.blazedb")));
        try (BlazeDBClient other = Dbs.open(dir, "Other")) {
            assertThatThrownBy(() -> TlsIdentity.besideDatabase(other)).isInstanceOf(CorruptDatabaseException.class);
        }
    }

    @Test
    @DisplayName("trust on first use remembers the first certificate and refuses a different one later")
    void trustOnFirstUse() throws Exception {
        X509Certificate first = TlsIdentity.selfSigned("a").certificate();
        X509Certificate second = TlsIdentity.selfSigned("a").certificate();
        Path file = dir.resolve("client.blazedb.known-hosts");
        ServerTrust trust = ServerTrust.onFirstUse(KnownHosts.file(file), "h:1/db");
        trust.checkServerTrusted(new X509Certificate[] {first}, "EC");
        trust.checkServerTrusted(new X509Certificate[] {first}, "EC");
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {second}, "EC"))
                .isInstanceOf(CertificateException.class)
                .hasCauseInstanceOf(CertificateMismatchException.class)
                .hasMessageContaining("changed");
        // Another key (another server or database) is trusted on its own first use.
        ServerTrust.onFirstUse(KnownHosts.file(file), "h:2/db").checkServerTrusted(new X509Certificate[] {second}, "EC");
        Dbs.await("the known hosts file is written", () -> {
            try {
                return Files.exists(file) && Files.readString(file).contains("h:2/db");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    @DisplayName("a pinned fingerprint accepts that certificate only; CA trust accepts what the CA signed")
    void pinnedAndAuthorities() throws Exception {
        TlsIdentity id = TlsIdentity.selfSigned("pinned");
        ServerTrust pinned = ServerTrust.pinned(id.fingerprint().toUpperCase(java.util.Locale.ROOT), "k");
        pinned.checkServerTrusted(new X509Certificate[] {id.certificate()}, "EC");
        assertThatThrownBy(() -> pinned.checkServerTrusted(new X509Certificate[] {TlsIdentity.selfSigned("x").certificate()}, "EC"))
                .hasCauseInstanceOf(CertificateMismatchException.class);
        // A self-signed certificate is its own CA.
        ServerTrust ca = ServerTrust.authorities(java.util.List.of(id.certificate()), "k");
        assertThat(ca.verifiesHostNames()).isTrue();
        assertThatThrownBy(() -> ca.checkServerTrusted(new X509Certificate[] {TlsIdentity.selfSigned("y").certificate()}, "EC"))
                .hasCauseInstanceOf(CertificateMismatchException.class);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
