package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code blaze discover} without network traffic; DiscoverCommandIT browses for real. */
class DiscoverCommandTest {

    private static final CliEnvironment EMPTY = CliEnvironment.of(Map.of());

    @Test
    void helpDescribesTheOptionsTheOutputAndTheExitCodes() {
        CliRun run = CliRun.run(EMPTY, "discover", "--help");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).startsWith("Usage: blaze discover")
                .contains("--json", "--name=NAME", "--once", "--timeout=SECONDS", "--interface=ADDRESS", "_blazedb._tcp.local.",
                        "'+' found", "Exit codes:", "no server discovered");
        assertThat(CliRun.run(EMPTY, "--help").out()).contains("discover");
    }

    @Test
    void aNonPositiveTimeoutIsAUsageError() {
        CliRun run = CliRun.run(EMPTY, "discover", "--timeout", "0");
        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--timeout must be a positive number of seconds");
    }

    @Test
    void anAddressOfNoLocalInterfaceFailsClearly() {
        CliRun run = CliRun.run(EMPTY, "discover", "--interface", "203.0.113.7", "--timeout", "1");
        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("no network interface of this machine has the address 203.0.113.7");
    }
}
