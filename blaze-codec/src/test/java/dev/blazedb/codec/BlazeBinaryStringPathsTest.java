package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The encoder's string paths: short ASCII (one copy), short non-ASCII (inline or long form),
 * long up to 64 chars (ASCII copied, else our own encoder), longer (the JDK's UTF-8 encoder,
 * unless its output holds a '?', which may stand for an unpaired surrogate). Each must give the
 * UTF-8 bytes and refuse unpaired surrogates.
 */
class BlazeBinaryStringPathsTest {

    private static final String[] STRINGS = {
        "", "a", "fifteen chars..", "sixteen chars...", "Benchmark record number 00000000",
        "é", "ééééééé", "éééééééé", "\uD83D\uDE00", "a\uD83D\uDE00b".repeat(6),
        "what? why? how?", "what? why? how? where? when?", "résumé? naïve? — yes?".repeat(3),
        "x".repeat(1000) + "é", "\u0100".repeat(20), "?".repeat(17), "ÿ".repeat(40),
        "y".repeat(64), "y".repeat(65), "y".repeat(63) + "é", "y".repeat(64) + "é", "?".repeat(65),
        "a\uD83D\uDE00".repeat(40),
    };

    @Test
    void everyPathWritesTheUtf8BytesAndRoundTrips() {
        for (String s : STRINGS) {
            BlazeDataRecord record = BlazeDataRecord.builder().put("name", s).put("k" + s, 1L).build();
            byte[] bytes = BlazeBinary.encode(record);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertThat(indexOf(bytes, utf8)).as("UTF-8 of %s", s).isNotNegative();
            assertThat(BlazeBinary.encodedSize(record, false)).isEqualTo(bytes.length);
            assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
            int tag = BlazeBinary.encode(BlazeDataRecord.builder().put("name", s).build())[9] & 0xFF; // after the key 0x10
            if (utf8.length == 0) {
                assertThat(tag).isEqualTo(0x11);
            } else if (utf8.length <= 15) {
                assertThat(tag).isEqualTo(0x20 | utf8.length);
            } else {
                assertThat(tag).isEqualTo(0x01);
            }
        }
    }

    @Test
    void longStringsWithAnUnpairedSurrogateAreRefusedWhereTheJdkWouldWriteAQuestionMark() {
        String[] bad = {"a long string with \uD800 inside it", "\uDC00 starts a long string here", "a long string that ends \uD83D",
            "a long ? string with ? marks and \uDFFF", "a string longer than 64 chars, ? and \uD800 ".repeat(3),
            "y".repeat(63) + "\uDBFF", "y".repeat(64) + "\uDBFF"};
        for (String s : bad) {
            BlazeDataRecord record = BlazeDataRecord.builder().put("title", s).build();
            assertThatThrownBy(() -> BlazeBinary.encode(record)).as(s)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode field \"title\"")
                    .hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> BlazeBinary.encodedSize(record, false)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aLongStringOutgrowsTheScratchArray() {
        String s = "é".repeat(10_000) + "x".repeat(10_000);
        BlazeDataRecord record = BlazeDataRecord.builder().put("title", s).put("data", BlazeValue.data(new byte[5000])).build();
        byte[] bytes = BlazeBinary.encode(record);
        assertThat(bytes.length).isEqualTo(BlazeBinary.encodedSize(record, false));
        assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
        byte[] withCrc = BlazeBinary.encode(record, true);
        assertThat(Arrays.copyOfRange(withCrc, 6, bytes.length)).isEqualTo(Arrays.copyOfRange(bytes, 6, bytes.length));
        assertThat(BlazeBinary.decode(withCrc)).isEqualTo(record);
        // The next small record is not disturbed by what the scratch array held before.
        BlazeDataRecord small = BlazeDataRecord.builder().put("id", "x").build();
        assertThat(BlazeBinary.decode(BlazeBinary.encode(small))).isEqualTo(small);
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
