package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SocketFloor over a real Unix socket and TCP loopback with tiny numbers: every message arrives and the report is written. */
class SocketFloorIT {

    @TempDir
    Path out;

    @Test
    void measuresBothSocketsAndWritesItsReport() throws Exception {
        SocketFloor.main(new String[] {"--rate", "2000", "--seconds", "0.5", "--warmup-seconds", "0.25", "--runs", "1",
                "--out", out.toString()});
        assertThat(out.resolve("socket-floor.md")).content().contains("| Unix socket |").contains("| TCP loopback |");
        assertThat(out.resolve("socket-floor.json")).content()
                .contains("\"transport\": \"uds\", \"count\": 1000").contains("\"transport\": \"tcp\", \"count\": 1000");
    }

    @Test
    void everyMessageIsCountedOnce() throws Exception {
        SocketFloor.Floor f = SocketFloor.measure("tcp", 5000, 0.2, 0.1);
        assertThat(f.count()).isEqualTo(1000);
        assertThat(f.p50()).isPositive().isLessThanOrEqualTo(f.p99());
    }
}
