package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TcpBench end to end with tiny numbers over loopback: it runs and writes its report (the figures mean nothing). */
class TcpBenchIT {

    @TempDir
    Path out;

    @Test
    void runsAndWritesItsReport() throws Exception {
        TcpBench.Result r = TcpBench.run(TcpBench.Options.parse("--handshakes", "3", "--spokes", "3", "--rounds", "2",
                "--changes", "20", "--out", out.toString()));
        r.write();
        assertThat(r.handshakes()).hasSize(2).allSatisfy(h -> assertThat(h.p50Ms()).isPositive());
        assertThat(r.fanOuts()).singleElement().satisfies(f -> {
            assertThat(f.spokes()).isEqualTo(3);
            assertThat(f.p50Ms()).isPositive();
            assertThat(f.deliveredPerSecond()).isPositive();
        });
        assertThat(out.resolve("tcp-bench.md")).content().contains("| 3 |");
        assertThat(out.resolve("tcp-bench.json")).content().contains("\"spokes\": 3");
    }
}
