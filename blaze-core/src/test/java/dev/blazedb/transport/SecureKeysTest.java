package dev.blazedb.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.ProtocolException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The handshake's elliptic-curve part against the JDK's own P-256, and its refusals of bad points. */
class SecureKeysTest {

    @Test
    @DisplayName("the shared secret is the JDK's ECDH secret for the same keys (peers of earlier versions agree)")
    void agreementMatchesTheJdk() throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
        KeyFactory kf = KeyFactory.getInstance("EC");
        for (int i = 0; i < 20; i++) {
            SecureKeys.Ephemeral a = SecureKeys.ephemeral();
            SecureKeys.Ephemeral b = SecureKeys.ephemeral();
            byte[] ours = SecureKeys.agree(a.privateKey(), SecureKeys.decodePoint(b.publicPoint()));

            PrivateKey jdkPrivate = kf.generatePrivate(new ECPrivateKeySpec(a.privateKey(), spec));
            byte[] q = b.publicPoint();
            PublicKey jdkPublic = kf.generatePublic(new ECPublicKeySpec(new ECPoint(
                    new BigInteger(1, Arrays.copyOfRange(q, 1, 33)), new BigInteger(1, Arrays.copyOfRange(q, 33, 65))), spec));
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(jdkPrivate);
            ka.doPhase(jdkPublic, true);
            assertThat(ours).hasSize(32).isEqualTo(ka.generateSecret());
        }
    }

    @Test
    @DisplayName("key pairs and agreements on a Reactor parallel thread never block (BlockHound): no read of the OS entropy source")
    void keysNeverBlockAnEventLoop() {
        // The JVM's default SecureRandom reads /dev/urandom: caught on a parallel thread, so BlockHound is live here.
        StepVerifier.create(Mono.fromRunnable(() -> new SecureRandom().nextBytes(new byte[100_000])).subscribeOn(Schedulers.parallel()))
                .expectErrorMatches(e -> e.getClass().getName().equals("reactor.blockhound.BlockingOperationError"))
                .verify(Duration.ofSeconds(10));
        // Bouncy Castle's own key generator and agreement draw from that source to normalise points;
        // 500 handshakes' worth of ours use the class's DRBG only.
        StepVerifier.create(Mono.fromCallable(() -> {
            for (int i = 0; i < 500; i++) {
                SecureKeys.Ephemeral a = SecureKeys.ephemeral();
                SecureKeys.agree(a.privateKey(), SecureKeys.decodePoint(SecureKeys.ephemeral().publicPoint()));
            }
            return true;
        }).subscribeOn(Schedulers.parallel())).expectNext(true).verifyComplete();
    }

    @Test
    @DisplayName("a public key off the curve, outside the field or not uncompressed is refused with ProtocolException")
    void badPointsAreRefused() {
        byte[] good = SecureKeys.ephemeral().publicPoint();
        byte[] offCurve = good.clone();
        offCurve[64] ^= 1; // y no longer matches x
        assertThatThrownBy(() -> SecureKeys.decodePoint(offCurve)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not a point on P-256");
        byte[] outsideField = good.clone();
        Arrays.fill(outsideField, 1, 33, (byte) 0xff); // x >= p
        assertThatThrownBy(() -> SecureKeys.decodePoint(outsideField)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not a point on P-256");
        byte[] compressed = good.clone();
        compressed[0] = 0x02;
        assertThatThrownBy(() -> SecureKeys.decodePoint(compressed)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not an uncompressed P-256 point");
        assertThatThrownBy(() -> SecureKeys.decodePoint(Arrays.copyOf(good, 64))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> SecureKeys.decodePoint(new byte[65])).isInstanceOf(ProtocolException.class);
    }
}
