package dev.blazedb.transport;

import dev.blazedb.ProtocolException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

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
    /**
     * P-256 with Bouncy Castle's specialised field arithmetic: measured warm on this machine, a
     * key pair in 64 us and an agreement in 184 us, against 472 us and 865 us with the JDK 17
     * provider (SunEC); a handshake does one of each on each side. Only the curve arithmetic is
     * Bouncy Castle's: its key generator, key parameters and agreement normalise points with the
     * JVM-wide default {@code SecureRandom}, which reads /dev/urandom now and then, a blocking
     * read on an event loop; {@link #affine} does the same with {@link #RANDOM}.
     */
    private static final ECDomainParameters P256;

    static {
        try {
            RANDOM = SecureRandom.getInstance("DRBG");
            RANDOM.nextBytes(new byte[32]);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
        X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
        P256 = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
        if (P256.getCurve().getCoordinateSystem() != ECCurve.COORD_JACOBIAN) {
            throw new ExceptionInInitializerError("expected P-256 in Jacobian coordinates");
        }
    }

    /** Session keys derived from one handshake. */
    record SessionKeys(byte[] clientToServer, byte[] serverToClient, byte[] authKey) {
    }

    /**
     * An ephemeral P-256 key pair.
     *
     * @param privateKey  the private scalar, 1..n-1
     * @param publicPoint the public point as a hello carries it: uncompressed, {@code 04 | x | y}, 65 bytes
     */
    record Ephemeral(BigInteger privateKey, byte[] publicPoint) {
    }

    private SecureKeys() {
    }

    /** Forces class initialization (and the DRBG's seeding) on the calling thread. */
    static void init() {
        // The static initializer did the work.
    }

    static Ephemeral ephemeral() {
        BigInteger n = P256.getN();
        BigInteger d;
        do {
            d = BigIntegers.createRandomBigInteger(n.bitLength(), RANDOM);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        ECPoint q = affine(new FixedPointCombMultiplier().multiply(P256.getG(), d));
        return new Ephemeral(d, q.getEncoded(false));
    }

    /**
     * The public key a hello carries, checked to be a point on P-256 (an invalid point would leak
     * the private key through the agreement; on P-256, whose cofactor is 1, every point of the
     * curve but infinity is in the group).
     *
     * @throws ProtocolException if it is not
     */
    static ECPoint decodePoint(byte[] encoded) {
        if (encoded.length != SecureHello.KEY_LENGTH || encoded[0] != 0x04) {
            throw new ProtocolException("secure hello: not an uncompressed P-256 point");
        }
        ECPoint q;
        try {
            // Rejects coordinates outside the field and points off the curve.
            q = P256.getCurve().decodePoint(encoded);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("secure hello: the ephemeral key is not a point on P-256", e);
        }
        if (q.isInfinity()) {
            throw new ProtocolException("secure hello: the ephemeral key is the point at infinity");
        }
        return q;
    }

    /** ECDH: the x coordinate of {@code own} times {@code peer}, 32 bytes big-endian (as the JDK's ECDH gives it). */
    static byte[] agree(BigInteger own, ECPoint peer) {
        ECPoint shared = peer.multiply(own);
        if (shared.isInfinity()) {
            throw new ProtocolException("secure handshake: key agreement failed (the point at infinity)");
        }
        return BigIntegers.asUnsignedByteArray(32, affine(shared).getAffineXCoord().toBigInteger());
    }

    /**
     * The affine form of a point in Jacobian coordinates (x = X / Z^2, y = Y / Z^3), the inversion
     * blinded by a random factor as Bouncy Castle's {@code normalize} does, drawn from {@link #RANDOM}.
     */
    private static ECPoint affine(ECPoint p) {
        ECFieldElement z = p.getZCoord(0);
        if (z.isOne()) {
            return p;
        }
        ECCurve curve = P256.getCurve();
        ECFieldElement blind = curve.randomFieldElementMult(RANDOM);
        ECFieldElement zInv = z.multiply(blind).invert().multiply(blind);
        ECFieldElement zInv2 = zInv.square();
        return curve.createPoint(p.getRawXCoord().multiply(zInv2).toBigInteger(),
                p.getRawYCoord().multiply(zInv2.multiply(zInv)).toBigInteger());
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
