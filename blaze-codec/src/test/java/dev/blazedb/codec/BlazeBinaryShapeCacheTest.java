package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder's cache of record shapes: records whose keys match a cached shape byte for byte
 * share its keys; anything else (other keys, the same keys in another wire form, a key that
 * matches only in part) decodes as without the cache.
 */
class BlazeBinaryShapeCacheTest {

    private static BlazeDataRecord record(String... keysAndValues) {
        BlazeDataRecord.Builder builder = BlazeDataRecord.builder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return builder.build();
    }

    @Test
    void recordsOfTheSameShapeDecodeToTheirOwnValues() {
        for (int i = 0; i < 50; i++) {
            BlazeDataRecord record = record("id", "r" + i, "score", "s" + i, "title", "t" + i);
            assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
        }
    }

    @Test
    void shapesThatShareTheirFieldCountAndFirstKeyDoNotMix() {
        // Same field count and first key (so the same cache slot), different later keys.
        List<BlazeDataRecord> records = List.of(
                record("id", "1", "name", "n", "title", "t"),
                record("id", "2", "name", "n", "zzz", "z"),
                record("id", "3", "namf", "n", "title", "t"),
                record("id", "4", "nam", "n", "title", "t"),
                record("id", "5", "name", "n", "titles", "t"),
                record("id", "6", "status", "n", "title", "t"));
        for (int round = 0; round < 5; round++) {
            for (BlazeDataRecord record : records) {
                byte[] bytes = BlazeBinary.encode(record);
                assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
                assertThat(BlazeBinary.decode(BlazeBinary.encode(record, true))).isEqualTo(record);
            }
        }
    }

    @Test
    void aTableKeyInTheLongFormStillDecodesAfterItsShapeIsCached() {
        BlazeDataRecord record = record("id", "x", "title", "y");
        assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
        // "id" (0x01) written as FF 00 02 'i' 'd', then "title" as its id 0x06.
        byte[] longForm = Hex.bytes("42 4C 41 5A 45 01 00 02  FF 00 02 69 64 21 78  06 21 79");
        assertThat(BlazeBinary.decode(longForm)).isEqualTo(record);
        assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
    }

    @Test
    void aRecordOfACachedShapeKeepsItsValuesWhenTheInputChangesAfterwards() {
        BlazeDataRecord record = BlazeDataRecord.builder()
                .put("id", BlazeValue.uuid(new java.util.UUID(1, 2)))
                .put("score", "a string of more than fifteen bytes")
                .put("tags", BlazeValue.array(List.of(BlazeValue.string("x"), BlazeValue.integer(300))))
                .put("zz", BlazeValue.dictionary(java.util.Map.of("k", BlazeValue.decimal(0.5))))
                .build();
        byte[] bytes = BlazeBinary.encode(record);
        assertThat(BlazeBinary.decode(bytes)).isEqualTo(record); // caches the shape
        for (int round = 0; round < 3; round++) {
            byte[] input = bytes.clone();
            BlazeDataRecord decoded = BlazeBinary.decode(input);
            java.util.Arrays.fill(input, (byte) 0x7F);
            assertThat(decoded.string("score")).contains("a string of more than fifteen bytes");
            assertThat(decoded).isEqualTo(record);
            assertThat(BlazeBinary.encode(decoded)).isEqualTo(bytes);
        }
    }

