package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RowPolicy;
import dev.blazedb.RowPredicate;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.test.SyncCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void syncMetersAreRecordedUnderBlazeSync() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BlazeTopology topology = new BlazeTopology(BlazeTopology.Options.builder().meterRegistry(registry).build());
        try (SyncCluster c = new SyncCluster(topology)) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            c.db(0).security().addPolicy("locked", RowPolicy.permissive("none").using(RowPredicate.never()).build());
            SyncConnection conn = c.topology().connectLocal(a, b, SyncPolicy.builder().respectRLS(true).build()).block(TIMEOUT);
            for (int i = 0; i < 10; i++) {
                c.db(0).insert(SyncCluster.message("m", i));
            }
            c.db(1).collection("locked").insert(SyncCluster.message("refused", 0));
            conn.awaitIdle().block(TIMEOUT);

            String aName = "a";
            String bName = "b";
            assertThat(registry.get("blaze.sync.changes.sent").tags("node", aName, "peer", b.toString()).counter().count()).isEqualTo(10);
            assertThat(registry.get("blaze.sync.changes.received").tags("node", bName, "peer", a.toString()).counter().count()).isEqualTo(10);
            assertThat(registry.get("blaze.sync.changes.applied").tags("node", bName, "peer", a.toString()).counter().count()).isEqualTo(10);
            assertThat(registry.get("blaze.sync.changes.rejected").tags("node", aName, "peer", b.toString()).counter().count()).isEqualTo(1);
            assertThat(registry.get("blaze.sync.changes.rejected").tags("node", bName, "peer", a.toString()).counter().count()).isEqualTo(1);
            assertThat(registry.get("blaze.sync.apply.latency").tags("node", bName).timer().count()).isPositive();
            assertThat(registry.get("blaze.sync.lag").tags("node", aName).gauge().value()).isZero();
            assertThat(registry.get("blaze.sync.pending").tags("node", aName).gauge().value()).isZero();
            conn.disconnect().block(TIMEOUT);
            assertThat(registry.find("blaze.sync.changes.sent").tags("node", aName).counters()).isEmpty();
        }
    }

    @Test
    void everythingWorksWithoutARegistry() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            SyncConnection conn = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            c.db(0).insert(SyncCluster.message("m", 1));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(conn.status().sent()).isEqualTo(1);
            assertThat(c.db(1).count()).isEqualTo(1);
        }
    }

}
