package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's command line and plan of JMH runs (nothing is run). */
class BenchmarkSuiteTest {

    @Test
    void runsEverythingIntoTargetBenchResultsByDefault() {
        BenchmarkSuite.Settings settings = BenchmarkSuite.Settings.parse();

        assertThat(settings.quick()).isFalse();
        assertThat(settings.groups()).containsExactly("codec", "storage", "sync");
        assertThat(settings.out()).isEqualTo(Path.of("target/bench-results"));
        assertThat(settings.command()).isEqualTo(BenchmarkSuite.COMMAND);
        assertThat(BenchmarkSuite.plan(settings)).extracting(BenchmarkSuite.Step::name).containsExactly(
                "codec", "storage-insert", "storage-pointread-1t", "storage-pointread-2t", "storage-open", "storage-compact");
    }

    @Test
    void parsesQuickOnlyAndOut() {
        BenchmarkSuite.Settings settings = BenchmarkSuite.Settings.parse("--quick", "--only", "storage", "--out", "/tmp/x");

        assertThat(settings.quick()).isTrue();
        assertThat(settings.groups()).containsExactly("storage");
        assertThat(settings.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(settings.command()).isEqualTo(BenchmarkSuite.COMMAND + " --quick --only storage --out /tmp/x");
        assertThat(BenchmarkSuite.plan(BenchmarkSuite.Settings.parse("--only", "codec"))).extracting(BenchmarkSuite.Step::name)
                .containsExactly("codec");
    }

    @Test
    void theFullPlanUsesTheBenchmarkAuthorsSettings() {
        List<BenchmarkSuite.Step> steps = BenchmarkSuite.plan(BenchmarkSuite.Settings.parse());
        var codec = steps.get(0).options().build();
        var insert = steps.get(1).options().build();
        var read2 = steps.get(3).options().build();
        var compact = steps.get(5).options().build();

        assertThat(codec.getWarmupIterations().get()).isEqualTo(5);
        assertThat(codec.getMeasurementIterations().get()).isEqualTo(5);
        assertThat(codec.getJvmArgsAppend().get()).containsExactly("-Xbatch", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");
        assertThat(insert.getParameter("durability").get()).containsExactly("GROUP", "OS");
        assertThat(insert.getMeasurementTime().get().getTime()).isEqualTo(2);
        assertThat(read2.getThreads().get()).isEqualTo(2);
        assertThat(read2.getParameter("records").hasValue()).isFalse();
        assertThat(compact.getMeasurementIterations().get()).isEqualTo(3);
        assertThat(compact.getWarmupIterations().get()).isZero();
        assertThat(BenchmarkSuite.plan(BenchmarkSuite.Settings.parse("--quick")).get(5).options().build()
                .getParameter("records").get()).containsExactly("100000");
    }

    @Test
    void refusesUnknownArgumentsAndMissingValues() {
        assertThatThrownBy(() -> BenchmarkSuite.Settings.parse("--fast")).hasMessageContaining("unknown argument: --fast");
        assertThatThrownBy(() -> BenchmarkSuite.Settings.parse("--only", "network")).hasMessageContaining("codec, storage or sync");
        assertThatThrownBy(() -> BenchmarkSuite.Settings.parse("--out")).hasMessageContaining("--out needs a value");
    }

    @Test
    void theSyncGroupRunsTheHarnessOnEveryTransportAndTcpBenchInChildJvmsWithTheReadmeFlags() {
        BenchmarkSuite.Settings full = BenchmarkSuite.Settings.parse("--only", "sync", "--out", "/tmp/r");
        assertThat(full.groups()).containsExactly("sync");
        assertThat(BenchmarkSuite.plan(full)).isEmpty(); // no JMH run
        assertThat(BenchmarkSuite.SYNC_TRANSPORTS).containsExactly("memory", "uds", "uds-process", "tcp", "tcp-tls-e2e");
        assertThat(BenchmarkSuite.syncArguments(full, "uds")).containsExactly("--transport", "uds", "--out", "/tmp/r", "--runs", "3",
                "--latency-seconds", "5", "--changes", "300000");
        List<String> args = BenchmarkSuite.syncArguments(full, "memory");
        List<String> command = BenchmarkSuite.harnessCommand(SyncBench.class, args);
        assertThat(command.get(0)).endsWith("java");
        assertThat(command).containsSubsequence("-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages", "-XX:+UseG1GC", "-cp")
                .contains(SyncBench.class.getName());
        assertThat(command.subList(command.indexOf(SyncBench.class.getName()) + 1, command.size())).isEqualTo(args);
        for (String transport : BenchmarkSuite.SYNC_TRANSPORTS) {
            // every transport's arguments are valid harness options
            assertThat(SyncBench.Options.parse(BenchmarkSuite.syncArguments(full, transport).toArray(String[]::new)).transport())
                    .isEqualTo(transport);
        }
        assertThat(BenchmarkSuite.harnessCommand(TcpBench.class, List.of())).containsSubsequence("-Xms6g", "-Xmx6g", "-cp");
        assertThat(BenchmarkSuite.tcpBenchArguments(full)).containsExactly("--out", "/tmp/r", "--spokes", "10,100,1000", "--changes", "1000");

        BenchmarkSuite.Settings quickSettings = BenchmarkSuite.Settings.parse("--quick");
        List<String> quick = BenchmarkSuite.syncArguments(quickSettings, "memory");
        // the quick arguments are valid harness options
        SyncBench.Options o = SyncBench.Options.parse(quick.toArray(String[]::new));
        assertThat(o.runs()).isEqualTo(1);
        assertThat(o.changes()).isEqualTo(100_000);
        assertThat(o.out()).isEqualTo(Path.of("target", "bench-results"));
        assertThat(TcpBench.Options.parse(BenchmarkSuite.tcpBenchArguments(quickSettings).toArray(String[]::new)).spokes())
                .containsExactly(10, 100);
    }
}
