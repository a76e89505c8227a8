package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.test.SyncCluster;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModesTest {

    @Test
    void aReplicaBuildsNoOutboundFlowAndItsWritesStayLocalAcrossReconnects() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId master = c.add("master", SyncRole.SERVER);
            NodeId replica = c.add("replica", SyncRole.CLIENT);
            SyncConnection conn = c.topology().connectLocal(master, replica, ConnectionMode.READ_ONLY).block(TIMEOUT);
            for (int i = 0; i < 50; i++) {
                c.db(1).insert(SyncCluster.message("replica " + i, i));
            }
            c.db(0).insert(SyncCluster.message("master", 0));
            conn.awaitIdle().block(TIMEOUT);
            // the replica's pending count stays 0: it has no outbound flow that could be behind
            assertThat(conn.status().pending()).isZero();
            conn.disconnect().block(TIMEOUT);
            SyncConnection again = c.topology().connectLocal(replica, master, ConnectionMode.WRITE_ONLY).block(TIMEOUT);
            again.awaitIdle().block(TIMEOUT);
            assertThat(c.db(0).count()).isEqualTo(1);
            assertThat(c.db(1).count()).isEqualTo(51);
        }
    }

    @Test
    void connectingAPairAgainWithOtherDirectionsIsRefused() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            c.topology().connectLocal(a, b, ConnectionMode.READ_ONLY).block(TIMEOUT);
            // the same directions, said the other way round, is the same link
            assertThat(c.topology().connectLocal(b, a, ConnectionMode.WRITE_ONLY).block(TIMEOUT))
                    .isSameAs(c.topology().connections().get(0));
            assertThatThrownBy(() -> c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already connected with mode READ_ONLY");
        }
    }

    @Test
    void collectionsAndExcludedFieldsFilterWhatLeaves() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            SyncPolicy policy = SyncPolicy.builder().collections("public").excludeFields("secret").build();
            SyncConnection conn = c.topology().connectLocal(a, b, policy).block(TIMEOUT);
            UUID pub = c.db(0).collection("public").insert(BlazeDataRecord.builder().put("title", "t").put("secret", "s").build());
            UUID priv = c.db(0).collection("private").insert(SyncCluster.message("private", 1));
            conn.awaitIdle().block(TIMEOUT);
            BlazeDataRecord arrived = c.db(1).collection("public").fetch(pub).orElseThrow();
            assertThat(arrived.string("title")).contains("t");
            assertThat(arrived.has("secret")).isFalse();
            assertThat(c.db(1).collection("private").fetch(priv)).isEmpty();
            // B edits the title; A keeps its secret (a missing field is not a delete)
            c.db(1).collection("public").update(pub, BlazeDataRecord.builder().put("title", "t2").build());
            conn.awaitIdle().block(TIMEOUT);
            BlazeDataRecord back = c.db(0).collection("public").fetch(pub).orElseThrow();
            assertThat(back.string("title")).contains("t2");
            assertThat(back.string("secret")).contains("s");
        }
    }

    @Test
    void anUnknownNodeIsReported() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId ghost = NodeId.random();
            assertThatThrownBy(() -> c.topology().connectLocal(a, ghost, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(dev.blazedb.NodeNotFoundException.class).hasMessageContaining(ghost.toString());
            assertThat(c.topology().nodes()).singleElement().satisfies(n -> {
                assertThat(n.nodeId()).isEqualTo(a);
                assertThat(n.name()).isEqualTo("a");
                assertThat(n.role()).isEqualTo(SyncRole.SERVER);
            });
        }
    }
}
