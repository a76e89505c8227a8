package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile input: every case fails with {@link BlazeBinaryException} at the right
 * byte offset, through every decode entry point, without large allocations.
 */
class BlazeBinaryHostileInputTest {

    /** Header of a version 1 record with one field. */
    private static final String H1 = "42 4C 41 5A 45 01 00 01 ";
    /** Header of a version 1 record with two fields. */
    private static final String H2 = "42 4C 41 5A 45 01 00 02 ";
    /** Header of a version 1 record with three fields. */
    private static final String H3 = "42 4C 41 5A 45 01 00 03 ";

    /**
     * Decodes {@code input} through the array, array-range and direct-buffer entry points and
     * checks that each fails with the same offset and a message containing {@code what}.
     */
    private static void assertMalformed(byte[] input, long offset, String what) {
        assertThatThrownBy(() -> BlazeBinary.decode(input))
                .isInstanceOfSatisfying(BlazeBinaryException.class, e -> assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset))
                .hasMessageContaining(what)
                .hasMessageContaining("at byte offset " + offset);

        byte[] padded = new byte[input.length + 7];
        java.util.Arrays.fill(padded, (byte) 0x42);
        System.arraycopy(input, 0, padded, 3, input.length);
        assertThatThrownBy(() -> BlazeBinary.decode(padded, 3, input.length))
                .isInstanceOfSatisfying(BlazeBinaryException.class, e -> assertThat(e.offset()).isEqualTo(offset));

