package dev.blazedb.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.Argon2Params;
import dev.blazedb.CorruptDatabaseException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The frame and entry format: sealing, binding to the position, versioned payloads. */
class LogFormatTest {

    private final byte[] logId = new byte[16];
    private final FrameCipher cipher = new FrameCipher(new SecretKeySpec(new byte[32], "AES"), new NonceSource(new SecureRandom()));

    private byte[] sealedEntry(long position, byte[] body, byte[] extraSection) {
        byte[] name = Bytes.utf8("users");
        int plain = LogFormat.payloadLength(name.length, body.length) + (extraSection == null ? 0 : extraSection.length);
        byte[] frame = new byte[FrameCipher.frameLength(plain)];
        int end = EntryView.write(frame, LogFormat.FRAME_HEADER_LENGTH, LogFormat.KIND_PUT,
                LogFormat.FLAG_COMMIT | LogFormat.FLAG_CREATE, 42, 77, new UUID(1, 2), 41, 5, 6, name, body);
        if (extraSection != null) {
            System.arraycopy(extraSection, 0, frame, end, extraSection.length);
        }
        cipher.seal(frame, 0, plain, logId, position);
        return frame;
    }

    @Test
    void aSealedEntryOpensAtItsPositionAndParses() throws AEADBadTagException {
        byte[] frame = sealedEntry(1000, new byte[] {9, 8, 7}, null);
        byte[] plain = new byte[frame.length];
        int n = cipher.open(frame, 0, frame.length, logId, 1000, plain);
        EntryView v = new EntryView();
        assertThat(v.parse(plain, n)).isNull();
        assertThat(v.kind).isEqualTo(LogFormat.KIND_PUT);
        assertThat(v.isCommit()).isTrue();
        assertThat(v.sequence).isEqualTo(42);
        assertThat(v.hlc).isEqualTo(77);
        assertThat(v.origin()).isEqualTo(new UUID(1, 2));
        assertThat(v.originSequence).isEqualTo(41);
        assertThat(v.id()).isEqualTo(new UUID(5, 6));
        assertThat(v.name()).isEqualTo("users");
        assertThat(v.body()).containsExactly(9, 8, 7);
        assertThat(LogFormat.frameHeaderCrc(frame, 0)).isEqualTo(Bytes.getInt(frame, 4));
    }

