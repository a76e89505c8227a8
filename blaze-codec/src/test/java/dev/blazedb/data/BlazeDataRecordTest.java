package dev.blazedb.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The array-backed record: its factories, lookups, copies and the {@code fields()} view. */
class BlazeDataRecordTest {

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600: one code point, two chars
    private static final String LAST_BMP = "\uFFFF"; // below U+1F600 by code point, above it by String.compareTo

    private static BlazeValue v(long n) {
        return BlazeValue.integer(n);
    }

    // ofSorted ----------------------------------------------------------------------------------

    @Test
    void ofSortedTakesKeysInCodePointOrder() {
        BlazeDataRecord record = BlazeDataRecord.ofSorted(new String[] {"a", "b", LAST_BMP, EMOJI},
                new BlazeValue[] {v(1), v(2), v(3), v(4)});
        assertThat(record.size()).isEqualTo(4);
        assertThat(record.keyAt(2)).isEqualTo(LAST_BMP);
        assertThat(record.valueAt(3)).isEqualTo(v(4));
        assertThat(record.integer(EMOJI)).contains(4L);
        assertThat(record).isEqualTo(BlazeDataRecord.of(Map.of("a", v(1), "b", v(2), LAST_BMP, v(3), EMOJI, v(4))));
        assertThat(BlazeDataRecord.ofSorted(new String[0], new BlazeValue[0])).isSameAs(BlazeDataRecord.empty());
    }