    @Test
    void everyValueKindOfACachedShapeDecodesAsTheFirstTime() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(PropertyCheck.seed());
        RandomValues values = new RandomValues(random);
        for (int i = 0; i < 2_000; i++) {
            BlazeDataRecord record = values.record();
            byte[] bytes = BlazeBinary.encode(record, i % 2 == 0);
            BlazeDataRecord first = BlazeBinary.decode(bytes);
            BlazeDataRecord second = BlazeBinary.decode(bytes);
            for (int field = 0; field < record.size(); field++) {
                assertThat(second.valueAt(field)).isEqualTo(record.valueAt(field));
            }
            assertThat(first).isEqualTo(record);
            assertThat(second).isEqualTo(record);
        }
    }

    @Test
    void malformedRecordsOfACachedShapeAreStillRefused() {
        BlazeDataRecord record = record("id", "x", "score", "y");
        byte[] bytes = BlazeBinary.encode(record);
        assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
        // The same keys, then a byte too many.
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> BlazeBinary.decode(longer)).isInstanceOf(BlazeBinaryException.class)
                .hasMessageContaining("1 bytes follow the record");
        // Cut inside the second key.
        byte[] cut = java.util.Arrays.copyOf(bytes, 13);
        assertThatThrownBy(() -> BlazeBinary.decode(cut)).isInstanceOf(BlazeBinaryException.class);
        // The second key's first byte changed: a different (long) key, still decoded right.
        byte[] other = bytes.clone();
        int at = indexOf(other, (byte) 's');
        other[at] = 't';
        assertThat(BlazeBinary.decode(other)).isEqualTo(record("id", "x", "tcore", "y"));
        // A duplicate key where the shape has another one.
        byte[] dup = Hex.bytes("42 4C 41 5A 45 01 00 02  01 21 78  01 21 79");
        assertThatThrownBy(() -> BlazeBinary.decode(dup)).isInstanceOf(BlazeBinaryException.class)
                .hasMessageContaining("duplicate field key \"id\"");
    }

    @Test
    void randomShapesRoundTripWhateverTheCacheHolds() {
        Random random = new Random(11);
        String[] names = {"id", "title", "count", "score", "a", "b", "isActive", "zz", "\u00E9t\u00E9", "\uD83D\uDE00"};
        List<BlazeDataRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            BlazeDataRecord.Builder builder = BlazeDataRecord.builder();
            int fields = 1 + random.nextInt(5);
            for (int j = 0; j < fields; j++) {
                builder.put(names[random.nextInt(names.length)], BlazeValue.integer(random.nextInt(1000)));
            }
            records.add(builder.build());
        }
        for (int i = 0; i < 2000; i++) {
            BlazeDataRecord record = records.get(random.nextInt(records.size()));
            assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
        }
    }

    @Test
    void recordsTooLargeToCacheStillDecode() {
        BlazeDataRecord longKeys = record("k".repeat(600), "a", "l".repeat(600), "b");
        BlazeDataRecord manyFields = BlazeDataRecord.builder().build();
        for (int i = 0; i < 100; i++) {
            manyFields = manyFields.with("f" + i, BlazeValue.integer(i));
        }
        for (int round = 0; round < 3; round++) {
            assertThat(BlazeBinary.decode(BlazeBinary.encode(longKeys))).isEqualTo(longKeys);
            assertThat(BlazeBinary.decode(BlazeBinary.encode(manyFields))).isEqualTo(manyFields);
        }
    }

    private static BlazeValue dictionary(String... keys) {
        java.util.Map<String, BlazeValue> entries = new java.util.HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            entries.put(keys[i], BlazeValue.integer(i));
        }
        return BlazeValue.dictionary(entries);
    }

    @Test
    void dictionariesThatShareTheirEntryCountAndFirstKeyDoNotMix() {
        // Same entry count, first key length and first byte (so the same cache slot), different keys.
        List<BlazeValue> dictionaries = List.of(
                dictionary("ab", "name", "title"),
                dictionary("ab", "name", "zzz"),
                dictionary("ab", "namf", "title"),
                dictionary("ab", "nam", "title"),
                dictionary("ac", "name", "title"),
                dictionary("ab", "\u00E9t\u00E9", "title"));
        for (int round = 0; round < 5; round++) {
            for (BlazeValue dictionary : dictionaries) {
                BlazeDataRecord record = BlazeDataRecord.builder().put("metadata", dictionary)
                        .put("tags", BlazeValue.array(List.of(dictionary, dictionary))).build();
                assertThat(BlazeBinary.decode(BlazeBinary.encode(record))).isEqualTo(record);
            }
        }
    }

    @Test
    void malformedDictionariesOfACachedShapeAreStillRefused() {
        BlazeDataRecord record = BlazeDataRecord.builder().put("metadata", dictionary("a", "b")).build();
        byte[] bytes = BlazeBinary.encode(record);
        assertThat(Hex.of(bytes)).isEqualTo("42 4C 41 5A 45 01 00 01 27 09 00 02 00 01 61 12 00 00 01 62 12 01");
        assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
        // The same first key, then the second key equal to the first: a duplicate.
        byte[] dup = Hex.bytes("42 4C 41 5A 45 01 00 01 27 09 00 02 00 01 61 12 00 00 01 61 12 01");
        assertThatThrownBy(() -> BlazeBinary.decode(dup)).isInstanceOf(BlazeBinaryException.class)
                .hasMessageContaining("duplicate dictionary key \"a\"").extracting("offset").isEqualTo(17L);
        // Out of order: decoded all the same, sorted.
        byte[] swapped = Hex.bytes("42 4C 41 5A 45 01 00 01 27 09 00 02 00 01 62 12 01 00 01 61 12 00");
        assertThat(BlazeBinary.decode(swapped)).isEqualTo(record);
        // The second key cut off.
        byte[] cut = java.util.Arrays.copyOf(bytes, 19);
        assertThatThrownBy(() -> BlazeBinary.decode(cut)).isInstanceOf(BlazeBinaryException.class).extracting("offset").isEqualTo(17L);
        assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError();
    }
}
