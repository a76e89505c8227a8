package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Golden byte vectors for every tag, both key forms and the boundaries between forms. */
class BlazeBinaryGoldenVectorsTest {

    private static final String ONE_FIELD = "42 4C 41 5A 45 01 00 01";

    /** Encodes {"value": value} (key 0x2E) and compares the whole record, then decodes it back. */
    private static void assertEncodes(BlazeValue value, String valueHex) {
        BlazeDataRecord record = BlazeDataRecord.of(Map.of("value", value));
        byte[] expected = Hex.bytes(ONE_FIELD + " 2E " + valueHex);
        assertThat(Hex.of(BlazeBinary.encode(record))).isEqualTo(Hex.of(expected));
        assertThat(BlazeBinary.decode(expected)).isEqualTo(record);
        assertThat(BlazeBinary.encodedSize(record, false)).isEqualTo(expected.length);
    }

    /** Decodes {"value": ...} with the given value bytes. */
    private static BlazeValue decodeValue(String valueHex) {
        return BlazeBinary.decode(Hex.bytes(ONE_FIELD + " 2E " + valueHex)).get("value").orElseThrow();
    }

    private static String utf8Hex(String s) {
        return Hex.of(s.getBytes(StandardCharsets.UTF_8));
    }

    // Strings -----------------------------------------------------------------------------------

    @Test
    void anEmptyStringIsTag0x11Alone() {
        assertEncodes(BlazeValue.string(""), "11");
    }

    @Test
    void stringsOfOneTo15BytesAreInlineWithTheLengthInTheLowNibble() {
        assertEncodes(BlazeValue.string("a"), "21 61");
        assertEncodes(BlazeValue.string("Hello from DB1!"), "2F " + utf8Hex("Hello from DB1!"));
    }

    @Test
    void aStringOf16BytesTakesTheLongFormWithAU32Length() {
        String s = "0123456789abcdef";
        assertEncodes(BlazeValue.string(s), "01 00 00 00 10 " + utf8Hex(s));
    }

    @Test
    void theInlineBoundaryCountsUtf8BytesNotCharacters() {
        assertEncodes(BlazeValue.string("é".repeat(7)), "2E " + utf8Hex("é".repeat(7)));          // 7 chars, 14 bytes
        assertEncodes(BlazeValue.string("é".repeat(7) + "a"), "2F " + utf8Hex("é".repeat(7) + "a")); // 8 chars, 15 bytes
        assertEncodes(BlazeValue.string("é".repeat(8)), "01 00 00 00 10 " + utf8Hex("é".repeat(8)));  // 8 chars, 16 bytes
        assertEncodes(BlazeValue.string("€".repeat(5)), "2F " + utf8Hex("€".repeat(5)));          // 5 chars, 15 bytes
        assertEncodes(BlazeValue.string("€".repeat(5) + "a"), "01 00 00 00 10 " + utf8Hex("€".repeat(5) + "a"));
        assertEncodes(BlazeValue.string("😀".repeat(3)), "2C F0 9F 98 80 F0 9F 98 80 F0 9F 98 80"); // 6 chars, 12 bytes
        assertEncodes(BlazeValue.string("😀".repeat(4)), "01 00 00 00 10 " + utf8Hex("😀".repeat(4))); // 8 chars, 16 bytes
    }

    @Test
    void aLongStringCarriesItsByteLength() {
        String s = "x".repeat(300);
        assertEncodes(BlazeValue.string(s), "01 00 00 01 2C " + utf8Hex(s));
    }