    @Test
    void ofSortedRefusesKeysOutOfOrderDuplicatedOrNull() {
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {"b", "a"}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {"a", "b", "b"}, new BlazeValue[] {v(1), v(2), v(3)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 2");
        // String.compareTo order is not code-point order above U+FFFF.
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {EMOJI, LAST_BMP}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {"a"}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {"a", null}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BlazeDataRecord.ofSorted(new String[] {"a", "b"}, new BlazeValue[] {v(1), null}))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void dictionaryOfSortedChecksTheSameWay() {
        BlazeValue.DictionaryValue dictionary = BlazeValue.DictionaryValue.ofSorted(
                new String[] {"x", "y"}, new BlazeValue[] {v(1), v(2)});
        assertThat(dictionary.size()).isEqualTo(2);
        assertThat(dictionary.keyAt(1)).isEqualTo("y");
        assertThat(dictionary.valueAt(0)).isEqualTo(v(1));
        assertThat(dictionary).isEqualTo(BlazeValue.dictionary(Map.of("y", v(2), "x", v(1))));
        assertThat(dictionary.value()).isEqualTo(Map.of("x", v(1), "y", v(2)));
        assertThatThrownBy(() -> BlazeValue.DictionaryValue.ofSorted(new String[] {"y", "x"}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeValue.DictionaryValue.ofSorted(new String[] {"x", "x"}, new BlazeValue[] {v(1), v(2)}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlazeValue.DictionaryValue.ofSorted(new String[] {null}, new BlazeValue[] {v(1)}))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aDictionaryFromAnyMapIsSortedAndImmutable() {
        Map<String, BlazeValue> source = new HashMap<>(Map.of("b", v(2), EMOJI, v(3), LAST_BMP, v(4), "a", v(1)));
        BlazeValue.DictionaryValue dictionary = new BlazeValue.DictionaryValue(source);
        source.clear();
        assertThat(new ArrayList<>(dictionary.value().keySet())).containsExactly("a", "b", LAST_BMP, EMOJI);
        assertThatThrownBy(() -> dictionary.value().put("c", v(5))).isInstanceOf(UnsupportedOperationException.class);
        Map<String, BlazeValue> withNullKey = new HashMap<>();
        withNullKey.put(null, v(2));
        assertThatThrownBy(() -> new BlazeValue.DictionaryValue(withNullKey)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withValuesSharesTheKeysAndChecksTheValues() {
        BlazeDataRecord record = BlazeDataRecord.builder().put("a", 1L).put("b", 2L).build();
        BlazeDataRecord other = record.withValues(new BlazeValue[] {v(3), v(4)});
        assertThat(other).isEqualTo(BlazeDataRecord.of(Map.of("a", v(3), "b", v(4))));
        assertThat(record.integer("a")).contains(1L);
        assertThatThrownBy(() -> record.withValues(new BlazeValue[] {v(3)})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> record.withValues(new BlazeValue[] {v(3), null})).isInstanceOf(NullPointerException.class);
    }

    @Test
    void dictionaryWithValuesSharesTheKeysAndChecksTheValues() {
        BlazeValue.DictionaryValue dictionary = (BlazeValue.DictionaryValue) BlazeValue.dictionary(Map.of("b", v(2), "a", v(1)));
        BlazeValue.DictionaryValue other = dictionary.withValues(new BlazeValue[] {v(3), v(4)});
        assertThat(other.value()).isEqualTo(Map.of("a", v(3), "b", v(4)));
        assertThat(other.keyAt(1)).isEqualTo("b");
        assertThat(dictionary.value()).isEqualTo(Map.of("a", v(1), "b", v(2)));
        assertThatThrownBy(() -> dictionary.withValues(new BlazeValue[] {v(3)})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dictionary.withValues(new BlazeValue[] {v(3), null})).isInstanceOf(NullPointerException.class);
    }

    @Test
    void arrayOfTakesTheArrayAndEqualsAnyListOfTheSameValues() {
        BlazeValue.ArrayValue array = BlazeValue.ArrayValue.of(new BlazeValue[] {v(1), BlazeValue.string("x")});
        assertThat(array).isEqualTo(BlazeValue.array(List.of(v(1), BlazeValue.string("x"))));
        assertThat(array.hashCode()).isEqualTo(BlazeValue.array(new ArrayList<>(List.of(v(1), BlazeValue.string("x")))).hashCode());
        assertThat(array.size()).isEqualTo(2);
        assertThat(array.get(1)).isEqualTo(BlazeValue.string("x"));
        assertThat(array.value()).containsExactly(v(1), BlazeValue.string("x")).hasToString("[IntValue[value=1], StringValue[value=x]]");
        assertThatThrownBy(() -> array.value().add(v(2))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> array.value().set(0, v(2))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> BlazeValue.ArrayValue.of(new BlazeValue[] {v(1), null})).isInstanceOf(NullPointerException.class);
        assertThat(BlazeValue.ArrayValue.of(new BlazeValue[0])).isEqualTo(BlazeValue.array(List.of()));
        // A list given to array() is copied: changing it later changes nothing.
        List<BlazeValue> source = new ArrayList<>(List.of(v(1)));
        BlazeValue.ArrayValue copied = (BlazeValue.ArrayValue) BlazeValue.array(source);
        source.set(0, v(9));
        assertThat(copied.get(0)).isEqualTo(v(1));
        assertThatThrownBy(() -> BlazeValue.array(java.util.Arrays.asList(v(1), null))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void vectorOfBigEndianBitsReadsFloat32BitsAndChecksTheRange() {
        byte[] bytes = {0x09, 0x3F, (byte) 0x80, 0x00, 0x00, (byte) 0xC0, 0x00, 0x00, 0x00};
        BlazeValue.VectorValue vector = BlazeValue.VectorValue.ofBigEndianBits(bytes, 1, 2);
        assertThat(vector.value()).containsExactly(1.0f, -2.0f);
        assertThat(BlazeValue.VectorValue.ofBigEndianBits(bytes, 9, 0).length()).isZero();
        assertThatThrownBy(() -> BlazeValue.VectorValue.ofBigEndianBits(bytes, 2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> BlazeValue.VectorValue.ofBigEndianBits(bytes, 0, Integer.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> BlazeValue.VectorValue.ofBigEndianBits(bytes, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // Construction, lookups and copies -----------------------------------------------------------

    @Test
    void anUnsortedMapIsSortedByCodePointAndCopied() {
        Map<String, BlazeValue> source = new LinkedHashMap<>();
        for (String key : new String[] {EMOJI, "zeta", LAST_BMP, "alpha", "", "Beta"}) {
            source.put(key, BlazeValue.string(key));
        }
        BlazeDataRecord record = new BlazeDataRecord(source);
        source.put("later", v(0));
        assertThat(new ArrayList<>(record.fields().keySet())).containsExactly("", "Beta", "alpha", "zeta", LAST_BMP, EMOJI);
        assertThat(record.has("later")).isFalse();
        assertThatThrownBy(() -> new BlazeDataRecord(new HashMap<>(java.util.Collections.singletonMap("a", null))))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void manyFieldsSortAndLookUpLikeATreeMap() {
        TreeMap<String, BlazeValue> expected = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        Map<String, BlazeValue> source = new HashMap<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            String key = Integer.toString(random.nextInt(1000), 36) + (random.nextInt(8) == 0 ? EMOJI : "");
            expected.put(key, v(i));
            source.put(key, v(i));
        }
        BlazeDataRecord record = BlazeDataRecord.of(source);
        assertThat(new ArrayList<>(record.fields().entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
        for (String key : expected.keySet()) {
            assertThat(record.get(key)).contains(expected.get(key));
            assertThat(record.fields().get(key)).isEqualTo(expected.get(key));
            assertThat(record.fields().containsKey(key + "~")).isEqualTo(expected.containsKey(key + "~"));
        }
        assertThat(record.get("absent")).isEmpty();
    }

    @Test
    void theBuilderKeepsTheLastValueOfAKey() {
        BlazeDataRecord.Builder builder = BlazeDataRecord.builder();
        for (int i = 0; i < 40; i++) {
            builder.put("k" + (i % 13), (long) i);
        }
        BlazeDataRecord record = builder.build();
        assertThat(record.size()).isEqualTo(13);
        assertThat(record.integer("k0")).contains(39L);
        assertThat(record.integer("k12")).contains(38L);
        builder.put("k0", "changed");
        assertThat(record.integer("k0")).contains(39L); // the built record does not change
        assertThat(builder.build().string("k0")).contains("changed");
    }

    @Test
    void withAndWithoutCopy() {
        BlazeDataRecord record = BlazeDataRecord.builder().put("b", 2L).put("d", 4L).build();
        BlazeDataRecord added = record.with("c", v(3)).with("a", v(1)).with("e", v(5));
        assertThat(new ArrayList<>(added.fields().keySet())).containsExactly("a", "b", "c", "d", "e");
        assertThat(added.with("c", v(30)).integer("c")).contains(30L);
        assertThat(added.integer("c")).contains(3L);
        assertThat(added.without("c").without("a").without("e")).isEqualTo(record);
        assertThat(record.without("absent")).isSameAs(record);
        assertThat(record.without("b").without("d")).isEqualTo(BlazeDataRecord.empty());
    }

    // The fields() view -------------------------------------------------------------------------

    @Test
    void fieldsIsAnOrderedViewEqualToAnyMapWithTheSameEntries() {
        BlazeDataRecord record = BlazeDataRecord.builder()
                .put("title", "t").put("count", 3L).put(EMOJI, true).put(LAST_BMP, 1.5).put("id", "x").build();
        SortedMap<String, BlazeValue> fields = record.fields();
        HashMap<String, BlazeValue> copy = new HashMap<>(fields);

        assertThat(new ArrayList<>(fields.keySet())).containsExactly("count", "id", "title", LAST_BMP, EMOJI);
        assertThat(new ArrayList<>(fields.values())).containsExactly(v(3), BlazeValue.string("x"), BlazeValue.string("t"),
                BlazeValue.decimal(1.5), BlazeValue.bool(true));
        assertThat(fields).isEqualTo(copy);
        assertThat(copy).isEqualTo(fields);
        assertThat(fields.hashCode()).isEqualTo(copy.hashCode());
        assertThat(record.hashCode()).isEqualTo(copy.hashCode());
        assertThat(record).isEqualTo(new BlazeDataRecord(copy)).hasSameHashCodeAs(new BlazeDataRecord(copy));
        assertThat(fields).isNotEqualTo(Map.of("count", v(3)));
        assertThat(record.toString()).startsWith("BlazeDataRecord{count=");

        assertThat(fields.comparator()).isSameAs(BlazeDataRecord.CODE_POINT_ORDER);
        assertThat(fields.firstKey()).isEqualTo("count");
        assertThat(fields.lastKey()).isEqualTo(EMOJI);
        assertThat(fields.get(42)).isNull();
        assertThat(fields.containsValue(v(3))).isTrue();
        assertThat(fields.containsValue(v(4))).isFalse();
        List<String> seen = new ArrayList<>();
        fields.forEach((k, value) -> seen.add(k));
        assertThat(seen).containsExactly("count", "id", "title", LAST_BMP, EMOJI);

        TreeMap<String, BlazeValue> tree = new TreeMap<>(fields); // keeps the comparator of a SortedMap
        assertThat(tree.comparator()).isSameAs(BlazeDataRecord.CODE_POINT_ORDER);
        assertThat(new ArrayList<>(tree.keySet())).containsExactly("count", "id", "title", LAST_BMP, EMOJI);
    }

    @Test
    void fieldsIsImmutable() {
        BlazeDataRecord record = BlazeDataRecord.builder().put("a", 1L).put("b", 2L).build();
        SortedMap<String, BlazeValue> fields = record.fields();
        assertThatThrownBy(() -> fields.put("c", v(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.put("a", v(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(fields::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.putAll(Map.of("c", v(3)))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.putIfAbsent("a", v(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.computeIfAbsent("z", k -> v(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.merge("a", v(3), (x, y) -> y)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.replaceAll((k, value) -> value)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.values().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.entrySet().iterator().next().setValue(v(3)))
                .isInstanceOf(UnsupportedOperationException.class);
        Iterator<Map.Entry<String, BlazeValue>> entries = fields.entrySet().iterator();
        entries.next();
        assertThatThrownBy(entries::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.headMap("b").put("0", v(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(record.integer("a")).contains(1L);
        assertThat(fields).hasSize(2);
    }

    @Test
    void subMapViewsFollowSortedMapRules() {
        BlazeDataRecord record = BlazeDataRecord.builder().put("a", 1L).put("c", 3L).put("e", 5L).put("g", 7L).build();
        SortedMap<String, BlazeValue> fields = record.fields();
        TreeMap<String, BlazeValue> tree = new TreeMap<>(fields);

        assertThat(fields.subMap("b", "f")).isEqualTo(tree.subMap("b", "f")).containsOnlyKeys("c", "e");
        assertThat(fields.headMap("e")).isEqualTo(tree.headMap("e")).containsOnlyKeys("a", "c");
        assertThat(fields.tailMap("e")).isEqualTo(tree.tailMap("e")).containsOnlyKeys("e", "g");
        assertThat(fields.subMap("c", "c")).isEmpty();
        assertThat(fields.subMap("b", "f").firstKey()).isEqualTo("c");
        assertThat(fields.subMap("b", "f").lastKey()).isEqualTo("e");
        assertThat(fields.subMap("b", "f").get("a")).isNull();
        assertThat(fields.subMap("b", "f").get("e")).isEqualTo(v(5));
        assertThat(fields.subMap("b", "f").headMap("d")).containsOnlyKeys("c");
        assertThatThrownBy(() -> fields.subMap("f", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fields.subMap("b", "f").tailMap("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fields.headMap("c").tailMap("d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fields.subMap("c", "c").firstKey()).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(new BlazeDataRecord(fields.subMap("b", "f"))).isEqualTo(BlazeDataRecord.of(Map.of("c", v(3), "e", v(5))));
    }

    @Test
    void codePointOrderAgreesWithUtf8ByteOrderAroundSurrogates() {
        String[] ordered = {"", "a", "a\u0000", "ab", "\u00E9", "\uD7FF", "\uE000", LAST_BMP, "\uD800\uDC00", EMOJI, EMOJI + "a"};
        for (int i = 0; i < ordered.length; i++) {
            for (int j = 0; j < ordered.length; j++) {
                assertThat(Integer.signum(BlazeDataRecord.CODE_POINT_ORDER.compare(ordered[i], ordered[j])))
                        .as("%s vs %s", i, j).isEqualTo(Integer.compare(i, j));
            }
        }
        // Unpaired surrogates compare as the code points they denote.
        assertThat(BlazeDataRecord.CODE_POINT_ORDER.compare("\uD800", "\uE000")).isNegative();
        assertThat(BlazeDataRecord.CODE_POINT_ORDER.compare("\uDC00", "\uD800\uDC00")).isNegative();
        assertThat(BlazeDataRecord.CODE_POINT_ORDER.compare("\uD800x", "\uD800\uDC00")).isNegative();
    }
}
