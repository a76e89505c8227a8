package dev.blazedb.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.transport.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SyncCodecTest {

    private static final NodeId A = new NodeId(UUID.fromString("00000000-0000-0000-0000-00000000000a"));
    private static final NodeId B = new NodeId(UUID.fromString("00000000-0000-0000-0000-00000000000b"));

    @Test
    void helloRoundTripsWithAndWithoutAKnownPeer() {
        SyncMessage.Hello known = new SyncMessage.Hello(1, true, false, A, B, 42, "Database1");
        SyncMessage.Hello unknown = new SyncMessage.Hello(1, false, true, A, null, 0, "Ünïcödé ☃");
        assertThat(SyncCodec.decode(SyncCodec.hello(known))).isEqualTo(known);
        assertThat(SyncCodec.decode(SyncCodec.hello(unknown))).isEqualTo(unknown);
    }

    @Test
    void helloOfAnotherVersionIsAVersionError() {
        byte[] p = SyncCodec.hello(new SyncMessage.Hello(1, true, true, A, null, 0, "x")).toByteArray();
        ByteBuffer.wrap(p).putShort(4, (short) 2);
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.HELLO, p)))
                .isInstanceOf(ProtocolVersionException.class)
                .hasMessageContaining("version 1").hasMessageContaining("version 2")
                .satisfies(e -> assertThat(((ProtocolVersionException) e).remoteVersion()).isEqualTo(2));
    }

    @Test
    void helloWithAnotherMagicIsNotAPeer() {
        byte[] p = SyncCodec.hello(new SyncMessage.Hello(1, true, true, A, null, 0, "x")).toByteArray();
        p[0] = 'H';
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.HELLO, p)))
                .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("not a BlazeDB sync peer");
    }

    @Test
    void helloSkipsExtensionsOfLaterRevisions() {
        byte[] p = SyncCodec.hello(new SyncMessage.Hello(1, true, true, A, B, 7, "db")).toByteArray();
        byte[] longer = java.util.Arrays.copyOf(p, p.length + 10);
        assertThat(SyncCodec.decode(Frame.wrap(SyncCodec.HELLO, longer)))
                .isEqualTo(new SyncMessage.Hello(1, true, true, A, B, 7, "db"));
    }

    @Test
    void smallMessagesRoundTrip() {
        assertThat(SyncCodec.decode(SyncCodec.resume(9))).isEqualTo(new SyncMessage.Resume(9));
        assertThat(SyncCodec.decode(SyncCodec.ack(123_456_789_000L))).isEqualTo(new SyncMessage.Ack(123_456_789_000L));
        SyncMessage.Status s = new SyncMessage.Status(10, 9, 3, 77, true);
        assertThat(SyncCodec.decode(SyncCodec.status(s))).isEqualTo(s);
        SyncMessage.Reject rj = new SyncMessage.Reject(5, UUID.randomUUID(), "notes", SyncCodec.REASON_RLS_UPDATE, "policy 'own rows' refused");
        assertThat(SyncCodec.decode(SyncCodec.reject(rj))).isEqualTo(rj);
        assertThat(SyncCodec.decode(SyncCodec.goodbye(SyncCodec.BYE_SHUTDOWN, "closing")))
                .isEqualTo(new SyncMessage.Goodbye(SyncCodec.BYE_SHUTDOWN, "closing"));
    }

    @Test
    void longTextsAreCutAtACharacterBoundary() {
        String msg = "☃".repeat(2000);
        SyncMessage.Goodbye g = (SyncMessage.Goodbye) SyncCodec.decode(SyncCodec.goodbye(0, msg));
        assertThat(g.message()).hasSize(SyncCodec.MAX_TEXT_LENGTH / 3).matches("☃+");
    }

    @Test
    void changesRoundTrip() {
        PropertyCheck.forAll("CHANGES round trip", 500, SyncGen::changes, changes -> {
            long covered = changes.get(changes.size() - 1).sequence() + 5;
            byte[] payload = SyncGen.changesPayload(changes, covered);
            SyncMessage.Changes decoded = (SyncMessage.Changes) SyncCodec.decode(Frame.wrap(SyncCodec.CHANGES, payload));
            assertThat(decoded.coveredThrough()).isEqualTo(covered);
            assertThat(decoded.changes()).hasSameSizeAs(changes);
            for (int i = 0; i < changes.size(); i++) {
                assertThat(decoded.changes().get(i)).isEqualTo(changes.get(i));
                assertThat(decoded.changes().get(i).state()).isEqualTo(changes.get(i).state());
            }
        });
    }

    @Test
    void fragmentsSplitAndCoverAPayloadExactly() {
        byte[] payload = new byte[10_000];
        new SplittableRandom(1).nextBytes(payload);
        List<Frame> frames = SyncCodec.fragments(payload, payload.length, 1000);
        byte[] joined = new byte[payload.length];
        for (Frame f : frames) {
            assertThat(f.length()).isLessThanOrEqualTo(1000);
            SyncMessage.Fragment fr = (SyncMessage.Fragment) SyncCodec.decode(f);
            assertThat(fr.totalLength()).isEqualTo(payload.length);
            System.arraycopy(fr.bytes(), 0, joined, fr.offset(), fr.bytes().length);
        }
        assertThat(joined).isEqualTo(payload);
    }

    /** Every message kind, valid, for mutating. */
    private static List<Frame> validFrames(SplittableRandom r) {
        List<Frame> out = new ArrayList<>();
        out.add(SyncCodec.hello(new SyncMessage.Hello(1, r.nextBoolean(), r.nextBoolean(), A, r.nextBoolean() ? B : null, 0, "db")));
        out.add(SyncCodec.resume(r.nextLong(0, Long.MAX_VALUE)));
        List<SyncMessage.Change> changes = SyncGen.changes(r);
        out.add(Frame.wrap(SyncCodec.CHANGES, SyncGen.changesPayload(changes, changes.get(changes.size() - 1).sequence())));
        out.add(SyncCodec.fragments(new byte[100], 100, 40).get(1));
        out.add(SyncCodec.ack(r.nextLong(0, Long.MAX_VALUE)));
        out.add(SyncCodec.status(new SyncMessage.Status(9, 8, 7, r.nextInt(), r.nextBoolean())));
        out.add(SyncCodec.reject(new SyncMessage.Reject(1, UUID.randomUUID(), "c", 1, "no")));
        out.add(SyncCodec.goodbye(0, "bye"));
        return out;
    }

    private static void decodesOrRefuses(Frame f) {
        try {
            SyncCodec.decode(f);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void everyTruncationIsRefusedAsAProtocolError() {
        PropertyCheck.forAll("truncated messages", 60, r -> r, r -> {
            for (Frame f : validFrames(r)) {
                byte[] p = f.toByteArray();
                for (int len = 0; len < p.length; len++) {
                    Frame cut = Frame.wrap(f.type(), java.util.Arrays.copyOf(p, len));
                    if (f.type() == SyncCodec.HELLO && len >= SyncCodec.HELLO_FIXED
                            || f.type() == SyncCodec.FRAGMENT && len > SyncCodec.FRAGMENT_HEADER) {
                        decodesOrRefuses(cut); // a shorter name or piece may still be valid
                    } else {
                        assertThatThrownBy(() -> SyncCodec.decode(cut))
                                .as("%s cut to %d bytes", SyncCodec.typeName(f.type()), len)
                                .isInstanceOf(ProtocolException.class);
                    }
                }
            }
        });
    }

    @Test
    void flippedBytesDecodeOrFailOnlyWithProtocolErrors() {
        PropertyCheck.forAll("mutated messages", 3000, r -> r, r -> {
            for (Frame f : validFrames(r)) {
                byte[] p = f.toByteArray();
                if (p.length == 0) {
                    continue;
                }
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(p.length);
                    p[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (p[at] ^ (1 << r.nextInt(8)));
                }
                decodesOrRefuses(Frame.wrap(f.type(), p));
            }
        });
    }

    @Test
    void randomBytesOfEveryTypeFailOnlyWithProtocolErrors() {
        PropertyCheck.forAll("random payloads", 20_000, r -> {
            byte[] p = new byte[r.nextInt(r.nextBoolean() ? 16 : 300)];
            r.nextBytes(p);
            if (p.length >= 12 && r.nextBoolean()) {
                ByteBuffer.wrap(p).putLong(0, r.nextLong(0, 1 << 20)).putInt(8, r.nextInt(4)); // plausible CHANGES header
            }
            return Frame.wrap(r.nextInt(0xF0), p);
        }, SyncCodecTest::decodesOrRefuses);
    }

    @Test
    void hugeCountsAndLengthsAreRefusedBeforeAllocating() {
        ByteBuffer b = ByteBuffer.allocate(12).putLong(5).putInt(-1);
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.CHANGES, b.array())))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("4294967295 changes");
        ByteBuffer f = ByteBuffer.allocate(12).putInt(Integer.MAX_VALUE).putInt(0).putInt(0);
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.FRAGMENT, f.array())))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("at most");
        byte[] fv = new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> FieldVersions.decode(fv, 0, fv.length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65535 fields cannot fit");
    }

    @Test
    void changesOutOfOrderOrBeyondCoverageAreRefused() {
        SplittableRandom r = new SplittableRandom(3);
        List<SyncMessage.Change> two = List.of(SyncGen.change(r, 5), SyncGen.change(r, 5));
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.CHANGES, SyncGen.changesPayload(two, 9))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("sequence 5 after 5");
        List<SyncMessage.Change> one = List.of(SyncGen.change(r, 5));
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.CHANGES, SyncGen.changesPayload(one, 4))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("beyond covered-through 4");
    }

    @Test
    void unknownTypesAndTrailingBytesAreRefused() {
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(0x42, new byte[0])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unknown message type 0x42");
        byte[] ack = java.util.Arrays.copyOf(SyncCodec.ack(1).toByteArray(), 9);
        assertThatThrownBy(() -> SyncCodec.decode(Frame.wrap(SyncCodec.ACK, ack)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("trailing");
    }
}
