package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeValue;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParserTest {

    @Test
    void integersBecomeInts() {
        assertThat(ValueParser.value("42")).isEqualTo(BlazeValue.integer(42));
        assertThat(ValueParser.value("-7")).isEqualTo(BlazeValue.integer(-7));
        assertThat(ValueParser.value("0")).isEqualTo(BlazeValue.integer(0));
        assertThat(ValueParser.value("9223372036854775807")).isEqualTo(BlazeValue.integer(Long.MAX_VALUE));
        assertThat(ValueParser.value("-9223372036854775808")).isEqualTo(BlazeValue.integer(Long.MIN_VALUE));
    }

    @Test
    void integersTooLargeForAnIntBecomeDoubles() {
        assertThat(ValueParser.value("9223372036854775808")).isEqualTo(BlazeValue.decimal(9.223372036854775808e18));
    }

    @Test
    void numbersWithLeadingZerosStayStrings() {
        assertThat(ValueParser.value("01234")).isEqualTo(BlazeValue.string("01234"));
        assertThat(ValueParser.value("+5")).isEqualTo(BlazeValue.string("+5"));
    }

    @Test
    void decimalsAndExponentsBecomeDoubles() {
        assertThat(ValueParser.value("1.5")).isEqualTo(BlazeValue.decimal(1.5));
        assertThat(ValueParser.value("-0.25")).isEqualTo(BlazeValue.decimal(-0.25));
        assertThat(ValueParser.value("1e3")).isEqualTo(BlazeValue.decimal(1000.0));
        assertThat(ValueParser.value("2.5E-3")).isEqualTo(BlazeValue.decimal(0.0025));
    }

    @Test
    void nanAndInfinitiesBecomeDoubles() {
        assertThat(ValueParser.value("NaN")).isEqualTo(BlazeValue.decimal(Double.NaN));
        assertThat(ValueParser.value("Infinity")).isEqualTo(BlazeValue.decimal(Double.POSITIVE_INFINITY));
        assertThat(ValueParser.value("-Infinity")).isEqualTo(BlazeValue.decimal(Double.NEGATIVE_INFINITY));
    }

    @Test
    void literalsBecomeBoolsAndNull() {
        assertThat(ValueParser.value("true")).isEqualTo(BlazeValue.bool(true));
        assertThat(ValueParser.value("false")).isEqualTo(BlazeValue.bool(false));
        assertThat(ValueParser.value("null")).isEqualTo(BlazeValue.nullValue());
        assertThat(ValueParser.value("True")).isEqualTo(BlazeValue.string("True"));
    }

    @Test
    void canonicalUuidsBecomeUuids() {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(ValueParser.value("123e4567-e89b-12d3-a456-426614174000")).isEqualTo(BlazeValue.uuid(id));
        assertThat(ValueParser.value("123E4567-E89B-12D3-A456-426614174000")).isEqualTo(BlazeValue.uuid(id));
        assertThat(ValueParser.value("123e4567-e89b-12d3-a456")).isEqualTo(BlazeValue.string("123e4567-e89b-12d3-a456"));
    }

    @Test
    void isoDatesBecomeDates() {
        assertThat(ValueParser.value("2024-05-01T10:15:30Z"))
                .isEqualTo(BlazeValue.date(Instant.parse("2024-05-01T10:15:30Z")));
        assertThat(ValueParser.value("2024-05-01T10:15:30.123456789Z"))
                .isEqualTo(BlazeValue.date(Instant.parse("2024-05-01T10:15:30.123456789Z")));
        assertThat(ValueParser.value("2024-05-01T12:15:30+02:00"))
                .isEqualTo(BlazeValue.date(Instant.parse("2024-05-01T10:15:30Z")));
        assertThat(ValueParser.value("2024-05-01T10:15"))
                .isEqualTo(BlazeValue.date(Instant.parse("2024-05-01T10:15:00Z")));
        assertThat(ValueParser.value("2024-05-01")).isEqualTo(BlazeValue.date(Instant.parse("2024-05-01T00:00:00Z")));
        assertThat(ValueParser.value("1999-12-31")).isEqualTo(BlazeValue.date(Instant.parse("1999-12-31T00:00:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-13-01", "2024-02-30x", "2024-5-1", "hello", "", "1.", ".5", "1,5", "0x10", "nan"})
    void everythingElseStaysAString(String text) {
        assertThat(ValueParser.value(text)).isEqualTo(BlazeValue.string(text));
    }

    @Test
    void doubleQuotesForceAString() {
        assertThat(ValueParser.value("\"42\"")).isEqualTo(BlazeValue.string("42"));
        assertThat(ValueParser.value("\"true\"")).isEqualTo(BlazeValue.string("true"));
        assertThat(ValueParser.value("\"\"")).isEqualTo(BlazeValue.string(""));
        assertThat(ValueParser.value("\"")).isEqualTo(BlazeValue.string("\""));
    }

    @Test
    void assignmentsSplitAtTheFirstEqualsSign() {
        assertThat(ValueParser.assignment("a=b=c")).isEqualTo(Map.entry("a", BlazeValue.string("b=c")));
        assertThat(ValueParser.assignment("value=42")).isEqualTo(Map.entry("value", BlazeValue.integer(42)));
        assertThat(ValueParser.assignment("empty=")).isEqualTo(Map.entry("empty", BlazeValue.string("")));
    }

    @Test
    void assignmentsWithoutAFieldNameAreRefused() {
        assertThatThrownBy(() -> ValueParser.assignment("novalue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FIELD=VALUE");
        assertThatThrownBy(() -> ValueParser.assignment("=5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty field name");
    }
}
