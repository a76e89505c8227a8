package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.benchmarks.SuiteReport.Row;
import dev.blazedb.benchmarks.SuiteReport.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The suite's report from a canned JMH JSON file ({@code canned-jmh.json}): ratios, verdicts and
 * formatting. The canned figures are chosen so the arithmetic is exact: the standard record's
 * BlazeBinary takes 100 + 200 ns against Jackson Map's 1,000 + 2,000 ns (10.0x, with 1 % errors
 * that reach across the bar); the large record's 1,000 + 4,000 ns against 20,000 + 20,000 ns (8x).
 */
class SuiteReportTest {

    private static final MachineFacts MACHINE = new MachineFacts(2, "Test CPU", "Linux 6.1 amd64",
            "OpenJDK 64-Bit Server VM 17.0.15", "1.37", 6_000, Instant.parse("2026-11-26T12:00:00Z"), 1.5, Double.NaN);
    private static final List<CodecSizes.Row> SIZES = List.of(
            new CodecSizes.Row("standard", "standard (5 fields)", 94, 98, 133, 133),
            new CodecSizes.Row("large", "large (17 fields, nested)", 748, 752, 1130, 1130));

    static List<JmhResult> canned() throws IOException {
        try (InputStream in = SuiteReportTest.class.getResourceAsStream("/canned-jmh.json")) {
            return JmhResult.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static SuiteReport report(List<JmhResult> results, boolean quick) {
        return SuiteReport.of(new SuiteReport.RunInfo("java -cp benchmarks.jar dev.blazedb.benchmarks.BenchmarkSuite",
                quick, List.of("codec", "storage"), List.of("raw/codec.json", "raw/storage-insert.json"), 330), MACHINE, results, SIZES);
    }

    private static Row row(List<Row> rows, String whatStart) {
        return rows.stream().filter(r -> r.what().startsWith(whatStart)).findFirst().orElseThrow();
    }

    @Test
    void theCodecBarComparesEncodePlusDecodeTimeOfJacksonMapWithBlazeBinarys() throws IOException {
        Row standard = row(report(canned(), false).codecRows(), "standard record: encode + decode, BlazeBinary vs Jackson (Map)");

        assertThat(standard.figure().value()).isCloseTo(10.0, within(1e-9));
        // worst case: Jackson fastest (2,970.3 ns) over BlazeBinary slowest (303.03 ns), and the reverse
        assertThat(standard.figure().low()).isCloseTo((1e9 / 1.01e6 + 1e9 / 0.505e6) / (1e9 / 9.9e6 + 1e9 / 4.95e6), within(1e-9));
        assertThat(standard.figure().high()).isCloseTo((1e9 / 0.99e6 + 1e9 / 0.495e6) / (1e9 / 10.1e6 + 1e9 / 5.05e6), within(1e-9));
        assertThat(standard.verdict()).isEqualTo(Verdict.PASS);
        assertThat(standard.withinError()).isTrue();
        assertThat(standard.unit()).isEqualTo("x");
    }

    @Test
    void aRatioBelowTheBarIsAMissAndIsComparedWithTheGuidesClaim() throws IOException {
        List<Row> rows = report(canned(), false).codecRows();
        Row largeMap = row(rows, "large record: encode + decode, BlazeBinary vs Jackson (Map)");
        Row largePojo = row(rows, "large record: encode + decode, BlazeBinary vs Jackson (POJO)");
        Row standardMap = row(rows, "standard record: encode + decode, BlazeBinary vs Jackson (Map)");

        assertThat(largeMap.figure().value()).isCloseTo(8.0, within(1e-9));
        assertThat(largeMap.verdict()).isEqualTo(Verdict.MISS);
        assertThat(largeMap.withinError()).isFalse();
        assertThat(largeMap.claim()).isEqualTo("BlazeBinary 5-10x faster than JSON: within it");
        assertThat(largePojo.figure().value()).isCloseTo(4.0, within(1e-9));
        assertThat(largePojo.claim()).isEqualTo("BlazeBinary 5-10x faster than JSON: short of it");
        assertThat(standardMap.claim()).isEqualTo("BlazeBinary 5-10x faster than JSON: within it");
    }

    @Test
    void jacksonPojoIsReportedWithoutABar() throws IOException {
        Row pojo = row(report(canned(), false).codecRows(), "standard record: encode + decode, BlazeBinary vs Jackson (POJO)");

        assertThat(pojo.figure().value()).isCloseTo(5.0, within(1e-9));
        assertThat(pojo.verdict()).isEqualTo(Verdict.REPORT);
        assertThat(pojo.bar().comparison()).isEqualTo(SuiteReport.Comparison.NONE);
    }

    @Test
    void storageFiguresAreJudgedAgainstTheirBars() throws IOException {
        List<Row> rows = report(canned(), false).storageRows();

        assertThat(rows).extracting(Row::verdict).containsExactly(
                Verdict.PASS,          // insert GROUP 512 K/s >= 300 K/s
                Verdict.REPORT,        // insert OS: no bar
                Verdict.MISS,          // point read 1 thread 280 K/s < 300 K/s
                Verdict.PASS,          // point read 2 threads 1.05 M/s
                Verdict.PASS,          // open, cheap KDF, 86 ms < 2 s
                Verdict.MISS,          // open, default KDF, 2,345 ms
                Verdict.REPORT);       // compaction
        assertThat(rows).extracting(Row::withinError).containsExactly(false, false, true, false, false, false, false);
        assertThat(rows.get(0).durability()).startsWith("GROUP");
        assertThat(rows.get(1).durability()).startsWith("OS");
        assertThat(rows.get(3).what()).isEqualTo("point read, random id, 1 M records, 2 threads (total)");
    }

    @Test
    void figuresAreFormattedWithUnitsAndErrors() throws IOException {
        SuiteReport report = report(canned(), false);
        List<Row> storage = report.storageRows();

        assertThat(row(report.codecRows(), "standard record: encode + decode, BlazeBinary vs Jackson (Map)").measured())
                .isEqualTo("BlazeBinary 300 ns (297-303), Jackson (Map) 3,000 ns (2,970-3,030): **10.0x (9.8-10.2)**");
        assertThat(row(report.codecRows(), "large record: encode + decode, BlazeBinary vs Jackson (Map)").measured())
                .isEqualTo("BlazeBinary 5,000 ± 0 ns, Jackson (Map) 40,000 ± 0 ns: **8.0 ± 0.0x**");
        assertThat(storage.get(0).measured()).isEqualTo("512,346 ± 40,000 inserts/s");
        assertThat(storage.get(4).measured()).isEqualTo("86.3 ± 5.1 ms");
        assertThat(storage.get(6).measured()).isEqualTo("2,500.0 ms (± n/a) (400 K live records/s)");
        assertThat(storage.get(0).settings()).isEqualTo("1 fork, 3 x 2 s warm-up, 5 x 2 s measured, 1 thread");

        String md = report.markdown();
        assertThat(md)
                .contains("| standard record: encode + decode, BlazeBinary vs Jackson (Map) | BlazeBinary 300 ns (297-303), "
                        + "Jackson (Map) 3,000 ns (2,970-3,030): **10.0x (9.8-10.2)** | >= 10x Jackson JSON, encode + decode (design.md) "
                        + "| **pass** (within error) | BlazeBinary 5-10x faster than JSON: within it |")
                .contains("| insert, 1 thread, ~100-byte records | GROUP (group commit, fsync every 10 ms) | 512,346 ± 40,000 inserts/s "
                        + "| >= 300 K/s with group commit (design.md) | **pass** | no claim |")
                .contains("| open + count + close, 1 M records with checkpoint, default Argon2id (64 MiB, t=3), warm JVM "
                        + "| GROUP (group commit, fsync every 10 ms) when written | 2,345.0 ± 100.0 ms | < 2 s for 1 M records | **MISS** | no claim |")
                .contains("| standard (5 fields) | 94 | 98 | 133 | 133 |")
                .contains("encode + decode: BlazeBinary 300 ns (297-303), Jackson Map 3,000 ns (2,970-3,030) (10.00x (9.80-10.20))")
                .contains("2 cores (Test CPU)")
                .contains("load average (1 min) 1.50 before, n/a after")
                .contains("Produced by `java -cp benchmarks.jar dev.blazedb.benchmarks.BenchmarkSuite` in 5.5 min.")
                .doesNotContain("Quick smoke run");
        // every table row has as many cells as its header
        for (String line : md.split("\n")) {
            if (line.startsWith("| insert") || line.startsWith("| point read")) {
                assertThat(line.chars().filter(c -> c == '|').count()).isEqualTo(7);
            }
        }
    }

    @Test
    void aQuickRunOnASmallerDatabaseDoesNotJudgeTheOneMillionRecordBars() throws IOException {
        List<JmhResult> results = new ArrayList<>();
        for (JmhResult r : canned()) {
            Map<String, String> params = new java.util.LinkedHashMap<>(r.params());
            params.computeIfPresent("records", (k, v) -> "100000");
            results.add(new JmhResult(r.benchmark(), r.mode(), r.threads(), r.forks(), r.warmupIterations(), r.warmupTime(),
                    r.measurementIterations(), r.measurementTime(), params, r.score(), r.scoreError(), r.scoreUnit()));
        }
        SuiteReport report = report(results, true);
        Row open = row(report.storageRows(), "open + count + close, 100 K records");

        assertThat(open.verdict()).isEqualTo(Verdict.NOT_JUDGED);
        assertThat(open.result(true)).isEqualTo("not judged: quick run, 100 K records");
        assertThat(report.storageRows().get(0).result(true)).isEqualTo("**pass** (quick run)");
        assertThat(report.storageRows().get(6).what()).isEqualTo("compaction, 100 K live records + 50 K superseded versions");
        assertThat(report.markdown()).contains("Quick smoke run");
    }

    @Test
    void aBenchmarkThatProducedNothingIsReportedAsNotMeasured() throws IOException {
        List<JmhResult> codecOnly = canned().stream().filter(r -> r.isIn(CodecBenchmark.class)).toList();
        SuiteReport report = report(codecOnly, false);

        assertThat(report.storageRows()).extracting(Row::verdict).containsOnly(Verdict.NOT_MEASURED);
        assertThat(report.storageRows().get(0).measured()).isEqualTo("n/a");
        assertThat(report.complete()).isFalse();
        assertThat(report(canned(), false).complete()).isTrue();
    }

    @Test
    void aGroupNotRunIsLeftOut() throws IOException {
        SuiteReport report = SuiteReport.of(new SuiteReport.RunInfo("cmd", false, List.of("codec"), List.of(), 1),
                MACHINE, canned(), SIZES);

        assertThat(report.storageRows()).isEmpty();
        assertThat(report.markdown()).contains("## Codec").doesNotContain("## Storage");
        assertThat(report.json()).doesNotContain("\"storage\"");
    }

    @Test
    void theJsonSummaryCarriesEveryRowWithNullForUnknownNumbers() throws IOException {
        JsonNode json = JsonMapper.builder().build().readTree(report(canned(), false).json());

        assertThat(json.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(json.path("machine").path("loadAverageAfter").isNull()).isTrue();
        assertThat(json.path("codec").path("rows")).hasSize(4);
        assertThat(json.path("codec").path("sizes").get(0).path("blazeBinaryV1").asInt()).isEqualTo(94);
        JsonNode insert = json.path("storage").path("rows").get(0);
        assertThat(insert.path("verdict").asText()).isEqualTo("PASS");
        assertThat(insert.path("value").asDouble()).isEqualTo(512_345.6);
        assertThat(insert.path("low").asDouble()).isEqualTo(472_345.6);
        assertThat(insert.path("bar").path("threshold").asDouble()).isEqualTo(300_000);
        assertThat(insert.path("durability").asText()).startsWith("GROUP");
        JsonNode compact = json.path("storage").path("rows").get(6);
        assertThat(compact.path("low").isNull()).isTrue();
        assertThat(compact.path("bar").path("threshold").isNull()).isTrue();
        assertThat(compact.path("verdict").asText()).isEqualTo("REPORT");
        assertThat(json.path("rawFiles")).hasSize(2);
    }

    @Test
    void theSyncHarnessTableAndChartBecomeASectionOfTheReportAndItsRunsPartOfTheJson() throws IOException {
        String syncMd = "### End-to-end sync, memory transport\n\n| metric | bar |\n|---|---|\n| latency p50 | <= 10 us |\n\n"
                + "Latency distribution: [sync-bench-memory-latency.png](sync-bench-memory-latency.png)\n";
        String syncJson = "{\"harness\": \"SyncBench\", \"runs\": [{\"latencyMicros\": {\"p50\": 6.2}, \"initialSyncSeconds\": null}]}";
        SuiteReport.SyncSection sync = new SuiteReport.SyncSection(syncMd, syncJson, "sync-bench-memory-latency.png",
                "java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:+UseG1GC -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.SyncBench --runs 3");
        SuiteReport.RunInfo run = new SuiteReport.RunInfo("cmd", false, List.of("sync"), List.of(), 60);
        SuiteReport.SyncSection tcp = new SuiteReport.SyncSection("### TCP handshakes and fan-out\n\n| spokes | p50 |\n",
                "{\"harness\": \"TcpBench\"}", null, "java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.TcpBench");
        SuiteReport report = SuiteReport.of(run, MACHINE, List.of(), List.of(), List.of(sync, tcp));

        String md = report.markdown();
        assertThat(md).contains("\n## End-to-end sync (SyncBench, TcpBench)\n");
        assertThat(md).contains("Ran as `java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:+UseG1GC");
        assertThat(md).contains("\n### End-to-end sync, memory transport\n").doesNotContain("Raw JMH results");
        assertThat(md).contains("| latency p50 | <= 10 us |");
        assertThat(md).containsOnlyOnce("(sync-bench-memory-latency.png)");
        assertThat(md).contains("Ran as `java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.TcpBench`")
                .contains("### TCP handshakes and fan-out");
        JsonNode json = JsonMapper.builder().build().readTree(report.json());
        assertThat(json.path("sync").get(0).path("chart").asText()).isEqualTo("sync-bench-memory-latency.png");
        assertThat(json.path("sync").get(0).path("harness").path("runs").get(0).path("latencyMicros").path("p50").asDouble())
                .isEqualTo(6.2);
        assertThat(json.path("sync").get(1).path("harness").path("harness").asText()).isEqualTo("TcpBench");
        assertThat(report.complete()).isTrue();

        SuiteReport.SyncSection noFigures = new SuiteReport.SyncSection(null, null, "sync-bench-uds-latency.png", "java ... --transport uds");
        SuiteReport failed = SuiteReport.of(run, MACHINE, List.of(), List.of(), List.of(sync, noFigures));
        assertThat(failed.complete()).isFalse();
        assertThat(failed.markdown()).contains("The harness produced no figures");
        assertThat(JsonMapper.builder().build().readTree(failed.json()).path("sync").get(1).path("harness").isNull()).isTrue();
        assertThat(SuiteReport.of(run, MACHINE, List.of(), List.of(), List.of()).complete()).isFalse();
    }
}
