package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.test.GatedServerTransport;
import dev.blazedb.test.SyncCluster;
import dev.blazedb.transport.Transports;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica stops reading while its peer writes 1,000,000 changes: the writer's heap must not
 * grow with the backlog (the changes wait in the log, not in memory), and once the replica reads
 * again it catches up.
 */
class BackpressureTest {

    private static final int CHANGES = Integer.getInteger("blaze.test.backpressure.changes", 1_000_000);
    private static final int RECORDS = 1_000;
    private static final long BOUND = 64L << 20;

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, mx.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    // a million encrypted commits, then the catch-up: on a shared, loaded 2-core machine this
    // outlasts the suite's 120 s default stall guard, so it gets its own, longer one
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aStalledReplicaKeepsTheWritersHeapBounded(@TempDir Path dir) {
        try (SyncCluster c = new SyncCluster()) {
            NodeId writer = c.addFile(dir.resolve("writer.blazedb"), "writer", SyncRole.CLIENT);
            NodeId replica = c.add("replica", SyncRole.SERVER);
            String address = "stalled-" + System.nanoTime();
            GatedServerTransport gate = new GatedServerTransport(Transports.serverTransport("memory", address, Map.of()));
            c.topology().listen(replica, gate, new SyncPolicy()).block(TIMEOUT);
            SyncConnection conn = c.topology().connect(writer, Transports.clientTransport("memory", address, Map.of()),
                    new SyncPolicy()).block(TIMEOUT);
            BlazeDBClient db = c.db(0);
            List<UUID> ids = new ArrayList<>();
            List<BlazeDataRecord> first = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                first.add(SyncCluster.small(i));
            }
            ids.addAll(db.insertMany(first));
            conn.awaitIdle().block(TIMEOUT);

            gate.hold();
            long before = usedAfterGc();
            long peak = 0;
            long t0 = System.nanoTime();
            for (int i = RECORDS; i < CHANGES; i++) {
                db.update(ids.get(i % RECORDS), BlazeDataRecord.builder().put("n", (long) i).build());
                if (i % 200_000 == 0) {
                    peak = Math.max(peak, usedAfterGc() - before);
                }
            }
            long writeMs = (System.nanoTime() - t0) / 1_000_000;
            peak = Math.max(peak, usedAfterGc() - before);
            long pending = conn.status().pending();
            System.out.printf("backpressure: %,d changes written in %,d ms while the replica did not read; "
                            + "heap growth after GC at most %.1f MiB (bound %d MiB); %,d changes pending%n",
                    CHANGES, writeMs, peak / 1048576.0, BOUND >> 20, pending);
            assertThat(peak).isLessThan(BOUND);
            assertThat(pending).isGreaterThan(CHANGES - RECORDS - 20_000L);
            assertThat(c.db(1).lastSequence()).isLessThan(RECORDS + 20_000L);

            long t1 = System.nanoTime();
            gate.release();
            conn.awaitIdle().block(java.time.Duration.ofMinutes(6));
            System.out.printf("backpressure: the replica caught up with %,d changes in %,d ms%n",
                    CHANGES - RECORDS, (System.nanoTime() - t1) / 1_000_000);
            assertThat(SyncCluster.contents(c.db(1))).isEqualTo(SyncCluster.contents(db));
        }
    }
}