        ByteBuffer direct = ByteBuffer.allocateDirect(input.length + 2);
        direct.position(2);
        direct.put(input).position(2);
        assertThatThrownBy(() -> BlazeBinary.decode(direct))
                .isInstanceOfSatisfying(BlazeBinaryException.class, e -> assertThat(e.offset()).isEqualTo(offset));
        assertThat(direct.position()).as("position is unchanged on failure").isEqualTo(2);
    }

    private static void assertMalformed(String hex, long offset, String what) {
        assertMalformed(Hex.bytes(hex), offset, what);
    }

    private static byte[] withCrc(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return Hex.concat(body, ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // Header -------------------------------------------------------------------------------------

    @Test
    void truncatedHeadersAreRejectedWhereTheInputEnds() {
        assertMalformed("", 0, "truncated");
        assertMalformed("42 4C 41", 3, "truncated");
        assertMalformed("42 4C 41 5A 45", 5, "truncated");
        assertMalformed("42 4C 41 5A 45 01 00", 7, "truncated");
    }

    @Test
    void aWrongMagicIsRejectedAtOffsetZero() {
        assertMalformed("42 4C 41 5A 46 01 00 00", 0, "magic");
        assertMalformed("00 00 00 00 00 01 00 00", 0, "magic");
        assertMalformed("7B 7D", 0, "magic"); // "{}"
    }

    @Test
    void anUnknownVersionIsRejectedAtOffsetFive() {
        assertMalformed("42 4C 41 5A 45 03 00 00", 5, "version 0x03");
        assertMalformed("42 4C 41 5A 45 00 00 00", 5, "version 0x00");
        assertMalformed("42 4C 41 5A 45 FF 00 00", 5, "version 0xFF");
    }

    // CRC ----------------------------------------------------------------------------------------

    @Test
    void aBadCrcIsRejectedAtTheTrailer() {
        byte[] valid = BlazeBinaryWorkedExampleTest.EXAMPLE_V2;
        byte[] badTrailer = valid.clone();
        badTrailer[badTrailer.length - 1] ^= 1;
        assertMalformed(badTrailer, valid.length - 4, "CRC32 mismatch");
        byte[] badBody = valid.clone();
        badBody[20] ^= 0x10;
        assertMalformed(badBody, valid.length - 4, "CRC32 mismatch");
    }

    @Test
    void aVersion2RecordTooShortForItsTrailerIsTruncated() {
        assertMalformed("42 4C 41 5A 45 02 00 00", 8, "truncated");
        assertMalformed("42 4C 41 5A 45 02 00 00 00 00 00", 8, "truncated");
    }

    // Truncation --------------------------------------------------------------------------------

    @Test
    void aFieldCountLargerThanTheRemainingBytesCanHoldIsRejectedAtTheCount() {
        assertMalformed(H1, 6, "fields need at least");
        assertMalformed("42 4C 41 5A 45 01 FF FF 01 0B", 6, "65535 fields");
    }

    @Test
    void truncatedValuesAreRejectedAtTheItemThatDoesNotFit() {
        assertMalformed(H1 + "2E 0B 0B", 10, "follow the record"); // sanity: a complete record plus one byte
        assertMalformed(H2 + "2E 0B FF 00 01 61", 14, "where a value should begin"); // the second value is missing
        assertMalformed(H1 + "2E 02 00 00 00", 10, "int needs 8 bytes");
        assertMalformed(H1 + "2E 03 00", 10, "double needs 8 bytes");
        assertMalformed(H1 + "2E 05 00 11", 10, "uuid needs 16 bytes");
        assertMalformed(H1 + "2E 06 00 00", 10, "date needs 8 bytes");
        assertMalformed(H1 + "2E 04", 10, "bool needs 1 bytes");
        assertMalformed(H1 + "2E 12", 10, "small int needs 1 bytes");
        assertMalformed(H1 + "2E 21", 9, "inline string of 1 bytes");
        assertMalformed(H1 + "2E 2F 61 62", 9, "inline string of 15 bytes");
        assertMalformed(H1 + "2E 01 00 00", 10, "string length needs 4 bytes");
        assertMalformed(H1 + "2E 08 00", 10, "array count needs 2 bytes");
        assertMalformed(H2 + "2E 08 00 02 0B 0B", 14, "truncated");
        assertMalformed(H1 + "FF 00", 9, "key length needs 2 bytes");
        assertMalformed(H1 + "FF 00 05 61 62", 9, "key of 5 bytes, 2 remain");
    }

    // Hostile lengths -----------------------------------------------------------------------------

    @Test
    void hugeLengthsAndCountsAreRejectedAtTheirLengthFieldBeforeAllocating() {
        assertMalformed(H1 + "2E 01 FF FF FF FF 61", 10, "string of 4294967295 bytes, 1 remain");
        assertMalformed(H1 + "2E 01 7F FF FF FF 61", 10, "string of 2147483647 bytes");
        assertMalformed(H1 + "2E 07 FF FF FF FF 00", 10, "data of 4294967295 bytes");
        assertMalformed(H1 + "2E 0A FF FF FF FF 00 00 00 00", 10, "vector of 4294967295 floats");
        assertMalformed(H1 + "2E 0A 40 00 00 00 00 00 00 00", 10, "vector of 1073741824 floats");
        assertMalformed(H1 + "2E 08 FF FF 0B", 10, "array of 65535 values");
        assertMalformed(H1 + "2E 09 FF FF 00 00 0B", 10, "dictionary of 65535 entries");
        assertMalformed(H1 + "FF FF FF 61", 9, "key of 65535 bytes");
        assertMalformed(H1 + "2E 09 00 01 FF FF 61 0B", 12, "dictionary key of 65535 bytes");
    }

    @Test
    void aHostileLengthNeverCostsMoreMemoryThanASmallMultipleOfTheInput() {
        List<byte[]> hostile = List.of(
                Hex.bytes(H1 + "2E 01 FF FF FF FF 61"),
                Hex.bytes(H1 + "2E 07 7F FF FF F0 61"),
                Hex.bytes(H1 + "2E 0A 3F FF FF FF 00 00 00 00"),
                Hex.bytes("42 4C 41 5A 45 01 FF FF 01 0B 01 0B 01 0B"),
                Hex.bytes(H1 + "2E 08 FF FF 0B 0B 0B 0B"),
                Hex.bytes(H1 + "2E 09 FF FF 00 00 0B 00 00 0B"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            for (byte[] input : hostile) {
                long before = threads.getThreadAllocatedBytes(thread);
                try {
                    BlazeBinary.decode(input);
                    fail("decoded hostile input " + Hex.of(input));
                } catch (BlazeBinaryException expected) {
                    // the exception and its stack trace are part of the measured cost
                }
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                if (warmUp == 2) {
                    assertThat(allocated).as(Hex.of(input)).isLessThan(32 * 1024);
                }
            }
        }
    }

    // Tags and keys -------------------------------------------------------------------------------

    @Test
    void anUnknownTagIsRejectedAtTheTag() {
        for (String tag : new String[] {"00", "0C", "10", "13", "17", "1A", "20", "30", "FF"}) {
            assertMalformed(H1 + "2E " + tag + " 00 00 00 00 00 00 00 00", 9, "unknown value tag 0x" + tag);
        }
    }

    @Test
    void anUnknownOneByteKeyIdIsRejectedAtTheKey() {
        for (String id : new String[] {"00", "3B", "80", "FE"}) {
            assertMalformed(H1 + id + " 0B", 8, "unknown key id 0x" + id);
        }
    }

    // UTF-8 --------------------------------------------------------------------------------------

    @Test
    void invalidUtf8IsRejectedAtTheFirstByteOfTheBadSequence() {
        assertMalformed(H1 + "2E 21 80", 10, "invalid UTF-8");          // lone continuation byte
        assertMalformed(H1 + "2E 22 C3 28", 10, "invalid UTF-8");       // lead byte without continuation
        assertMalformed(H1 + "2E 22 C0 80", 10, "invalid UTF-8");       // overlong NUL
        assertMalformed(H1 + "2E 23 E0 80 80", 10, "invalid UTF-8");    // overlong three-byte form
        assertMalformed(H1 + "2E 24 F0 80 80 80", 10, "invalid UTF-8"); // overlong four-byte form
        assertMalformed(H1 + "2E 23 ED A0 80", 10, "invalid UTF-8");    // a surrogate, U+D800
        assertMalformed(H1 + "2E 24 F4 90 80 80", 10, "invalid UTF-8"); // above U+10FFFF
        assertMalformed(H1 + "2E 21 F8", 10, "invalid UTF-8");          // no such lead byte
        assertMalformed(H1 + "2E 22 61 E2", 11, "cut off");             // a sequence cut by the string's end
        assertMalformed(H1 + "2E 24 E2 82 41 41", 10, "not a continuation");
    }

    @Test
    void invalidUtf8InKeysIsRejectedToo() {
        assertMalformed(H1 + "FF 00 02 61 FF 0B", 12, "invalid UTF-8 in key");
        assertMalformed(H1 + "2E 09 00 01 00 01 80 0B", 14, "invalid UTF-8 in dictionary key");
    }

    // Structure ---------------------------------------------------------------------------------

    @Test
    void bytesAfterTheRecordAreRejectedAtTheFirstExtraByte() {
        byte[] example = BlazeBinaryWorkedExampleTest.EXAMPLE_V1;
        assertMalformed(Hex.concat(example, new byte[] {0}), example.length, "1 bytes follow the record");
        assertMalformed(Hex.concat(example, example), example.length, "37 bytes follow the record");
    }

    @Test
    void bytesBetweenTheLastFieldAndAValidCrcAreRejected() {
        byte[] body = Hex.bytes(H1 + "2E 0B 00 00");
        body[5] = 2;
        assertMalformed(withCrc(body), 10, "2 bytes follow the record");
    }

    @Test
    void duplicateFieldKeysAreRejectedAtTheSecondKey() {
        assertMalformed(H2 + "01 0B 01 0B", 10, "duplicate field key \"id\"");
        assertMalformed(H2 + "01 0B FF 00 02 69 64 0B", 10, "duplicate field key \"id\"");
        assertMalformed(H3 + "FF 00 01 62 0B FF 00 01 61 0B FF 00 01 62 0B", 18, "duplicate field key \"b\"");
    }

    @Test
    void duplicateDictionaryKeysAreRejectedAtTheSecondKey() {
        assertMalformed(H1 + "2E 09 00 02 00 01 61 0B 00 01 61 0B", 16, "duplicate dictionary key \"a\"");
        assertMalformed(H1 + "2E 09 00 03 00 01 62 0B 00 01 61 0B 00 01 62 0B", 20, "duplicate dictionary key \"b\"");
    }

    @Test
    void keysInMessagesAreEscapedAndCutSoInputCannotForgeLogLines() {
        String hostile = "a\nERROR forged line " + "x".repeat(100);
        byte[] key = hostile.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] field = Hex.concat(new byte[] {(byte) 0xFF, 0, (byte) key.length}, key, new byte[] {0x0B});
        byte[] input = Hex.concat(Hex.bytes(H2), field, field);
        assertThatThrownBy(() -> BlazeBinary.decode(input))
                .isInstanceOf(BlazeBinaryException.class)
                .hasMessageContaining("duplicate field key \"a\\u000AERROR forged line xxx")
                .hasMessageContaining("(120 chars)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void nestingDeeperThan64IsRejectedAtTheContainerThatGoesTooDeep() {
        String arrays64 = "08 00 01 ".repeat(63) + "18";
        assertThat(BlazeBinary.decode(Hex.bytes(H1 + "2E " + arrays64))).isNotNull();
        assertMalformed(H1 + "2E " + "08 00 01 ".repeat(64) + "18", 9 + 64 * 3, "nested deeper than 64");
        assertMalformed(H1 + "2E " + "08 00 01 ".repeat(64) + "08 00 01 0B", 9 + 64 * 3, "nested deeper than 64");
        assertMalformed(H1 + "2E " + "09 00 01 00 00 ".repeat(64) + "19", 9 + 64 * 5, "nested deeper than 64");
        assertMalformed(H1 + "2E " + "08 00 02 ".repeat(2000), 9 + 64 * 3, "nested deeper than 64");
    }

    @Test
    void aRecordThatEncodesAtTheDepthLimitDecodes() {
        BlazeValue value = BlazeValue.array(List.of());
        for (int i = 1; i < BlazeBinary.MAX_DEPTH; i++) {
            value = i % 2 == 0 ? BlazeValue.array(List.of(value)) : BlazeValue.dictionary(Map.of("k", value));
        }
        BlazeDataRecord record = BlazeDataRecord.of(Map.of("deep", value));
        assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
    }
}
