package dev.blazedb.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.TamperedFrameException;
import dev.blazedb.codec.PropertyCheck;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of what a peer controls in the secure session: hellos and sealed frames, random
 * and mutated. Every input either parses to something well-formed or fails with the one specific
 * exception (ProtocolException for hellos, TamperedFrameException for frames); nothing else
 * escapes, and a sealer that refused a frame is still usable for nothing but failure.
 */
class SecureHandshakeFuzzTest {

    private static final SecureKeys.Ephemeral KEY = SecureKeys.ephemeral();
    private static final byte[] VALID_HELLO = new SecureHello(SecureHello.VERSION, SecureHello.CAP_E2E | SecureHello.CAP_TOKEN,
            NodeId.of(new UUID(1, 2)), KEY.publicPoint(), "fuzzed-db").encode();

    @Test
    @DisplayName("a hello round-trips through encode and decode")
    void aHelloRoundTrips() {
        SecureHello h = SecureHello.decode(ByteBuffer.wrap(VALID_HELLO));
        assertThat(h.database()).isEqualTo("fuzzed-db");
        assertThat(h.nodeId()).isEqualTo(NodeId.of(new UUID(1, 2)));
        assertThat(h.has(SecureHello.CAP_E2E)).isTrue();
        assertThat(SecureKeys.decodePoint(h.publicKey()).getEncoded(false)).isEqualTo(KEY.publicPoint());
        assertThat(h.encode()).isEqualTo(VALID_HELLO);
    }

    @Test
    @DisplayName("5,000 random byte strings as hellos fail with ProtocolException or parse, never anything else")
    void randomHellos() {
        PropertyCheck.forAll("random hello", 5_000, r -> {
            byte[] b = new byte[r.nextInt(0, 200)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = SecureHello.VERSION;
            }
            return b;
        }, SecureHandshakeFuzzTest::parseHello);
    }

    @Test
    @DisplayName("5,000 mutated valid hellos fail with ProtocolException or parse, never anything else")
    void mutatedHellos() {
        PropertyCheck.forAll("mutated hello", 5_000, r -> mutate(VALID_HELLO, r), SecureHandshakeFuzzTest::parseHello);
    }

    private static void parseHello(byte[] bytes) {
        try {
            SecureHello h = SecureHello.decode(ByteBuffer.wrap(bytes));
            // Whatever parses must also carry a key that is on the curve, or be refused as one.
            try {
                SecureKeys.decodePoint(h.publicKey());
            } catch (ProtocolException expected) {
                // refused: fine
            }
            assertThat(h.encode()).isEqualTo(bytes);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    @DisplayName("5,000 mutated sealed frames are all refused with TamperedFrameException; untouched ones open")
    void mutatedSealedFrames() {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        Arrays.fill(k2, (byte) 7);
        // One pair for all tries: each refused frame leaves the receiver where it was, and the
        // untouched frame then opens, which keeps the two counters in step.
        FrameSealer sender = new FrameSealer(k1, k2, 1 << 20);
        FrameSealer receiver = new FrameSealer(k2, k1, 1 << 20);
        PropertyCheck.forAll("mutated sealed frame", 5_000, r -> {
            byte[] payload = new byte[r.nextInt(0, 300)];
            r.nextBytes(payload);
            return new Object[] {Frame.wrap(r.nextInt(0, 0xF0), payload), r.nextLong()};
        }, input -> {
            Frame plain = (Frame) input[0];
            SplittableRandom r = new SplittableRandom((Long) input[1]);
            Frame sealed = sender.seal(plain);
            byte[] bytes = sealed.toByteArray();
            byte[] mutated = mutate(bytes, r);
            int type = r.nextInt(10) == 0 ? r.nextInt(0, 0xF0) : FrameSealer.SEALED_TYPE;
            Frame attack = Frame.wrap(type, mutated);
            if (type == FrameSealer.SEALED_TYPE && Arrays.equals(mutated, bytes)) {
                assertThat(receiver.open(attack)).isEqualTo(plain);
            } else {
                assertThatThrownBy(() -> receiver.open(attack)).isInstanceOf(TamperedFrameException.class);
                assertThat(receiver.open(sealed)).isEqualTo(plain);
            }
        });
    }

    @Test
    @DisplayName("a replayed, a reordered and an altered frame are each refused with a message saying which")
    void replayReorderAlter() {
        byte[] k = new byte[32];
        FrameSealer sender = new FrameSealer(k, k, 1 << 20);
        FrameSealer receiver = new FrameSealer(k, k, 1 << 20);
        Frame f0 = sender.seal(Frame.copyOf(1, new byte[] {1}));
        Frame f1 = sender.seal(Frame.copyOf(1, new byte[] {2}));
        Frame f2 = sender.seal(Frame.copyOf(1, new byte[] {3}));
        assertThat(receiver.open(f0).toByteArray()).containsExactly(1);
        assertThatThrownBy(() -> receiver.open(f0)).isInstanceOf(TamperedFrameException.class).hasMessageContaining("replayed");
        assertThatThrownBy(() -> receiver.open(f2)).isInstanceOf(TamperedFrameException.class).hasMessageContaining("reordered");
        byte[] altered = f1.toByteArray();
        altered[FrameSealer.COUNTER_LENGTH] ^= 1;
        assertThatThrownBy(() -> receiver.open(Frame.wrap(FrameSealer.SEALED_TYPE, altered)))
                .isInstanceOf(TamperedFrameException.class).hasMessageContaining("altered");
    }

    @Test
    @DisplayName("keys derive identically on both sides, differ per direction, and bind the token")
    void keySchedule() {
        SecureKeys.Ephemeral a = SecureKeys.ephemeral();
        SecureKeys.Ephemeral b = SecureKeys.ephemeral();
        byte[] s1 = SecureKeys.agree(a.privateKey(), SecureKeys.decodePoint(b.publicPoint()));
        byte[] s2 = SecureKeys.agree(b.privateKey(), SecureKeys.decodePoint(a.publicPoint()));
        assertThat(s1).isEqualTo(s2);
        SecureKeys.SessionKeys k1 = SecureKeys.derive(s1, "server", "client", "t".getBytes());
        SecureKeys.SessionKeys k2 = SecureKeys.derive(s2, "client", "server", "t".getBytes());
        SecureKeys.SessionKeys k3 = SecureKeys.derive(s2, "client", "server", "u".getBytes());
        assertThat(k1.clientToServer()).isEqualTo(k2.clientToServer()).isNotEqualTo(k1.serverToClient());
        assertThat(k1.authKey()).isEqualTo(k2.authKey()).isNotEqualTo(k3.authKey());
        assertThat(k1.clientToServer()).isEqualTo(k3.clientToServer());
        assertThat(SecureKeys.info("b", "a")).isEqualTo("a:b");
    }

    /** A copy of {@code bytes} with 1 to 4 random mutations: bit flips, byte sets, truncation, extension. */
    static byte[] mutate(byte[] bytes, SplittableRandom r) {
        byte[] b = bytes.clone();
        int n = r.nextInt(1, 5);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, r.nextInt(0, b.length + 1));
                case 3 -> {
                    byte[] longer = Arrays.copyOf(b, b.length + r.nextInt(1, 20));
                    for (int j = b.length; j < longer.length; j++) {
                        longer[j] = (byte) r.nextInt(256);
                    }
                    b = longer;
                }
                default -> {
                    // a length or count field set to an extreme
                    if (b.length > 84) {
                        b[84] = (byte) (r.nextBoolean() ? 0 : 0xFF);
                    }
                }
            }
        }
        return b;
    }
}
