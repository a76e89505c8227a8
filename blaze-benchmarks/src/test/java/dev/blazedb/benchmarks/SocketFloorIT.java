package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SocketFloor over a real Unix socket and TCP loopback, every route, with tiny numbers: every message arrives and the report is written. */
class SocketFloorIT {

    @TempDir
    Path out;

    @Test
    void measuresEverySocketAndRouteAndWritesItsReport() throws Exception {
        SocketFloor.main(new String[] {"--rate", "2000", "--seconds", "0.5", "--warmup-seconds", "0.25", "--runs", "1",
                "--out", out.toString()});
        String report = Files.readString(out.resolve("socket-floor.md"));
        String json = Files.readString(out.resolve("socket-floor.json"));
        for (String transport : new String[] {"uds", "tcp"}) {
            for (SocketFloor.Route route : SocketFloor.Route.values()) {
                assertThat(json).contains("\"transport\": \"" + transport + "\", \"route\": \"" + route.option + "\", \"count\": 1000");
                assertThat(report).contains("| " + (transport.equals("uds") ? "Unix socket" : "TCP loopback") + " | " + route.description + " | "
                        + route.wakeUps + " |");
            }
        }
    }

    @Test
    void everyMessageIsCountedOnce() throws Exception {
        for (SocketFloor.Route route : SocketFloor.Route.values()) {
            SocketFloor.Floor f = SocketFloor.measure("tcp", route, 5000, 0.2, 0.1);
            assertThat(f.count()).as(route.option).isEqualTo(1000);
            assertThat(f.p50()).as(route.option).isPositive().isLessThanOrEqualTo(f.p99());
        }
    }
}
