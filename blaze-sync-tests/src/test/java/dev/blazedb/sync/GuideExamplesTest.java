package dev.blazedb.sync;

import static dev.blazedb.sync.Cluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** The original transport guide's examples, as tests. */
class GuideExamplesTest {

    @Test
    void anInsertOnDb1AppearsOnDb2(@TempDir Path dir) {
        // "Create two databases in the same app", file databases as in the guide
        BlazeDBClient db1 = new BlazeDBClient("Database1", dir.resolve("db1.blazedb"), "password123",
                dev.blazedb.BlazeOptions.builder().argon2(Cluster.CHEAP_KDF).build());
        BlazeDBClient db2 = new BlazeDBClient("Database2", dir.resolve("db2.blazedb"), "password123",
                dev.blazedb.BlazeOptions.builder().argon2(Cluster.CHEAP_KDF).build());
        try (db1; db2; BlazeTopology topology = new BlazeTopology()) {
            NodeId id1 = topology.register(db1, "Database1", SyncRole.SERVER).block(TIMEOUT);
            NodeId id2 = topology.register(db2, "Database2", SyncRole.CLIENT).block(TIMEOUT);
            topology.connectLocal(id1, id2, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);

            UUID[] recordId = new UUID[1];
            // instead of "wait a moment for sync": wait for the remote change itself. It arrives
            // on the inserting thread before insert() even returns, so check it afterwards.
            ChangeEvent[] seen = new ChangeEvent[1];
            StepVerifier.create(db2.changes().filter(ChangeEvent::isRemote).take(1))
                    .then(() -> recordId[0] = db1.insert(BlazeDataRecord.builder()
                            .put("message", "Hello from DB1!").put("value", 42L).build()))
                    .consumeNextWith(e -> seen[0] = e)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(seen[0]).satisfies(e -> {
                        assertThat(e.recordId()).isEqualTo(recordId[0]);
                        assertThat(e.type()).isEqualTo(ChangeType.INSERT);
                        assertThat(e.origin()).isEqualTo(id1);
                    });

            BlazeDataRecord synced = db2.fetch(recordId[0]).orElseThrow();
            assertThat(synced.string("message")).contains("Hello from DB1!");
            assertThat(synced.integer("value")).contains(42L);
            assertThat(synced).isEqualTo(db1.fetch(recordId[0]).orElseThrow());
        }
    }

    @Test
    void bidirectionalSyncCarriesWritesBothWays() {
        try (Cluster c = new Cluster()) {
            NodeId a = c.add("A", SyncRole.SERVER);
            NodeId b = c.add("B", SyncRole.CLIENT);
            SyncConnection conn = c.topology.connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            UUID fromA = c.db(0).insert(Cluster.message("from A", 1));
            UUID fromB = c.db(1).insert(Cluster.message("from B", 2));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).fetch(fromA)).isEqualTo(c.db(0).fetch(fromA)).isPresent();
            assertThat(c.db(0).fetch(fromB)).isEqualTo(c.db(1).fetch(fromB)).isPresent();
            assertThat(Cluster.contents(c.db(0))).isEqualTo(Cluster.contents(c.db(1)));
        }
    }

    @Test
    void aReadOnlyReplicaGetsTheMastersWritesAndNeverSendsItsOwn() {
        try (Cluster c = new Cluster()) {
            NodeId master = c.add("Master", SyncRole.SERVER);
            NodeId slave = c.add("Slave", SyncRole.CLIENT);
            SyncConnection conn = c.topology.connectLocal(master, slave, ConnectionMode.READ_ONLY).block(TIMEOUT);
            UUID m = c.db(0).insert(Cluster.message("master write", 1));
            UUID s = c.db(1).insert(Cluster.message("replica write", 2));
            c.db(1).update(m, BlazeDataRecord.builder().put("message", "replica edit").build());
            conn.awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).fetch(m)).isPresent();
            assertThat(c.db(0).fetch(s)).isEmpty();
            assertThat(c.db(0).fetch(m).orElseThrow().string("message")).contains("master write");
            assertThat(Cluster.history(c.db(0))).noneMatch(ChangeEvent::isRemote);
            assertThat(conn.status().sent()).as("changes sent master -> replica").isEqualTo(1);
            assertThat(conn.status().received()).as("changes received by the master").isZero();
        }
    }

    @Test
    void inHubAndSpokeAWriteOnOneClientReachesAllOthersThroughTheHub() {
        try (Cluster c = new Cluster()) {
            NodeId server = c.add("Server", SyncRole.SERVER);
            List<NodeId> clients = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                NodeId client = c.add("Client" + i, SyncRole.CLIENT);
                clients.add(client);
                c.topology.connectLocal(server, client, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            }
            assertThat(c.topology.connections()).hasSize(5);
            // a write on client 3 must reach clients 1, 2, 4, 5, which have no link to client 3
            List<StepVerifier> arrivals = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                if (i != 3) {
                    arrivals.add(StepVerifier.create(c.db(i).changes().filter(ChangeEvent::isRemote).take(1))
                            .assertNext(e -> assertThat(e.origin()).isEqualTo(clients.get(2)))
                            .expectComplete().verifyLater());
                }
            }
            UUID id = c.db(3).insert(BlazeDataRecord.builder().put("message", "from client 3")
                    .put("tags", BlazeValue.array(List.of(BlazeValue.string("hub"), BlazeValue.string("spoke")))).build());
            arrivals.forEach(v -> v.verify(TIMEOUT));
            c.awaitIdle();
            for (int i = 0; i <= 5; i++) {
                assertThat(c.db(i).fetch(id)).as("node %d", i).isEqualTo(c.db(3).fetch(id));
                assertThat(c.db(i).count()).isEqualTo(1);
            }
        }
    }
}
