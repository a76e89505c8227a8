package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The encoder refuses what the format cannot hold, with an IllegalArgumentException naming the field. */
class BlazeBinaryEncoderLimitsTest {

    private static BlazeDataRecord field(String key, BlazeValue value) {
        return BlazeDataRecord.of(Map.of(key, value));
    }

    private static Map<String, BlazeValue> entries(int count) {
        Map<String, BlazeValue> map = new HashMap<>();
        for (int i = 0; i < count; i++) {
            map.put("k" + i, BlazeValue.nullValue());
        }
        return map;
    }

    @Test
    void aRecordOf65535FieldsRoundTripsAndOneMoreIsRefused() {
        BlazeDataRecord max = BlazeDataRecord.of(entries(65_535));
        assertThat(BlazeBinary.decode(BlazeBinary.encode(max, true))).isEqualTo(max);
        BlazeDataRecord tooMany = BlazeDataRecord.of(entries(65_536));
        assertThatThrownBy(() -> BlazeBinary.encode(tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536 fields, more than 65535");
    }

    @Test
    void anArrayOf65535EntriesRoundTripsAndOneMoreIsRefused() {
        BlazeDataRecord max = field("tags", BlazeValue.array(Collections.nCopies(65_535, BlazeValue.nullValue())));
        assertThat(BlazeBinary.decode(BlazeBinary.encode(max))).isEqualTo(max);
        BlazeDataRecord tooMany = field("tags", BlazeValue.array(Collections.nCopies(65_536, BlazeValue.nullValue())));
        assertThatThrownBy(() -> BlazeBinary.encode(tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field \"tags\"")
                .hasMessageContaining("array has 65536 entries, more than 65535");
    }

    @Test
    void aDictionaryOf65535EntriesRoundTripsAndOneMoreIsRefused() {
        BlazeDataRecord max = field("metadata", BlazeValue.dictionary(entries(65_535)));
        assertThat(BlazeBinary.decode(BlazeBinary.encode(max))).isEqualTo(max);
        BlazeDataRecord tooMany = field("metadata", BlazeValue.array(List.of(BlazeValue.dictionary(entries(65_536)))));
        assertThatThrownBy(() -> BlazeBinary.encodedSize(tooMany, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field \"metadata\"")
                .hasMessageContaining("dictionary has 65536 entries, more than 65535");
    }

    @Test
    void nestingDeeperThan64IsRefused() {
        BlazeValue value = BlazeValue.array(List.of());
        for (int depth = 1; depth < BlazeBinary.MAX_DEPTH; depth++) {
            value = BlazeValue.array(List.of(value));
        }
        BlazeDataRecord atLimit = field("deep", value);
        assertThat(BlazeBinary.decode(BlazeBinary.encode(atLimit))).isEqualTo(atLimit);
        BlazeDataRecord tooDeep = field("deep", BlazeValue.dictionary(Map.of("k", value)));
        assertThatThrownBy(() -> BlazeBinary.encode(tooDeep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 64");
    }

    @Test
    void aVeryDeepValueIsRefusedWithoutAStackOverflow() {
        BlazeValue value = BlazeValue.nullValue();
        for (int depth = 0; depth < 100_000; depth++) {
            value = BlazeValue.array(List.of(value));
        }
        BlazeDataRecord record = field("deep", value);
        assertThatThrownBy(() -> BlazeBinary.encode(record)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysOfUpTo65535Utf8BytesAreAcceptedAndLongerOnesRefused() {
        BlazeDataRecord max = field("é".repeat(32_767) + "a", BlazeValue.nullValue());
        assertThat(BlazeBinary.decode(BlazeBinary.encode(max))).isEqualTo(max);
        assertThatThrownBy(() -> BlazeBinary.encode(field("é".repeat(32_768), BlazeValue.nullValue())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key of 65536 UTF-8 bytes is longer than 65535");
        BlazeDataRecord dictionaryKey = field("d", BlazeValue.dictionary(Map.of("x".repeat(65_536), BlazeValue.nullValue())));
        assertThatThrownBy(() -> BlazeBinary.encode(dictionaryKey)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsAndKeysWithAnUnpairedSurrogateAreRefused() {
        assertThatThrownBy(() -> BlazeBinary.encode(field("title", BlazeValue.string("ab\uD800c"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate at index 2");
        assertThatThrownBy(() -> BlazeBinary.encode(field("title", BlazeValue.string("\uDC00"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeBinary.encode(field("title", BlazeValue.string("end\uD83D"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeBinary.encode(field("k\uDFFF", BlazeValue.nullValue())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> BlazeBinary.encode(field("d", BlazeValue.dictionary(Map.of("\uD800", BlazeValue.nullValue())))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProperSurrogatePairIsEncodedAsFourBytes() {
        BlazeDataRecord record = field("title", BlazeValue.string("\uD83D\uDE00"));
        assertThat(Hex.of(BlazeBinary.encode(record))).endsWith("06 24 F0 9F 98 80");
    }

    @Test
    void aNullRecordIsANullPointerException() {
        assertThatNullPointerException().isThrownBy(() -> BlazeBinary.encode(null));
        assertThatNullPointerException().isThrownBy(() -> BlazeBinary.encodedSize(null, true));
    }

    @Test
    void encodedSizeIsExactForLargeValues() {
        List<BlazeValue> values = new ArrayList<>();
        values.add(BlazeValue.string("x".repeat(100_000)));
        values.add(BlazeValue.data(new byte[70_000]));
        values.add(BlazeValue.vector(new float[20_000]));
        BlazeDataRecord record = field("big", BlazeValue.array(values));
        assertThat(BlazeBinary.encode(record)).hasSize(BlazeBinary.encodedSize(record, false));
        assertThat(BlazeBinary.encode(record, true)).hasSize(BlazeBinary.encodedSize(record, true));
        assertThat(BlazeBinary.decode(BlazeBinary.encode(record, true))).isEqualTo(record);
    }
}
