package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    @Test
    void writesEveryValueKind() {
        BlazeDataRecord record = BlazeDataRecord.builder()
                .put("s", "text")
                .put("i", 42L)
                .put("d", 1.5)
                .put("b", true)
                .put("n", BlazeValue.nullValue())
                .put("t", BlazeValue.date(Instant.parse("2024-05-01T10:15:30Z")))
                .put("u", BlazeValue.uuid(ID))
                .put("bytes", BlazeValue.data(new byte[] {1, 2, 3, (byte) 0xff}))
                .put("v", BlazeValue.vector(new float[] {1.5f, -2f}))
                .put("a", BlazeValue.array(List.of(BlazeValue.integer(1), BlazeValue.string("x"))))
                .put("o", BlazeValue.dictionary(Map.of("k", BlazeValue.bool(false))))
                .build();
        assertThat(Json.write(record)).isEqualTo("{\"a\":[1,\"x\"],\"b\":true,\"bytes\":\"AQID/w==\",\"d\":1.5,"
                + "\"i\":42,\"n\":null,\"o\":{\"k\":false},\"s\":\"text\",\"t\":\"2024-05-01T10:15:30Z\","
                + "\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"v\":[1.5,-2.0]}");
    }

    @Test
    void writesDoublesSoTheyReadBackAsDoubles() {
        assertThat(Json.write(BlazeValue.decimal(42.0))).isEqualTo("42.0");
        assertThat(Json.write(BlazeValue.decimal(1e21))).isEqualTo("1.0E21");
        assertThat(Json.read(Json.write(BlazeValue.decimal(1e21)))).isEqualTo(BlazeValue.decimal(1e21));
    }

    @Test
    void writesNanAndInfinitiesAsStrings() {
        assertThat(Json.write(BlazeValue.decimal(Double.NaN))).isEqualTo("\"NaN\"");
        assertThat(Json.write(BlazeValue.decimal(Double.POSITIVE_INFINITY))).isEqualTo("\"Infinity\"");
        assertThat(Json.write(BlazeValue.decimal(Double.NEGATIVE_INFINITY))).isEqualTo("\"-Infinity\"");
        assertThat(Json.write(BlazeValue.vector(new float[] {Float.NaN}))).isEqualTo("[\"NaN\"]");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write(BlazeValue.string("a\"b\\c\nd\te\u0001f\u2028")))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028\"");
        assertThat(Json.write(BlazeValue.string("héllo wörld 🌍"))).isEqualTo("\"héllo wörld 🌍\"");
    }

    @Test
    void writesEmptyContainers() {
        assertThat(Json.write(BlazeDataRecord.empty())).isEqualTo("{}");
        assertThat(Json.write(BlazeValue.array(List.of()))).isEqualTo("[]");
        assertThat(Json.write(BlazeValue.dictionary(Map.of()))).isEqualTo("{}");
    }

    @Test
    void writesPrettyJsonIndentedByTwoSpaces() {
        BlazeDataRecord record = BlazeDataRecord.builder()
                .put("message", "Hello from DB1!")
                .put("tags", BlazeValue.array(List.of(BlazeValue.string("a"))))
                .put("value", 42L)
                .build();
        assertThat(Json.writePretty(record)).isEqualTo(String.join("\n",
                "{",
                "  \"message\": \"Hello from DB1!\",",
                "  \"tags\": [",
                "    \"a\"",
                "  ],",
                "  \"value\": 42",
                "}"));
    }

    @Test
    void readsObjectsWithTypedValues() {
        BlazeDataRecord record = Json.readRecord(" { \"n\" : 1, \"d\": -2.5e1, \"s\": \"x\\u00e9\\n\", \"b\": false,"
                + " \"z\": null, \"a\": [1, [2]], \"o\": {}, \"id\": \"123e4567-e89b-12d3-a456-426614174000\","
                + " \"at\": \"2024-05-01T10:15:30Z\", \"big\": 12345678901234567890 } ");
        assertThat(record.fields()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "n", BlazeValue.integer(1),
                "d", BlazeValue.decimal(-25.0),
                "s", BlazeValue.string("xé\n"),
                "b", BlazeValue.bool(false),
                "z", BlazeValue.nullValue(),
                "a", BlazeValue.array(List.of(BlazeValue.integer(1), BlazeValue.array(List.of(BlazeValue.integer(2))))),
                "o", BlazeValue.dictionary(Map.of()),
                "id", BlazeValue.uuid(ID),
                "at", BlazeValue.date(Instant.parse("2024-05-01T10:15:30Z")),
                "big", BlazeValue.decimal(12345678901234567890.0)));
    }

    @Test
    void refusesMalformedJsonNamingTheOffset() {
        assertThatThrownBy(() -> Json.readRecord("[1]")).hasMessage("expected a JSON object at offset 0");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":1,}")).hasMessage("expected a field name in double quotes at offset 7");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":1} x")).hasMessage("unexpected text after the JSON object at offset 8");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":01}")).hasMessageContaining("at offset 6");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":\"x}")).hasMessage("unterminated string at offset 8");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":tru}")).hasMessage("expected 'true' at offset 5");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":1,\"a\":2}")).hasMessage("duplicate field \"a\" at offset 7");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":\"\\q\"}")).hasMessage("unknown escape '\\q' at offset 6");
        assertThatThrownBy(() -> Json.readRecord("")).hasMessage("expected a JSON object at offset 0");
        assertThatThrownBy(() -> Json.readRecord("{\"a\":")).hasMessage("unexpected end of input at offset 5");
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep = "{\"a\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}";
        assertThatThrownBy(() -> Json.readRecord(deep)).hasMessageContaining("nesting deeper than " + Json.MAX_DEPTH);
        String fits = "{\"a\":" + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1) + "}";
        assertThat(Json.readRecord(fits).has("a")).isTrue();
    }

    @Test
    void whatIsWrittenReadsBackEqualForRandomRecords() {
        // A seeded generator rather than a property-testing library: failures reproduce exactly.
        Random random = new Random(20261126L);
        for (int i = 0; i < 2_000; i++) {
            BlazeDataRecord record = randomRecord(random);
            assertThat(Json.readRecord(Json.write(record))).as("case %d: %s", i, record).isEqualTo(record);
            assertThat(Json.readRecord(Json.writePretty(record))).as("case %d: %s", i, record).isEqualTo(record);
        }
    }

    private static BlazeDataRecord randomRecord(Random random) {
        Map<String, BlazeValue> fields = new HashMap<>();
        int size = random.nextInt(7);
        for (int i = 0; i < size; i++) {
            fields.put(randomString(random, 10), randomValue(random, 3));
        }
        return BlazeDataRecord.of(fields);
    }

    private static BlazeValue randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        switch (kind) {
            case 0: {
                String s = randomString(random, 20);
                BlazeValue value = BlazeValue.string(s);
                // Strings that spell a uuid or a date read back as those types, by design.
                return ValueParser.typedString(s).equals(value) ? value : BlazeValue.string("x" + s);
            }
            case 1:
                return BlazeValue.integer(random.nextBoolean() ? random.nextLong() : random.nextInt(300) - 150);
            case 2: {
                // Any finite double; NaN and the infinities are written as strings (tested above).
                double d = random.nextBoolean()
                        ? Double.longBitsToDouble(random.nextLong())
                        : (random.nextInt(2_000_000) - 1_000_000) / 128.0;
                return BlazeValue.decimal(Double.isFinite(d) ? d : 0.5);
            }
            case 3:
                return BlazeValue.bool(random.nextBoolean());
            case 4:
                return BlazeValue.nullValue();
            case 5:
                return BlazeValue.date(Instant.ofEpochSecond(random.nextLong() % 10_000_000_000L, random.nextInt(1_000_000_000)));
            case 6:
                return BlazeValue.uuid(new UUID(random.nextLong(), random.nextLong()));
            case 7: {
                List<BlazeValue> values = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    values.add(randomValue(random, depth - 1));
                }
                return BlazeValue.array(values);
            }
            default: {
                Map<String, BlazeValue> entries = new HashMap<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    entries.put(randomString(random, 8), randomValue(random, depth - 1));
                }
                return BlazeValue.dictionary(entries);
            }
        }
    }

    /** Mostly ASCII, with quotes, backslashes, control characters, accents and surrogate pairs. */
    private static String randomString(Random random, int maxLength) {
        String[] pieces = {"a", "Z", "7", " ", "\"", "\\", "\n", "\t", "\u0001", "\u007f", "é", "ß", "\u2028",
            "日", "🌍", "-", ":", "{", "]"};
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }
}
