package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dates: double seconds since 2001-01-01T00:00:00Z, rounded to the microsecond on decode. Exact
 * round trips hold for whole-microsecond instants less than 2^33 s (about 272 years) from 2001.
 */
class BlazeBinaryDatesTest {

    private static final String ONE_FIELD = "42 4C 41 5A 45 01 00 01 2E";

    private static void assertDate(String instant, String payloadHex) {
        BlazeDataRecord record = BlazeDataRecord.of(Map.of("value", BlazeValue.date(Instant.parse(instant))));
        byte[] expected = Hex.bytes(ONE_FIELD + " 06 " + payloadHex);
        assertThat(Hex.of(BlazeBinary.encode(record))).as(instant).isEqualTo(Hex.of(expected));
        assertThat(BlazeBinary.decode(expected)).as(instant).isEqualTo(record);
    }

    private static Instant decodePayload(String payloadHex) {
        return BlazeBinary.decode(Hex.bytes(ONE_FIELD + " 06 " + payloadHex)).date("value").orElseThrow();
    }

    private static Instant roundTrip(Instant instant) {
        return BlazeBinary.decode(BlazeBinary.encode(BlazeDataRecord.of(Map.of("value", BlazeValue.date(instant)))))
                .date("value").orElseThrow();
    }

    @Test
    void theReferenceDateIsZeroSeconds() {
        assertDate("2001-01-01T00:00:00Z", "00 00 00 00 00 00 00 00");
    }

    @Test
    void fractionalSecondsAreKept() {
        assertDate("2001-01-01T00:00:01.500Z", "3F F8 00 00 00 00 00 00");
    }

    @Test
    void datesBefore2001AreNegative() {
        assertDate("2000-12-31T23:59:59Z", "BF F0 00 00 00 00 00 00");
        assertDate("2000-12-31T23:59:59.250Z", "BF E8 00 00 00 00 00 00"); // -0.75 s
        assertDate("1970-01-01T00:00:00Z", "C1 CD 27 E4 40 00 00 00");     // -978307200 s
        assertDate("1969-07-20T20:17:40Z", "C1 CD 94 19 4E 00 00 00");     // -992490140 s
    }

    @Test
    void decodingRoundsToTheNearestMicrosecond() {
        assertThat(decodePayload("3F BF 9A DB B8 F8 DA 72")) // 0.1234567 s
                .isEqualTo(Instant.parse("2001-01-01T00:00:00.123457Z"));
        assertThat(decodePayload("80 00 00 00 00 00 00 00")) // -0.0
                .isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
    }

    @Test
    void wholeMicrosecondsRoundTripExactlyAtTheEdgesOfTheDocumentedRange() {
        long edge = (1L << 33) - 1;
        for (long seconds : new long[] {edge, -edge, -(1L << 33)}) {
            for (long micros : new long[] {0, 1, 499_999, 500_000, 500_001, 999_999}) {
                Instant instant = Instant.ofEpochSecond(BlazeBinary.REFERENCE_EPOCH_SECOND + seconds, micros * 1000);
                assertThat(roundTrip(instant)).isEqualTo(instant);
            }
        }
    }

    @Test
    void beyondTwoToThe33SecondsSomeMicrosecondsNoLongerRoundTrip() {
        // Documents that the bound is tight: at 2^33 s a double's unit in the last place is 2^-19 s.
        long seconds = (1L << 33) + 1;
        boolean lost = false;
        for (int micros = 0; micros < 100 && !lost; micros++) {
            Instant instant = Instant.ofEpochSecond(BlazeBinary.REFERENCE_EPOCH_SECOND + seconds, micros * 1000L);
            Instant back = roundTrip(instant);
            assertThat(Duration.between(instant, back).abs()).isLessThanOrEqualTo(Duration.ofNanos(Math.round(Math.ulp((double) seconds) * 1e9)));
            lost = !back.equals(instant);
        }
        assertThat(lost).isTrue();
    }

    @Test
    void subMicrosecondPrecisionIsRoundedAway() {
        Instant instant = Instant.parse("2024-05-06T07:08:09.123456789Z");
        assertThat(roundTrip(instant)).isEqualTo(Instant.parse("2024-05-06T07:08:09.123457Z"));
    }

    @Test
    void theWholeInstantRangeEncodesAndDecodes() {
        for (Instant instant : new Instant[] {Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.MAX.minusSeconds(3), Instant.MIN.plusSeconds(2)}) {
            Instant back = roundTrip(instant);
            assertThat(Duration.between(instant, back).abs()).as(instant.toString()).isLessThanOrEqualTo(Duration.ofSeconds(8));
        }
    }

    @Test
    void aDateThatIsNotFiniteOrOutsideInstantsRangeIsMalformed() {
        for (String payload : new String[] {"7F F8 00 00 00 00 00 00", "7F F0 00 00 00 00 00 00", "FF F0 00 00 00 00 00 00",
            "7E 37 E4 3C 88 00 75 9C" /* 1e300 */, "C3 80 00 00 00 00 00 00" /* -2^57 */}) {
            assertThatThrownBy(() -> decodePayload(payload))
                    .as(payload)
                    .isInstanceOfSatisfying(BlazeBinaryException.class, e -> assertThat(e.offset()).isEqualTo(10))
                    .hasMessageContaining("date");
        }
    }
}
