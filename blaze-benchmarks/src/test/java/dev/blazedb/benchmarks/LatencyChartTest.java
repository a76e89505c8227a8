package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency chart: its curve's points and the picture (looked at by counting colours, not by eye). */
class LatencyChartTest {

    @Test
    void theCurveRunsFromTheMedianToTheTailOnTheNinesScale() {
        List<double[]> curve = LatencyChart.curve(SyncBenchReportTest.histogram(500));

        assertThat(curve).isNotEmpty();
        double[] first = curve.get(0);
        double[] last = curve.get(curve.size() - 1);
        assertThat(first[0]).isGreaterThanOrEqualTo(0).isLessThan(0.5);
        assertThat(last[0]).isLessThanOrEqualTo(5);
        assertThat(last[1]).isBetween(490.0, 510.0); // the max, in microseconds
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i)[0]).isGreaterThanOrEqualTo(curve.get(i - 1)[0]);
            assertThat(curve.get(i)[1]).isGreaterThanOrEqualTo(curve.get(i - 1)[1]);
        }
        assertThat(LatencyChart.curve(new Histogram(3))).isEmpty();
    }

    @Test
    void axisLabelsReadAsPercentilesAndMicroseconds() {
        assertThat(List.of(0, 1, 2, 3, 4, 5).stream().map(LatencyChart::percentileLabel).toList())
                .containsExactly("0%", "90%", "99%", "99.9%", "99.99%", "99.999%");
        assertThat(LatencyChart.microsLabel(0)).isEqualTo("1 us");
        assertThat(LatencyChart.microsLabel(2)).isEqualTo("100 us");
        assertThat(LatencyChart.microsLabel(4)).isEqualTo("10 ms");
        assertThat(LatencyChart.microsLabel(6)).isEqualTo("1 s");
    }

    @Test
    void thePngHasOneColouredCurvePerRunAndTheBars(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/chart.png");
        LatencyChart.write(file, "test chart", List.of(new LatencyChart.Series("run 1", SyncBenchReportTest.histogram(100)),
                new LatencyChart.Series("run 2", SyncBenchReportTest.histogram(5_000))),
                List.of(new LatencyChart.Bar("p99 bar 50 us", 50)));

        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img.getWidth()).isEqualTo(LatencyChart.WIDTH);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours).contains(0xFFFFFF, 0x1f77b4, 0xff7f0e); // background, run 1, run 2
    }

    @Test
    void anEmptyRunStillGivesAChart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.png");
        LatencyChart.write(file, "nothing measured", List.of(new LatencyChart.Series("run 1", new Histogram(3))), List.of());
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(new Color(img.getRGB(5, 5))).isEqualTo(Color.WHITE);
    }
}
