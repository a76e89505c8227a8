package dev.blazedb.transport;

import dev.blazedb.ProtocolException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The key schedule of the secure handshake: ephemeral P-256 keys, ECDH, HKDF-SHA256 and the
 * token proofs. See docs/tcp-security.md.
 *
 * <pre>
 * shared   = ECDH(own ephemeral private key, peer's ephemeral public key)     32 bytes
 * info     = the two database names, sorted, joined by ':' (UTF-8)
 * okm      = HKDF-SHA256(ikm = shared, salt = "blazedb-sync-v1", info)       96 bytes
 * c2s, s2c = okm[0..32), okm[32..64)        AES-256-GCM keys, one per direction
 * authKey  = HKDF-SHA256(ikm = token, salt = okm[64..96), "blazedb-sync-v1 auth")
 * th       = SHA-256("blazedb-sync-v1" | u32 len | client hello | u32 len | server hello)
 * proof    = HMAC-SHA256(authKey, "client" | th)  or  (authKey, "server" | th)
 * </pre>
 */
final class SecureKeys {

    static final byte[] SALT = "blazedb-sync-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTH_INFO = "blazedb-sync-v1 auth".getBytes(StandardCharsets.US_ASCII);
    static final int PROOF_LENGTH = 32;

    /**
     * A DRBG seeded once, here, when the class initializes (on the thread that builds a
     * {@link SecureSession.Config}): it never reads the OS entropy source again, so key
     * generation never blocks an event loop.
     */
    private static final SecureRandom RANDOM;
    private static final ECParameterSpec P256;

    static {
        try {
            RANDOM = SecureRandom.getInstance("DRBG");
            RANDOM.nextBytes(new byte[32]);
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            P256 = p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Session keys derived from one handshake. */
    record SessionKeys(byte[] clientToServer, byte[] serverToClient, byte[] authKey) {
    }

    private SecureKeys() {
    }

    /** Forces class initialization (and the DRBG's seeding) on the calling thread. */
    static void init() {
        // The static initializer did the work.
    }

    static KeyPair ephemeral() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(P256, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is not available in this JDK", e);
        }
    }

    static byte[] encodePoint(PublicKey key) {
        ECPoint w = ((ECPublicKey) key).getW();
        byte[] out = new byte[SecureHello.KEY_LENGTH];
        out[0] = 0x04;
        fixed(w.getAffineX(), out, 1);
        fixed(w.getAffineY(), out, 33);
        return out;
    }

    private static void fixed(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
    }

    /**
     * The public key a hello carries, checked to be a point on P-256 (an invalid point would leak
     * the private key through the agreement).
     *
     * @throws ProtocolException if it is not
     */
    static PublicKey decodePoint(byte[] encoded) {
        if (encoded.length != SecureHello.KEY_LENGTH || encoded[0] != 0x04) {
            throw new ProtocolException("secure hello: not an uncompressed P-256 point");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(encoded, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(encoded, 33, 65));
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        BigInteger a = P256.getCurve().getA();
        BigInteger b = P256.getCurve().getB();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0
                || !y.multiply(y).mod(p).equals(x.pow(3).add(a.multiply(x)).add(b).mod(p))) {
            throw new ProtocolException("secure hello: the ephemeral key is not a point on P-256");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("secure hello: the ephemeral key is not a valid P-256 key", e);
        }
    }

    static byte[] agree(PrivateKey own, PublicKey peer) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(own);
            ka.doPhase(peer, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("secure handshake: key agreement failed", e);
        }
    }

    static String info(String databaseA, String databaseB) {
        return databaseA.compareTo(databaseB) <= 0 ? databaseA + ":" + databaseB : databaseB + ":" + databaseA;
    }

    static SessionKeys derive(byte[] shared, String databaseA, String databaseB, byte[] token) {
        byte[] okm = hkdf(shared, SALT, info(databaseA, databaseB).getBytes(StandardCharsets.UTF_8), 96);
        byte[] auth = hkdf(token, Arrays.copyOfRange(okm, 64, 96), AUTH_INFO, 32);
        return new SessionKeys(Arrays.copyOfRange(okm, 0, 32), Arrays.copyOfRange(okm, 32, 64), auth);
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    static byte[] transcript(byte[] clientHello, byte[] serverHello) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(SALT);
            d.update(ByteBuffer.allocate(4).putInt(clientHello.length).array());
            d.update(clientHello);
            d.update(ByteBuffer.allocate(4).putInt(serverHello.length).array());
            d.update(serverHello);
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] proof(byte[] authKey, String label, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(authKey, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(transcript);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares in time independent of where the arrays differ. */
    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
