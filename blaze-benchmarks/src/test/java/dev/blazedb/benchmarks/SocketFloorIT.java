package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SocketFloor over a real Unix socket and TCP loopback (and without one), every route, with tiny numbers: every message arrives and the report is written. */
class SocketFloorIT {

    @TempDir
    Path out;

    @Test
    void measuresEverySocketAndRouteAndWritesItsReport() throws Exception {
        SocketFloor.main(new String[] {"--rate", "2000", "--seconds", "0.5", "--warmup-seconds", "0.25", "--runs", "1",
                "--out", out.toString()});
        String report = Files.readString(out.resolve("socket-floor.md"));
        String json = Files.readString(out.resolve("socket-floor.json"));
        for (SocketFloor.Route route : SocketFloor.Route.values()) {
            for (String transport : route.usesSocket() ? new String[] {"uds", "tcp"} : new String[] {"none"}) {
                assertThat(json).contains("\"transport\": \"" + transport + "\", \"route\": \"" + route.option + "\", \"count\": 1000");
                assertThat(report).contains("| " + SocketFloor.socketName(transport) + " | " + route.description + " | "
                        + route.wakeUps + " |");
            }
        }
        assertThat(json).doesNotContain("\"transport\": \"uds\", \"route\": \"threads\"");
    }

    /**
     * {@code measure} fails when a message is counted before the bytes that carry it arrived
     * (counted twice: its arrival would precede its send) and when one never arrives (after 60 s).
     */
    @Test
    void everyMessageIsCountedOnce() throws Exception {
        for (SocketFloor.Route route : SocketFloor.Route.values()) {
            SocketFloor.Floor f = SocketFloor.measure(route.usesSocket() ? "tcp" : "none", route, 5000, 0.2, 0.1);
            assertThat(f.count()).as(route.option).isEqualTo(1000);
            assertThat(f.p50()).as(route.option).isPositive().isLessThanOrEqualTo(f.p99());
        }
    }

    @Test
    void aRouteRefusesATransportItCannotUse() {
        assertThatThrownBy(() -> SocketFloor.measure("tcp", SocketFloor.Route.THREADS, 1000, 0.1, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs transport none");
        assertThatThrownBy(() -> SocketFloor.measure("none", SocketFloor.Route.NETTY, 1000, 0.1, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs transport uds or tcp");
    }
}
