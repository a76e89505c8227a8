package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP harness's options and report on made-up figures (nothing is measured). */
class TcpBenchReportTest {

    private static final MachineFacts MACHINE = new MachineFacts(2, "Test CPU", "Linux 6.1 amd64",
            "OpenJDK 64-Bit Server VM 17.0.15", "n/a", 3_072, Instant.parse("2026-12-04T12:00:00Z"), 1.5, 2.5);

    @Test
    void optionsTakeDefaultsAndNamedValues() {
        TcpBench.Options d = TcpBench.Options.parse();
        assertThat(d.spokes()).containsExactly(10, 100, 1000);
        assertThat(d.handshakes()).isEqualTo(300);
        TcpBench.Options o = TcpBench.Options.parse("--spokes", "3, 5", "--rounds", "7", "--changes", "0", "--out", "x");
        assertThat(o.spokes()).containsExactly(3, 5);
        assertThat(o.rounds()).isEqualTo(7);
        assertThat(o.changes()).isZero();
        assertThat(o.out()).isEqualTo(Path.of("x"));
        assertThatThrownBy(() -> TcpBench.Options.parse("--spokes", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpBench.Options.parse("--fanout", "1")).hasMessageContaining("unknown option --fanout");
    }

    @Test
    void reportHasATableAndJsonWithEveryFigure() throws Exception {
        TcpBench.Result r = new TcpBench.Result(TcpBench.Options.parse("--spokes", "10,1000", "--changes", "0"), MACHINE,
                List.of(new TcpBench.Handshake(false, 300, 0.9, 4.5, 7), new TcpBench.Handshake(true, 300, 3.1, 12.5, 20)),
                List.of(new TcpBench.FanOut(10, 0.5, 40, 45, 50, 1.2, 3.4, 5.6, 0, Double.NaN, Double.NaN),
                        new TcpBench.FanOut(1000, 60, 2400, 2025, 50, 80, 120, 150, 0, Double.NaN, Double.NaN)));
        String md = r.markdown();
        assertThat(md).contains("| handshake, TCP + ECDH + token proofs (no TLS), p50 / p99 / max of 300 | p99 <= 10 ms | (none)"
                + " | 0.90 / 4.50 / 7.00 ms | yes |");
        assertThat(md).contains("| 3.10 / 12.50 / 20.00 ms | **no** |");
        assertThat(md).contains("| 1000 | 60.00 s | 2400 MiB / 2025 | 80.00 / 120.00 / 150.00 ms (50 rounds) | 0 | - | - |");
        JsonNode json = JsonMapper.builder().build().readTree(r.json());
        assertThat(json.get("harness").asText()).isEqualTo("TcpBench");
        assertThat(json.get("handshakes").get(1).get("p99Millis").asDouble()).isEqualTo(12.5);
        assertThat(json.get("fanOut").get(1).get("spokes").asInt()).isEqualTo(1000);
        assertThat(json.get("fanOut").get(1).get("deliveredPerSecond").isNull()).isTrue();
    }
}
