package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading JMH's JSON result format. */
class JmhResultTest {

    @Test
    void readsNamesParamsScoresAndSettings() throws IOException {
        List<JmhResult> results = SuiteReportTest.canned();
        JmhResult read2 = results.stream().filter(r -> r.method().equals("pointRead") && r.threads() == 2).findFirst().orElseThrow();
        JmhResult compact = results.stream().filter(r -> r.method().equals("compact")).findFirst().orElseThrow();
        JmhResult open = results.stream().filter(r -> r.method().equals("open")).findFirst().orElseThrow();

        assertThat(results).hasSize(19);
        assertThat(read2.isIn(StorageBenchmark.PointRead.class)).isTrue();
        assertThat(read2.isIn(StorageBenchmark.class)).isTrue();
        assertThat(read2.isIn(StorageBenchmark.Insert.class)).isFalse();
        assertThat(read2.isIn(CodecBenchmark.class)).isFalse();
        assertThat(read2.param("records", "?")).isEqualTo("1000000");
        assertThat(read2.param("kdf", "none")).isEqualTo("none");
        assertThat(read2.score()).isEqualTo(1_050_000);
        assertThat(read2.scoreUnit()).isEqualTo("ops/s");
        assertThat(read2.settings()).isEqualTo("1 fork, 3 x 2 s warm-up, 5 x 2 s measured, 2 threads");
        assertThat(open.settings()).isEqualTo("1 fork, 1 single-shot warm-up, 5 single-shot measured, 1 thread");
        assertThat(compact.scoreError()).isNaN();
        assertThat(compact.estimate().hasBounds()).isFalse();
        assertThat(compact.settings()).isEqualTo("1 fork, no warm-up, 1 single-shot measured, 1 thread");
    }

    @Test
    void refusesSomethingThatIsNotAResultFile() {
        assertThatThrownBy(() -> JmhResult.parse("{\"benchmark\": \"x\"}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void convertsUnitsToOpsPerSecondAndMilliseconds() {
        JmhResult perMs = new JmhResult("a.B.c", "thrpt", 1, 1, 0, "", 1, "", java.util.Map.of(), 2.5, 0.5, "ops/ms");
        JmhResult seconds = new JmhResult("a.B.c", "ss", 1, 1, 0, "", 1, "", java.util.Map.of(), 1.5, Double.NaN, "s/op");

        assertThat(SuiteReport.opsPerSecond(perMs)).isEqualTo(new Estimate(2500, 2000, 3000));
        assertThat(SuiteReport.millis(seconds).value()).isEqualTo(1500);
        assertThatThrownBy(() -> SuiteReport.millis(perMs)).isInstanceOf(IllegalArgumentException.class);
    }
}