    @Test
    void anEntryDoesNotOpenAtAnotherPositionOrInAnotherLog() {
        byte[] frame = sealedEntry(1000, new byte[] {1}, null);
        byte[] plain = new byte[frame.length];
        assertThatThrownBy(() -> cipher.open(frame, 0, frame.length, logId, 1001, plain)).isInstanceOf(AEADBadTagException.class);
        byte[] otherLog = new byte[16];
        otherLog[0] = 1;
        assertThatThrownBy(() -> cipher.open(frame, 0, frame.length, otherLog, 1000, plain)).isInstanceOf(AEADBadTagException.class);
        frame[30] ^= 1;
        assertThatThrownBy(() -> cipher.open(frame, 0, frame.length, logId, 1000, plain)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void unknownSectionsAreSkippedAndFieldVersionsFound() throws AEADBadTagException {
        byte[] sections = new byte[6 + 3 + 6 + 4];
        Bytes.putShort(sections, 0, 999);
        Bytes.putInt(sections, 2, 3);
        Bytes.putShort(sections, 9, LogFormat.SECTION_FIELD_VERSIONS);
        Bytes.putInt(sections, 11, 4);
        byte[] frame = sealedEntry(500, new byte[] {1, 2}, sections);
        byte[] plain = new byte[frame.length];
        int n = cipher.open(frame, 0, frame.length, logId, 500, plain);
        EntryView v = new EntryView();
        assertThat(v.parse(plain, n)).isNull();
        assertThat(v.body()).containsExactly(1, 2);
        assertThat(v.fieldVersionsLength).isEqualTo(4);
    }

    @Test
    void malformedPayloadsAreReportedNotThrown() {
        EntryView v = new EntryView();
        assertThat(v.parse(new byte[10], 10)).contains("too short");
        byte[] p = new byte[80];
        p[0] = 3;
        assertThat(v.parse(p, p.length)).contains("version");
        p[0] = 1;
        p[1] = 9;
        assertThat(v.parse(p, p.length)).contains("kind");
        p[1] = 1;
        Bytes.putShort(p, 60, 5000);
        assertThat(v.parse(p, p.length)).contains("name length");
    }

    /** A group plaintext of entries with sequences {@code seqs}, entry {@code commitAt} carrying COMMIT. */
    private static byte[] group(long[] seqs, int commitAt) {
        byte[] name = Bytes.utf8("users");
        byte[] out = new byte[4096];
        int p = EntryView.writeGroupHeader(out, 0, seqs.length);
        for (int i = 0; i < seqs.length; i++) {
            int start = p + LogFormat.GROUP_ENTRY_PREFIX;
            byte[] body = new byte[i * 3];
            p = EntryView.write(out, start, LogFormat.KIND_PUT, i == commitAt ? LogFormat.FLAG_COMMIT : 0, seqs[i], 7,
                    new UUID(1, 2), seqs[i], 0, i + 1, name, body);
            Bytes.putInt(out, start - LogFormat.GROUP_ENTRY_PREFIX, p - start);
        }
        return java.util.Arrays.copyOf(out, p);
    }

    @Test
    void anEntryGroupIsReadEntryByEntryInOrderAndByItsSlot() throws AEADBadTagException {
        byte[] plain = group(new long[] {10, 11, 12}, 2);
        byte[] frame = new byte[FrameCipher.frameLength(plain.length)];
        System.arraycopy(plain, 0, frame, LogFormat.FRAME_HEADER_LENGTH, plain.length);
        cipher.seal(frame, 0, plain.length, logId, 4096);
        byte[] opened = new byte[frame.length];
        int n = cipher.open(frame, 0, frame.length, logId, 4096, opened);
        EntryView v = new EntryView();
        assertThat(v.parse(opened, n)).isNull();
        assertThat(v.entryCount).isEqualTo(3);
        assertThat(v.slot).isZero();
        assertThat(v.sequence).isEqualTo(10);
        assertThat(v.isCommit()).isFalse();
        assertThat(v.hasNext()).isTrue();
        assertThat(v.next()).isNull();
        assertThat(v.sequence).isEqualTo(11);
        assertThat(v.body()).hasSize(3);
        assertThat(v.next()).isNull();
        assertThat(v.hasNext()).isFalse();
        assertThat(v.isCommit()).isTrue();
        assertThat(v.id()).isEqualTo(new UUID(0, 3));
        assertThat(v.select(1)).isNull();
        assertThat(v.sequence).isEqualTo(11);
        assertThat(v.id()).isEqualTo(new UUID(0, 2));
        assertThat(v.select(3)).contains("no entry 3");
        assertThat(v.select(0)).isNull();
        assertThat(v.name()).isEqualTo("users");

        long address = EntryAddress.of(4096, 2);
        assertThat(EntryAddress.frame(address)).isEqualTo(4096);
        assertThat(EntryAddress.slot(address)).isEqualTo(2);
        assertThat(EntryAddress.of(4096, 0)).isEqualTo(4096);
        assertThat(EntryAddress.order(EntryAddress.of(4096, 63))).isLessThan(EntryAddress.order(4097));
        assertThat(EntryAddress.fromOrder(EntryAddress.order(address))).isEqualTo(address);
        assertThat(RecordIndex.address(RecordIndex.value(EntryAddress.of(1L << 50, 63), true))).isEqualTo(EntryAddress.of(1L << 50, 63));
    }

    @Test
    void malformedEntryGroupsAreReportedNotThrown() {
        EntryView v = new EntryView();
        byte[] ok = group(new long[] {1, 2}, 1);
        byte[] one = ok.clone();
        one[1] = 1;
        assertThat(v.parse(one, one.length)).contains("count 1");
        byte[] many = ok.clone();
        many[1] = 65;
        assertThat(v.parse(many, many.length)).contains("count 65");
        byte[] longer = ok.clone();
        Bytes.putInt(longer, LogFormat.GROUP_HEADER_LENGTH, 100_000);
        assertThat(v.parse(longer, longer.length)).contains("bad entry length");
        assertThat(v.parse(ok, ok.length - 1)).isNotNull();
        byte[] padded = java.util.Arrays.copyOf(ok, ok.length + 4);
        assertThat(v.parse(padded, padded.length)).contains("does not fill");
        byte[] commitFirst = group(new long[] {1, 2}, 0);
        assertThat(v.parse(commitFirst, commitFirst.length)).contains("COMMIT entry before the end");
        assertThat(v.parse(new byte[] {2, 2}, 2)).contains("too short");
    }

    @Test
    void nonceSourcesNeverRepeatAndRotateThePrefixWhenTheCounterWraps() {
        NonceSource a = new NonceSource(new SecureRandom());
        Set<String> seen = new HashSet<>();
        byte[] n = new byte[12];
        for (int i = 0; i < 100_000; i++) {
            a.next(n, 0);
            assertThat(seen.add(Bytes.hex(n))).isTrue();
        }
        NonceSource b = new NonceSource(new SecureRandom());
        b.next(n, 0);
        assertThat(seen).doesNotContain(Bytes.hex(n));
        NonceSource wrapping = new NonceSource(new SecureRandom(), 0xFFFF_FFFEL);
        byte[] x = new byte[12];
        byte[] y = new byte[12];
        byte[] z = new byte[12];
        wrapping.next(x, 0);
        wrapping.next(y, 0);
        wrapping.next(z, 0);
        assertThat(Bytes.getInt(y, 8)).isEqualTo(-1);
        assertThat(Bytes.getLong(z, 0)).isNotEqualTo(Bytes.getLong(y, 0));
        assertThat(Bytes.getInt(z, 8)).isZero();
    }

    @Test
    void theHeaderRoundTripsAndDamageIsCorruption() {
        LogFormat.Header h = new LogFormat.Header(1, LogFormat.KDF_ARGON2ID, Argon2Params.of(1024, 2, 1), new byte[16],
                new byte[12], new byte[LogFormat.WRAPPED_KEY_LENGTH], new byte[16]);
        byte[] b = h.toBytes();
        assertThat(b).hasSize(LogFormat.HEADER_LENGTH);
        LogFormat.Header back = LogFormat.Header.parse(b, b.length, "f");
        assertThat(back.kdf()).isEqualTo(Argon2Params.of(1024, 2, 1));
        b[100] ^= 1;
        assertThatThrownBy(() -> LogFormat.Header.parse(b, b.length, "f")).isInstanceOf(CorruptDatabaseException.class)
                .hasMessageContaining("CRC");
        assertThatThrownBy(() -> LogFormat.Header.parse(b, 100, "f")).isInstanceOf(CorruptDatabaseException.class)
                .hasMessageContaining("truncated");
    }
}