    @Test
    void everyLengthWithANonAsciiCharAtEveryPositionEncodesAsItsUtf8Bytes() {
        // Walks the encoder's 16-char ASCII blocks and the decoder's 8-byte ASCII words.
        for (String other : new String[] {"é", "€", "😀"}) {
            for (int length = 0; length <= 70; length++) {
                for (int at = 0; at <= length; at++) {
                    String s = "a".repeat(at) + (at < length ? other : "") + "b".repeat(Math.max(0, length - at - 1));
                    BlazeDataRecord record = BlazeDataRecord.of(Map.of(s, BlazeValue.string(s)));
                    byte[] bytes = BlazeBinary.encode(record);
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    assertThat(bytes).hasSize(BlazeBinary.encodedSize(record, false));
                    assertThat(Hex.of(bytes)).contains(Hex.of(utf8));
                    assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
                }
            }
        }
    }

    // Ints ---------------------------------------------------------------------------------------

    @Test
    void intsFrom0To255TakeTheOneByteForm() {
        assertEncodes(BlazeValue.integer(0), "12 00");
        assertEncodes(BlazeValue.integer(42), "12 2A");
        assertEncodes(BlazeValue.integer(255), "12 FF");
    }

    @Test
    void intsFrom256AndNegativeIntsTakeTheEightByteForm() {
        assertEncodes(BlazeValue.integer(256), "02 00 00 00 00 00 00 01 00");
        assertEncodes(BlazeValue.integer(-1), "02 FF FF FF FF FF FF FF FF");
        assertEncodes(BlazeValue.integer(-255), "02 FF FF FF FF FF FF FF 01");
        assertEncodes(BlazeValue.integer(Long.MIN_VALUE), "02 80 00 00 00 00 00 00 00");
        assertEncodes(BlazeValue.integer(Long.MAX_VALUE), "02 7F FF FF FF FF FF FF FF");
    }

    @Test
    void aDecoderAcceptsASmallIntInTheEightByteForm() {
        assertThat(decodeValue("02 00 00 00 00 00 00 00 07")).isEqualTo(BlazeValue.integer(7));
    }

    // Doubles ------------------------------------------------------------------------------------

    @Test
    void doublesAreTheirIeee754Bits() {
        assertEncodes(BlazeValue.decimal(1.5), "03 3F F8 00 00 00 00 00 00");
        assertEncodes(BlazeValue.decimal(1234.5678), "03 40 93 4A 45 6D 5C FA AD");
        assertEncodes(BlazeValue.decimal(0.0), "03 00 00 00 00 00 00 00 00");
    }

    @Test
    void nanInfinitiesAndNegativeZeroKeepTheirBits() {
        assertEncodes(BlazeValue.decimal(Double.NaN), "03 7F F8 00 00 00 00 00 00");
        assertEncodes(BlazeValue.decimal(Double.POSITIVE_INFINITY), "03 7F F0 00 00 00 00 00 00");
        assertEncodes(BlazeValue.decimal(Double.NEGATIVE_INFINITY), "03 FF F0 00 00 00 00 00 00");
        assertEncodes(BlazeValue.decimal(-0.0), "03 80 00 00 00 00 00 00 00");
        assertThat(decodeValue("03 80 00 00 00 00 00 00 00")).isNotEqualTo(BlazeValue.decimal(0.0));
    }

    @Test
    void aNanPayloadSurvivesTheRoundTrip() {
        byte[] bytes = Hex.bytes(ONE_FIELD + " 2E 03 7F F8 00 00 DE AD BE EF");
        assertThat(BlazeBinary.encode(BlazeBinary.decode(bytes))).isEqualTo(bytes);
    }

    // Bools, uuids, data, null ---------------------------------------------------------------------

    @Test
    void boolsAreOneByteAndAnyNonZeroByteDecodesAsTrue() {
        assertEncodes(BlazeValue.bool(true), "04 01");
        assertEncodes(BlazeValue.bool(false), "04 00");
        assertThat(decodeValue("04 02")).isEqualTo(BlazeValue.bool(true));
        assertThat(decodeValue("04 FF")).isEqualTo(BlazeValue.bool(true));
    }

