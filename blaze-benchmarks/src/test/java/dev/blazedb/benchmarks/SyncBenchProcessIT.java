package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SyncBench --transport uds-process} end to end with small numbers: B in a child JVM on
 * the other side of a Unix socket, every scenario producing figures and the report files.
 * Nothing is asserted about speed.
 */
@Timeout(300)
class SyncBenchProcessIT {

    @Test
    void everyScenarioRunsWithBInAChildProcess(@TempDir Path out) throws IOException {
        SyncBench.Options o = SyncBench.Options.parse("--transport", "uds-process", "--runs", "1", "--rate", "500",
                "--latency-seconds", "1", "--warmup-seconds", "0.5", "--changes", "2000", "--batch", "500",
                "--initial", "5000", "--out", out.toString());
        SyncBench.Result r = SyncBench.run(o, SyncBench.Progress.NONE);
        r.write();

        SyncBench.Run run = r.runs().get(0);
        assertThat(run.latency().count()).isEqualTo(500);
        assertThat(run.latency().p50()).isPositive().isLessThanOrEqualTo(run.latency().max());
        assertThat(run.single().perSecond()).isPositive();
        assertThat(run.single().cpuMicrosPerChange()).isPositive();
        assertThat(run.batched().perSecond()).isPositive();
        assertThat(run.initial().records()).isEqualTo(5000);
        assertThat(run.initial().seconds()).isPositive();
        assertThat(r.markdown()).contains("uds-process transport", "latency p50", "initial sync, 5,000 records");
        assertThat(r.markdownFile()).exists();
        assertThat(r.jsonFile()).exists();
        assertThat(r.chartFile()).exists();
    }
}
