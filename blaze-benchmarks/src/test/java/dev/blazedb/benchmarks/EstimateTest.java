package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Interval arithmetic and formatting of {@link Estimate}. */
class EstimateTest {

    @Test
    void aReciprocalSwapsTheBounds() {
        Estimate nanos = Estimate.of(4_000_000, 1_000_000).reciprocal(1e9);

        assertThat(nanos.value()).isCloseTo(250, within(1e-9));
        assertThat(nanos.low()).isCloseTo(200, within(1e-9));
        assertThat(nanos.high()).isCloseTo(1e9 / 3_000_000, within(1e-9));
    }

    @Test
    void aRatioTakesTheExtremesOfBothIntervals() {
        Estimate ratio = Estimate.of(100, 10).dividedBy(Estimate.of(10, 1));

        assertThat(ratio.value()).isCloseTo(10, within(1e-9));
        assertThat(ratio.low()).isCloseTo(90.0 / 11, within(1e-9));
        assertThat(ratio.high()).isCloseTo(110.0 / 9, within(1e-9));
        assertThat(ratio.straddles(10)).isTrue();
        assertThat(ratio.straddles(13)).isFalse();
    }

    @Test
    void sumsAddBoundsAndUnknownBoundsStayUnknown() {
        Estimate sum = Estimate.of(10, 1).plus(Estimate.of(20, 2));
        Estimate unknown = Estimate.of(10, Double.NaN).plus(Estimate.of(20, 2));

        assertThat(sum).isEqualTo(new Estimate(30, 27, 33));
        assertThat(unknown.hasBounds()).isFalse();
        assertThat(unknown.straddles(30)).isFalse();
        assertThat(Estimate.MISSING.isMeasured()).isFalse();
    }

    @Test
    void formatsSymmetricAsymmetricUnknownAndMissingFigures() {
        assertThat(Estimate.of(1234.5, 56.7).format("%,.1f", "ms")).isEqualTo("1,234.5 ± 56.7 ms");
        assertThat(new Estimate(10, 9, 12).format("%.1f", "x")).isEqualTo("10.0x (9.0-12.0)");
        assertThat(new Estimate(10, 9, 12).format("%.0f", "ns")).isEqualTo("10 ns (9-12)");
        assertThat(Estimate.of(10, Double.NaN).format("%.0f", "ops/s")).isEqualTo("10 ops/s (± n/a)");
        assertThat(Estimate.MISSING.format("%.0f", "ms")).isEqualTo("n/a");
        assertThat(Estimate.of(2, 3).reciprocal(1).format("%.1f")).isEqualTo("0.5 (0.2-∞)");
    }
}
