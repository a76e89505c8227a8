package dev.blazedb.benchmarks;

import java.util.Locale;

/**
 * A measured figure with the interval JMH gives for it: a value and the bounds of its 99.9 %
 * confidence interval ({@code score ± scoreError}), or no bounds (NaN) when JMH could not compute
 * them (fewer than two iterations).
 *
 * <p>Derived figures keep an interval too: the reciprocal of a throughput (time per operation),
 * a sum of times and a ratio take the worst and best case of their inputs' intervals, so a ratio
 * of two figures measured side by side shows how far the noise could move it. All arithmetic
 * assumes positive quantities.
 *
 * @param value the figure, NaN when it was not measured
 * @param low the lower bound of its interval, NaN when unknown
 * @param high the upper bound of its interval, NaN when unknown
 */
public record Estimate(double value, double low, double high) {

    /** A figure that was not measured. */
    public static final Estimate MISSING = new Estimate(Double.NaN, Double.NaN, Double.NaN);

    /** A JMH score and its error (the half-width of the confidence interval, NaN if unknown). */
    public static Estimate of(double score, double error) {
        if (Double.isNaN(error)) {
            return new Estimate(score, Double.NaN, Double.NaN);
        }
        return new Estimate(score, score - error, score + error);
    }

    /** Whether the figure was measured. */
    public boolean isMeasured() {
        return !Double.isNaN(value);
    }

    /** Whether the interval is known. */
    public boolean hasBounds() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** {@code scale / this}: turns operations per second into nanoseconds per operation and back. */
    public Estimate reciprocal(double scale) {
        return new Estimate(scale / value, scale / high, low > 0 ? scale / low : Double.POSITIVE_INFINITY);
    }

    /** The sum of two figures; bounds add. */
    public Estimate plus(Estimate other) {
        return new Estimate(value + other.value, low + other.low, high + other.high);
    }

    /** The ratio of two figures; the bounds are the extreme ratios of the two intervals. */
    public Estimate dividedBy(Estimate other) {
        return new Estimate(value / other.value, low / other.high, other.low > 0 ? high / other.low : Double.POSITIVE_INFINITY);
    }

    /** Whether the interval contains {@code x} (false when the interval is unknown). */
    public boolean straddles(double x) {
        return hasBounds() && low <= x && x <= high;
    }

    /** The figure as text without a unit; see {@link #format(String, String)}. */
    public String format(String format) {
        return format(format, "");
    }

    /**
     * The figure as text with {@code format} (a {@link String#format} pattern for one double) and
     * {@code unit} (appended to the value, with a space unless it is {@code "x"} or empty):
     * {@code "v ± e unit"} when the interval is symmetric, {@code "v unit (lo-hi)"} when not,
     * {@code "v unit (± n/a)"} without an interval, {@code "n/a"} when not measured.
     */
    public String format(String format, String unit) {
        if (!isMeasured()) {
            return "n/a";
        }
        String suffix = unit.isEmpty() || unit.equals("x") ? unit : " " + unit;
        String v = String.format(Locale.ROOT, format, value);
        if (!hasBounds()) {
            return v + suffix + " (± n/a)";
        }
        double below = value - low;
        double above = high - value;
        if (Double.isFinite(high) && Math.abs(below - above) <= 0.01 * Math.max(below, above)) {
            return v + " ± " + String.format(Locale.ROOT, format, (below + above) / 2) + suffix;
        }
        String hi = Double.isInfinite(high) ? "∞" : String.format(Locale.ROOT, format, high);
        return v + suffix + " (" + String.format(Locale.ROOT, format, low) + "-" + hi + ")";
    }
}
