package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code blaze bench}: the options it hands the harness, its progress and its report (no figure is checked). */
class BenchCommandTest {

    private static final CliEnvironment ENV = CliEnvironment.of(Map.of());

    private static List<String> arguments(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.harnessArguments();
    }

    @Test
    void quickShortensTheRunAndExplicitOptionsWin() {
        assertThat(arguments()).isEmpty(); // the harness's own defaults
        assertThat(arguments("--quick")).containsExactly("--runs", "1", "--latency-seconds", "2.0", "--warmup-seconds", "1.0",
                "--changes", "100000", "--warmup-changes", "20000", "--initial", "100000");
        assertThat(arguments("--quick", "--runs", "2", "--scenarios", "latency", "--out", "x"))
                .containsSubsequence("--runs", "2").containsSubsequence("--scenarios", "latency").containsSubsequence("--out", "x");
    }

    @Test
    void theProgressLineShowsABarAndTheCount() {
        assertThat(BenchCommand.ProgressBar.line("latency", 50, 200)).contains("latency").contains("[" + "#".repeat(8) + ".".repeat(22) + "]")
                .contains(" 25%").contains("50 / 200");
        assertThat(BenchCommand.ProgressBar.line("initial sync", 0, 0)).contains("  0%");
    }

    @Test
    void aTinyRunPrintsEachScenarioTheTableAndWritesTheReportJsonAndChart(@TempDir Path dir) {
        CliRun run = CliRun.run(ENV, "bench", "--runs", "1", "--rate", "2000", "--latency-seconds", "0.2", "--warmup-seconds", "0.1",
                "--changes", "2000", "--warmup-changes", "1000", "--batch", "100", "--initial", "2000", "--out", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Sync benchmark on the memory transport")
                .contains("run 1 latency at 2,000/s: p50")
                .contains("run 1 throughput, single inserts:")
                .contains("run 1 throughput, insertMany(100):")
                .contains("run 1 initial sync of 2,000 records:")
                .contains("| metric | bar (design.md) | original guide's claim | measured | meets the bar |")
                .contains("Wrote ");
        assertThat(dir.resolve("sync-bench-memory.md")).exists();
        assertThat(dir.resolve("sync-bench-memory.json")).exists();
        assertThat(dir.resolve("sync-bench-memory-latency.png")).exists();
    }

    @Test
    void aBadOptionIsAUsageErrorNamingIt(@TempDir Path dir) {
        CliRun run = CliRun.run(ENV, "bench", "--scenarios", "latency,fanout", "--out", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("unknown scenario fanout");
    }
}