    @Test
    void uuidsAreSixteenBytesMostSignificantFirst() {
        assertEncodes(BlazeValue.uuid(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")),
                "05 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF");
    }

    @Test
    void dataIsAU32LengthAndTheBytes() {
        assertEncodes(BlazeValue.data(new byte[] {1, 2, (byte) 0xFF}), "07 00 00 00 03 01 02 FF");
        assertEncodes(BlazeValue.data(new byte[0]), "07 00 00 00 00");
    }

    @Test
    void nullIsTag0x0BAlone() {
        assertEncodes(BlazeValue.nullValue(), "0B");
    }

    // Arrays and dictionaries ----------------------------------------------------------------------

    @Test
    void anEmptyArrayIsTag0x18AndANonEmptyOneHasAU16Count() {
        assertEncodes(BlazeValue.array(List.of()), "18");
        assertEncodes(BlazeValue.array(List.of(BlazeValue.integer(1), BlazeValue.string("a"))), "08 00 02 12 01 21 61");
        assertEncodes(BlazeValue.array(List.of(BlazeValue.array(List.of()))), "08 00 01 18");
    }

    @Test
    void anEmptyDictionaryIsTag0x19AndANonEmptyOneHasSortedEntries() {
        assertEncodes(BlazeValue.dictionary(Map.of()), "19");
        Map<String, BlazeValue> entries = new LinkedHashMap<>();
        entries.put("b", BlazeValue.integer(1));
        entries.put("a", BlazeValue.bool(true));
        assertEncodes(BlazeValue.dictionary(entries), "09 00 02  00 01 61 04 01  00 01 62 12 01");
    }

    @Test
    void dictionaryKeysAreNeverTableCompressed() {
        assertEncodes(BlazeValue.dictionary(Map.of("id", BlazeValue.nullValue())), "09 00 01 00 02 69 64 0B");
    }

    @Test
    void dictionaryKeysSortByCodePointNotByUtf16() {
        // U+FFFF sorts before U+1F600 by code point; String.compareTo says the opposite.
        Map<String, BlazeValue> entries = Map.of("😀", BlazeValue.integer(1), "\uFFFF", BlazeValue.integer(2));
        assertEncodes(BlazeValue.dictionary(entries), "09 00 02  00 03 EF BF BF 12 02  00 04 F0 9F 98 80 12 01");
    }

    @Test
    void aDecoderAcceptsEmptyContainersWrittenWithACountOfZero() {
        assertThat(decodeValue("08 00 00")).isEqualTo(BlazeValue.array(List.of()));
        assertThat(decodeValue("09 00 00")).isEqualTo(BlazeValue.dictionary(Map.of()));
    }

    // Vectors -------------------------------------------------------------------------------------

    @Test
    void vectorsAreFloat32NotTheUpperHalfOfADouble() {
        // The original's vector encoder wrote the upper 32 bits of each element as a double:
        // 1.5 would be 3F F8 00 00. This format defines IEEE-754 binary32: 1.5f is 3F C0 00 00.
        assertEncodes(BlazeValue.vector(new float[] {1.5f, -2f}), "0A 00 00 00 02 3F C0 00 00 C0 00 00 00");
        assertThat(Hex.of(BlazeBinary.encode(BlazeDataRecord.of(Map.of("value", BlazeValue.vector(new float[] {1.5f}))))))
                .doesNotContain("3F F8 00 00");
    }

    @Test
    void anEmptyVectorHasACountOfZero() {
        assertEncodes(BlazeValue.vector(new float[0]), "0A 00 00 00 00");
    }

    // Keys ---------------------------------------------------------------------------------------

    @Test
    void everyTableKeyIsWrittenAsItsOneByteId() {
        for (int i = 0; i < RandomValues.TABLE_KEYS.size(); i++) {
            String key = RandomValues.TABLE_KEYS.get(i);
            byte[] bytes = BlazeBinary.encode(BlazeDataRecord.of(Map.of(key, BlazeValue.nullValue())));
            assertThat(Hex.of(bytes)).as(key).isEqualTo(Hex.of(Hex.bytes(ONE_FIELD + String.format(" %02X 0B", i + 1))));
            assertThat(BlazeBinary.decode(bytes).has(key)).isTrue();
        }
        assertThat(RandomValues.TABLE_KEYS).hasSize(0x3A);
    }

    @Test
    void otherKeysAreWrittenAs0xFFAU16LengthAndUtf8() {
        assertThat(Hex.of(BlazeBinary.encode(BlazeDataRecord.of(Map.of("clé", BlazeValue.nullValue())))))
                .isEqualTo(Hex.of(Hex.bytes(ONE_FIELD + " FF 00 04 63 6C C3 A9 0B")));
        assertThat(Hex.of(BlazeBinary.encode(BlazeDataRecord.of(Map.of("Id", BlazeValue.nullValue())))))
                .isEqualTo(Hex.of(Hex.bytes(ONE_FIELD + " FF 00 02 49 64 0B")));
        assertThat(Hex.of(BlazeBinary.encode(BlazeDataRecord.of(Map.of("", BlazeValue.nullValue())))))
                .isEqualTo(Hex.of(Hex.bytes(ONE_FIELD + " FF 00 00 0B")));
    }

    @Test
    void fieldsAreSortedByKeyNotByTableId() {
        BlazeDataRecord record = BlazeDataRecord.of(Map.of(
                "value", BlazeValue.integer(1), "id", BlazeValue.integer(2), "age", BlazeValue.integer(3),
                "zeta", BlazeValue.integer(4)));
        assertThat(Hex.of(BlazeBinary.encode(record))).isEqualTo(Hex.of(Hex.bytes(
                "42 4C 41 5A 45 01 00 04  16 12 03  01 12 02  2E 12 01  FF 00 04 7A 65 74 61 12 04")));
    }

    @Test
    void fieldsWithSupplementaryCharactersSortByCodePoint() {
        BlazeDataRecord record = BlazeDataRecord.of(Map.of(
                "😀", BlazeValue.nullValue(), "\uFFFF", BlazeValue.nullValue(), "é", BlazeValue.nullValue(),
                "z", BlazeValue.nullValue()));
        assertThat(Hex.of(BlazeBinary.encode(record))).isEqualTo(Hex.of(Hex.bytes(
                "42 4C 41 5A 45 01 00 04  FF 00 01 7A 0B  FF 00 02 C3 A9 0B  FF 00 03 EF BF BF 0B  FF 00 04 F0 9F 98 80 0B")));
    }

    @Test
    void anEmptyRecordIsTheHeaderAlone() {
        assertThat(Hex.of(BlazeBinary.encode(BlazeDataRecord.empty()))).isEqualTo("42 4C 41 5A 45 01 00 00");
        assertThat(BlazeBinary.decode(Hex.bytes("42 4C 41 5A 45 01 00 00"))).isEqualTo(BlazeDataRecord.empty());
    }

    // Lenient decoding of non-canonical forms -----------------------------------------------------

    @Test
    void aDecoderAcceptsNonCanonicalFormsThatHaveOneMeaning() {
        BlazeDataRecord expected = BlazeDataRecord.of(Map.of("id", BlazeValue.string("ab"), "zeta", BlazeValue.integer(1)));
        byte[] unsortedLongKeyLongString = Hex.bytes(
                "42 4C 41 5A 45 01 00 02  FF 00 04 7A 65 74 61 12 01  FF 00 02 69 64 01 00 00 00 02 61 62");
        assertThat(BlazeBinary.decode(unsortedLongKeyLongString)).isEqualTo(expected);
        assertThat(Hex.of(BlazeBinary.encode(BlazeBinary.decode(unsortedLongKeyLongString)))).isEqualTo(Hex.of(Hex.bytes(
                "42 4C 41 5A 45 01 00 02  01 22 61 62  FF 00 04 7A 65 74 61 12 01")));
    }
}
