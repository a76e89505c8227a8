package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync harness's options and report pieces on made-up runs (nothing is measured). */
class SyncBenchReportTest {

    private static final MachineFacts MACHINE = new MachineFacts(2, "Test CPU", "Linux 6.1 amd64",
            "OpenJDK 64-Bit Server VM 17.0.15", "n/a", 3_072, Instant.parse("2026-12-04T12:00:00Z"), 1.5, 2.5);

    /** A latency histogram: mostly 5 us, a tail up to {@code tailMicros}. */
    static Histogram histogram(long tailMicros) {
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < 9_900; i++) {
            h.recordValue(5_000 + i % 1000);
        }
        for (int i = 0; i < 100; i++) {
            h.recordValue(tailMicros * 1000 * (i + 1) / 100);
        }
        return h;
    }

    private static SyncBench.Run run(double p50, double p99, double single, double batched, double initial) {
        return new SyncBench.Run(new SyncBench.Latency(10_000, 10_000, p50, p50 * 2, p99, p99 * 2, p99 * 3, p50, p99, p99 * 3,
                120.0, histogram((long) p99 * 3)),
                new SyncBench.Throughput(1_000_000, 1, 1_000_000 / single, single, 1e6 / single),
                new SyncBench.Throughput(1_000_000, 1000, 1_000_000 / batched, batched, 1e6 / batched),
                new SyncBench.InitialSync(1_000_000, initial, 1_000_000 / initial, 3.0));
    }

    private static SyncBench.Result result(Path out, String scenarios) {
        SyncBench.Options o = SyncBench.Options.parse("--out", out.toString(), "--scenarios", scenarios);
        return new SyncBench.Result(o, MACHINE, List.of(run(6, 70, 100_000, 150_000, 4.2), run(5, 40, 120_000, 600_000, 4.0),
                run(7, 90, 90_000, 140_000, 6.0)));
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndRefuseNonsenseWithAClearMessage() {
        SyncBench.Options o = SyncBench.Options.parse();
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.rate()).isEqualTo(10_000);
        assertThat(o.changes()).isEqualTo(1_000_000);
        assertThat(o.scenarios()).containsExactly("latency", "throughput", "initial");
        assertThat(o.out()).isEqualTo(Path.of("target/sync-bench"));

        assertThatThrownBy(() -> SyncBench.Options.parse("--runz", "1")).hasMessageContaining("unknown option --runz");
        assertThatThrownBy(() -> SyncBench.Options.parse("--runs")).hasMessageContaining("bad argument: --runs");
        assertThatThrownBy(() -> SyncBench.Options.parse("--runs", "x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> SyncBench.Options.parse("--runs", "0")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> SyncBench.Options.parse("--scenarios", "latency,fanout")).hasMessageContaining("unknown scenario fanout");
        assertThatThrownBy(() -> SyncBench.Options.parse("--transport", "pigeon")).hasMessageContaining("--transport takes memory, uds, tcp");
        assertThat(SyncBench.Options.parse("--transport", "uds-process").transport()).isEqualTo("uds-process");
        assertThat(SyncBench.Bars.of("uds-process")).isEqualTo(SyncBench.Bars.of("uds"));
    }

    @Test
    void theMarkdownGivesMediansBesideTheBarsAndLinksTheChart(@TempDir Path dir) {
        String md = result(dir, "latency,throughput,initial").markdown();

        assertThat(md).startsWith("### End-to-end sync, memory transport");
        assertThat(md).contains("| latency p50 | <= 10 us | < 0.1 ms | 6.0 us | yes |");
        assertThat(md).contains("| latency p99 | <= 50 us | (none) | 70.0 us | **no** |");
        assertThat(md).contains("| throughput, single inserts | >= 500 K changes/s | 10-50 K ops/s | 100,000 changes/s (10.00 us CPU per change) | **no** |");
        assertThat(md).contains("| initial sync, 1,000,000 records | <= 5 s for 1 M (stated for UDS) | (none) | 4.20 s");
        assertThat(md).contains("[sync-bench-memory-latency.png](sync-bench-memory-latency.png)");
        assertThat(md).contains("| 2 | 5.0 | 10.0 | 40.0 | 80.0 | 120.0 | 5.0 / 40.0 / 120.0 |");
    }

    @Test
    void scenariosThatDidNotRunLeaveNoRowsAndNullsInTheJson(@TempDir Path dir) throws IOException {
        SyncBench.Options o = SyncBench.Options.parse("--out", dir.toString(), "--scenarios", "throughput", "--runs", "1");
        SyncBench.Run onlyThroughput = new SyncBench.Run(
                new SyncBench.Latency(10_000, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, null),
                new SyncBench.Throughput(1000, 1, 0.01, 100_000, 9.5), new SyncBench.Throughput(1000, 1000, 0.002, 500_000, 2),
                new SyncBench.InitialSync(0, Double.NaN, Double.NaN, Double.NaN));
        SyncBench.Result r = new SyncBench.Result(o, MACHINE, List.of(onlyThroughput));

        assertThat(r.markdown()).doesNotContain("latency p50").doesNotContain("initial sync,").doesNotContain(".png")
                .contains("| throughput, insertMany(1000) | >= 500 K changes/s | 10-50 K ops/s | 500,000 changes/s (2.00 us CPU per change) | yes |");
        JsonNode json = JsonMapper.builder().build().readTree(r.json());
        JsonNode run = json.path("runs").get(0);
        assertThat(run.path("latencyMicros").path("p50").isNull()).isTrue();
        assertThat(run.path("initialSyncSeconds").isNull()).isTrue();
        assertThat(run.path("batchedInsertsPerSecond").asDouble()).isEqualTo(500_000);
        assertThat(run.path("singleCpuMicrosPerChange").asDouble()).isEqualTo(9.5);
        assertThat(json.has("latencyChart")).isFalse();

        r.write();
        assertThat(r.markdownFile()).exists();
        assertThat(r.jsonFile()).exists();
        assertThat(r.chartFile()).doesNotExist();
    }

    @Test
    void writeProducesTheReportTheJsonWithEveryRunAndAPngChart(@TempDir Path dir) throws IOException {
        SyncBench.Result r = result(dir, "latency,throughput,initial");
        r.write();

        assertThat(Files.readString(r.markdownFile(), StandardCharsets.UTF_8)).isEqualTo(r.markdown());
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(r.jsonFile(), StandardCharsets.UTF_8));
        assertThat(json.path("runs")).hasSize(3);
        assertThat(json.path("latencyChart").asText()).isEqualTo("sync-bench-memory-latency.png");
        assertThat(json.path("runs").get(1).path("latencyMicros").path("p99").asDouble()).isEqualTo(40.0);
        assertThat(r.chartFile()).isEqualTo(dir.resolve("sync-bench-memory-latency.png"));
        BufferedImage png = ImageIO.read(r.chartFile().toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(LatencyChart.WIDTH);
        assertThat(png.getHeight()).isEqualTo(LatencyChart.HEIGHT);
    }
}
