package dev.blazedb.transport.tcp;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeStorageException;
import dev.blazedb.CorruptDatabaseException;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.tls.Fingerprints;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A server's TLS identity: a private key and its certificate chain.
 *
 * <p>{@link #selfSigned(String)} makes a fresh P-256 key and a self-signed certificate (Bouncy
 * Castle), valid for ten years, with the names {@code localhost} and {@code 127.0.0.1}.
 * {@link #besideDatabase(BlazeDBClient)} keeps one beside a file database, generated on first
 * start, in {@code <database file>.tls}:
 *
 * <pre>
 * +--------+---------+----------------+------------+-----------+----------------------------+
 * | "BZTLS"| version | cert length u32| cert (DER) | nonce (12)| AES-256-GCM(PKCS#8 key) +tag |
 * +--------+---------+----------------+------------+-----------+----------------------------+
 *   5 bytes  1 byte     4 bytes, BE
 * </pre>
 *
 * The private key is encrypted with a key derived from the database's own data key (HKDF), so
 * only someone who can open the database can use the identity; the certificate (public) is the
 * AAD. A damaged or foreign file fails with {@link CorruptDatabaseException}, never silently
 * replaced: clients that pinned the fingerprint would otherwise be refused without explanation.
 */
public final class TlsIdentity {

    private static final byte[] MAGIC = {'B', 'Z', 'T', 'L', 'S'};
    private static final int VERSION = 1;
    private static final String KEY_PURPOSE = "blazedb tls identity v1";

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    private TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.chain = List.copyOf(chain);
        if (this.chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
    }

    /**
     * A user-supplied identity.
     *
     * @param privateKey the server's private key
     * @param chain the server's certificate first, then its issuers
     * @return the identity
     */
    public static TlsIdentity of(PrivateKey privateKey, List<X509Certificate> chain) {
        return new TlsIdentity(privateKey, chain);
    }

    /**
     * A fresh self-signed identity (P-256, SHA256withECDSA), for {@code commonName}.
     *
     * @param commonName the certificate's CN
     * @return the identity
     */
    public static TlsIdentity selfSigned(String commonName) {
        KeyPair kp = newKeyPair();
        X500Name name = distinguishedName(commonName);
        Instant now = Instant.now();
        X509Certificate cert = certificate(name, kp.getPublic(), name, kp.getPrivate(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)), false, LOOPBACK_NAMES);
        return new TlsIdentity(kp.getPrivate(), List.of(cert));
    }

    /** The names of the self-signed certificate: {@code localhost} and the loopback address. */
    static final List<GeneralName> LOOPBACK_NAMES = List.of(
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()));

    /** A fresh P-256 key pair. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /** {@code CN=commonName}, with the characters that would change the name's structure replaced. */
    static X500Name distinguishedName(String commonName) {
        return new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
    }

    /**
     * An X.509 v3 certificate (Bouncy Castle, SHA256withECDSA) for {@code key}, signed by
     * {@code signer}: self-signed when {@code issuer} is {@code subject}. A CA certificate
     * ({@code ca}) may sign others; a leaf names the hosts it serves in {@code names} (the
     * subject alternative names clients check their host name against).
     */
    static X509Certificate certificate(X500Name subject, PublicKey key, X500Name issuer, PrivateKey signer,
                                       Instant notBefore, Instant notAfter, boolean ca, List<GeneralName> names) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, new SecureRandom()),
                    Date.from(notBefore), Date.from(notAfter), subject, key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a certificate for " + subject, e);
        }
    }

    /**
     * The identity kept beside {@code db}'s file, generated and saved on first use; for an
     * in-memory database a fresh self-signed one, held in memory only. Blocking (file I/O).
     *
     * @param db the database the identity belongs to
     * @return the identity
     * @throws CorruptDatabaseException if the file exists but cannot be read back
     */
    public static TlsIdentity besideDatabase(BlazeDBClient db) {
        if (db.file().isEmpty()) {
            return selfSigned(db.name());
        }
        Path file = fileFor(db.file().get());
        byte[] key = InternalAccess.engine(db).deriveKey(KEY_PURPOSE);
        try {
            if (Files.exists(file)) {
                return read(file, key);
            }
            TlsIdentity fresh = selfSigned(db.name());
            write(file, fresh, key);
            return fresh;
        } catch (IOException e) {
            throw new BlazeStorageException("cannot keep the TLS identity in " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The file beside a database file that holds its TLS identity. */
    public static Path fileFor(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".tls");
    }

    private static void write(Path file, TlsIdentity id, byte[] key) throws IOException {
        try {
            byte[] cert = id.certificate().getEncoded();
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(cert);
            byte[] sealed = c.doFinal(id.privateKey.getEncoded());
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 1 + 4 + cert.length + 12 + sealed.length);
            b.put(MAGIC).put((byte) VERSION).putInt(cert.length).put(cert).put(nonce).put(sealed);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, b.array());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the TLS identity", e);
        }
    }

    private static TlsIdentity read(Path file, byte[] key) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC) || b.get() != VERSION) {
                throw corrupt(file, "TLS identity: not a BlazeDB TLS identity file");
            }
            int certLength = b.getInt();
            if (certLength <= 0 || certLength > b.remaining() - 12 - 16) {
                throw corrupt(file, "TLS identity: bad certificate length " + certLength);
            }
            byte[] cert = new byte[certLength];
            b.get(cert);
            byte[] nonce = new byte[12];
            b.get(nonce);
            byte[] sealed = new byte[b.remaining()];
            b.get(sealed);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(cert);
            byte[] pkcs8 = c.doFinal(sealed);
            X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(cert));
            PrivateKey pk = KeyFactory.getInstance(x.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new TlsIdentity(pk, List.of(x));
        } catch (AEADBadTagException e) {
            throw corrupt(file, "TLS identity: its private key does not open with this"
                    + " database's key (damaged, or it belongs to another database)");
        } catch (java.nio.BufferUnderflowException e) {
            throw corrupt(file, "TLS identity: truncated");
        } catch (GeneralSecurityException e) {
            throw corrupt(file, "TLS identity: " + e.getMessage());
        }
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The server's certificate (first of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The chain, the server's certificate first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The SHA-256 fingerprint of the certificate, lower-case hex, as clients pin it. */
    public String fingerprint() {
        return Fingerprints.sha256(certificate());
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint() + "]";
    }

    private static CorruptDatabaseException corrupt(Path file, String what) {
        return new CorruptDatabaseException(file.toString(), 0, what);
    }
}
