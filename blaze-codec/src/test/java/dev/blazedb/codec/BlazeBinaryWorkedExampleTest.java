package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked example of docs/blazebinary.md, byte for byte. */
class BlazeBinaryWorkedExampleTest {

    static final BlazeDataRecord EXAMPLE = BlazeDataRecord.of(Map.of(
            "message", BlazeValue.string("Hello from DB1!"),
            "value", BlazeValue.integer(42)));

    static final byte[] EXAMPLE_V1 = Hex.bytes("""
            42 4C 41 5A 45 01 00 02
            FF 00 07 6D 65 73 73 61 67 65
            2F 48 65 6C 6C 6F 20 66 72 6F 6D 20 44 42 31 21
            2E 12 2A
            """);

    /** Version 2: the same body, version byte 0x02, and the CRC32 computed independently (zlib). */
    static final byte[] EXAMPLE_V2 = Hex.bytes("""
            42 4C 41 5A 45 02 00 02
            FF 00 07 6D 65 73 73 61 67 65
            2F 48 65 6C 6C 6F 20 66 72 6F 6D 20 44 42 31 21
            2E 12 2A
            DE 59 B6 74
            """);

    @Test
    void theWorkedExampleEncodesByteForByteAsVersion1() {
        assertThat(Hex.of(BlazeBinary.encode(EXAMPLE))).isEqualTo(Hex.of(EXAMPLE_V1));
        assertThat(Hex.of(BlazeBinary.encode(EXAMPLE, false))).isEqualTo(Hex.of(EXAMPLE_V1));
    }

    @Test
    void theWorkedExampleEncodesAsVersion2WithTheCrc32OfEveryPrecedingByte() {
        assertThat(Hex.of(BlazeBinary.encode(EXAMPLE, true))).isEqualTo(Hex.of(EXAMPLE_V2));
    }

    @Test
    void bothFormsOfTheWorkedExampleDecodeToTheRecord() {
        assertThat(BlazeBinary.decode(EXAMPLE_V1)).isEqualTo(EXAMPLE);
        assertThat(BlazeBinary.decode(EXAMPLE_V2)).isEqualTo(EXAMPLE);
    }

    @Test
    void encodedSizeMatchesBothForms() {
        assertThat(BlazeBinary.encodedSize(EXAMPLE, false)).isEqualTo(EXAMPLE_V1.length).isEqualTo(37);
        assertThat(BlazeBinary.encodedSize(EXAMPLE, true)).isEqualTo(EXAMPLE_V2.length).isEqualTo(41);
    }
}
