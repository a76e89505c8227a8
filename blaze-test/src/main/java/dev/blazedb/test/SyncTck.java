package dev.blazedb.test;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * Sync over a transport: the original transport guide's examples and the basic propagation
 * guarantees, as one abstract JUnit 5 class of which each transport's test is a short subclass
 * that says how two nodes are linked.
 *
 * <pre>{@code
 * class MemorySyncTest extends SyncTck {
 *     @Override
 *     protected SyncLinker linker() {
 *         return SyncLinker.local();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test builds its own {@link SyncCluster} on {@link #newTopology()} and closes it. The
 * convergence property under random schedules is {@link ConvergenceCheck}, run by the
 * transport's own property test (it wants a few hundred schedules, more than a contract test).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SyncTck {

    /** How the transport under test links two nodes. */
    protected abstract SyncLinker linker();

    /** The topology of each test (override for options such as a faster reconnect backoff). */
    protected BlazeTopology newTopology() {
        return new BlazeTopology();
    }

    /** A new, empty cluster linking with {@link #linker()}. */
    protected SyncCluster cluster() {
        return new SyncCluster(newTopology(), linker());
    }

    private SyncCluster pair(ConnectionMode mode, SyncConnection[] conn) {
        SyncCluster c = cluster();
        c.add("A", SyncRole.SERVER);
        c.add("B", SyncRole.CLIENT);
        conn[0] = c.link(0, 1, mode);
        return c;
    }

    // ------------------------------------------------------------------------------------------
    // The guide's examples

    @Test
    void anInsertOnDb1AppearsOnDb2(@TempDir Path dir) {
        // "Create two databases in the same app", file databases as in the guide
        try (SyncCluster c = cluster()) {
            NodeId id1 = c.addFile(dir.resolve("db1.blazedb"), "Database1", SyncRole.SERVER);
            c.addFile(dir.resolve("db2.blazedb"), "Database2", SyncRole.CLIENT);
            c.link(0, 1, ConnectionMode.BIDIRECTIONAL);
            BlazeDBClient db1 = c.db(0);
            BlazeDBClient db2 = c.db(1);

            UUID[] recordId = new UUID[1];
            // instead of "wait a moment for sync": wait for the remote change itself. It may arrive
            // before insert() even returns (it does on the memory transport), so check it afterwards.
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
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            UUID fromA = c.db(0).insert(SyncCluster.message("from A", 1));
            UUID fromB = c.db(1).insert(SyncCluster.message("from B", 2));
            conn[0].awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).fetch(fromA)).isEqualTo(c.db(0).fetch(fromA)).isPresent();
            assertThat(c.db(0).fetch(fromB)).isEqualTo(c.db(1).fetch(fromB)).isPresent();
            assertThat(SyncCluster.contents(c.db(0))).isEqualTo(SyncCluster.contents(c.db(1)));
        }
    }

    @Test
    void aReadOnlyReplicaGetsTheMastersWritesAndNeverSendsItsOwn() {
        try (SyncCluster c = cluster()) {
            c.add("Master", SyncRole.SERVER);
            c.add("Slave", SyncRole.CLIENT);
            SyncConnection conn = c.link(0, 1, ConnectionMode.READ_ONLY);
            UUID m = c.db(0).insert(SyncCluster.message("master write", 1));
            // The replica edits the master's record below: over an asynchronous transport (a
            // socket) it must have arrived first.
            conn.awaitIdle().block(TIMEOUT);
            UUID s = c.db(1).insert(SyncCluster.message("replica write", 2));
            c.db(1).update(m, BlazeDataRecord.builder().put("message", "replica edit").build());
            conn.awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).fetch(m)).isPresent();
            assertThat(c.db(0).fetch(s)).isEmpty();
            assertThat(c.db(0).fetch(m).orElseThrow().string("message")).contains("master write");
            assertThat(SyncCluster.history(c.db(0))).noneMatch(ChangeEvent::isRemote);
            // one change crossed, master -> replica, whichever side's connection the linker returned
            assertThat(conn.status().sent() + conn.status().received()).isEqualTo(1);
            assertThat(SyncCluster.history(c.db(1)).stream().filter(ChangeEvent::isRemote).count()).isEqualTo(1);
        }
    }

    @Test
    void inHubAndSpokeAWriteOnOneClientReachesAllOthersThroughTheHub() {
        try (SyncCluster c = cluster()) {
            c.add("Server", SyncRole.SERVER);
            List<NodeId> clients = new ArrayList<>();
            List<SyncConnection> links = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                clients.add(c.add("Client" + i, SyncRole.CLIENT));
                links.add(c.link(0, i, ConnectionMode.BIDIRECTIONAL));
            }
            assertThat(new HashSet<>(links)).hasSize(5);
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

    // ------------------------------------------------------------------------------------------
    // Propagation

    @Test
    void writeOnlyCarriesChangesFromToToFromOnly() {
        try (SyncCluster c = cluster()) {
            c.add("from", SyncRole.SERVER);
            c.add("to", SyncRole.CLIENT);
            SyncConnection conn = c.link(0, 1, ConnectionMode.WRITE_ONLY);
            UUID onFrom = c.db(0).insert(SyncCluster.message("stays on from", 1));
            UUID onTo = c.db(1).insert(SyncCluster.message("goes to from", 2));
            conn.awaitIdle().block(TIMEOUT);
            assertThat(c.db(0).fetch(onTo)).isPresent();
            assertThat(c.db(1).fetch(onFrom)).isEmpty();
            assertThat(SyncCluster.history(c.db(1))).noneMatch(ChangeEvent::isRemote);
        }
    }

    @Test
    void updatesAndDeletesPropagate() {
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            BlazeDBClient a = c.db(0);
            BlazeDBClient b = c.db(1);
            UUID id = a.insert(SyncCluster.message("v1", 1));
            conn[0].awaitIdle().block(TIMEOUT);
            StepVerifier.create(b.changes().filter(ChangeEvent::isRemote).take(2))
                    .then(() -> a.update(id, BlazeDataRecord.builder().put("message", "v2").build()))
                    .assertNext(e -> {
                        assertThat(e.type()).isEqualTo(ChangeType.UPDATE);
                        assertThat(e.record().orElseThrow().string("message")).contains("v2");
                    })
                    .then(() -> a.delete(id))
                    .assertNext(e -> {
                        assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                        assertThat(e.record()).isEmpty();
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(b.fetch(id)).isEmpty();
            // and back the other way: B revives it, A sees the revival
            b.upsert(id, SyncCluster.message("v3", 3));
            conn[0].awaitIdle().block(TIMEOUT);
            assertThat(a.fetch(id).orElseThrow().string("message")).contains("v3");
            assertThat(a.fetch(id)).isEqualTo(b.fetch(id));
        }
    }

    @Test
    void aThousandRapidInsertsAllArrive() {
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                ids.add(UUID.randomUUID());
            }
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote).map(ChangeEvent::recordId).take(1000).collectList())
                    .then(() -> {
                        for (int i = 0; i < 1000; i++) {
                            c.db(0).insert(SyncCluster.small(i).with("id", BlazeValue.uuid(ids.get(i))));
                        }
                    })
                    .assertNext(arrived -> assertThat(arrived).containsExactlyElementsOf(ids))
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(c.db(1).count()).isEqualTo(1000);
        }
    }

    @Test
    void insertManyOfFiveThousandArrives() {
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                records.add(SyncCluster.small(i));
            }
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote).take(5000).count())
                    .then(() -> c.db(0).insertMany(records))
                    .expectNext(5000L)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(SyncCluster.contents(c.db(1))).isEqualTo(SyncCluster.contents(c.db(0)));
        }
    }

    @Test
    void aHundredThousandCharacterStringArrivesByteExact() {
        StringBuilder sb = new StringBuilder(100_000);
        SplittableRandom r = new SplittableRandom(7);
        while (sb.length() < 100_000) {
            int cp = r.nextInt(4) == 0 ? 0x1F600 + r.nextInt(50) : r.nextInt(3) == 0 ? 0x4E00 + r.nextInt(500) : 'a' + r.nextInt(26);
            if (sb.length() + Character.charCount(cp) > 100_000) {
                cp = 'z';
            }
            sb.appendCodePoint(cp);
        }
        String big = sb.toString();
        assertThat(big).hasSize(100_000);
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            UUID id = c.db(0).insert(BlazeDataRecord.builder().put("text", big).build());
            conn[0].awaitIdle().block(TIMEOUT);
            String arrived = c.db(1).fetch(id).orElseThrow().string("text").orElseThrow();
            assertThat(arrived).isEqualTo(big);
            assertThat(arrived.getBytes(StandardCharsets.UTF_8)).isEqualTo(big.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void collectionsAndAllValueKindsSurviveTheTrip() {
        SyncConnection[] conn = {null};
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL, conn)) {
            BlazeDataRecord rich = BlazeDataRecord.builder()
                    .put("s", "text").put("i", -42L).put("d", 3.25).put("b", true)
                    .put("date", BlazeValue.date(Instant.parse("2024-02-29T12:34:56.123456Z")))
                    .put("u", BlazeValue.uuid(UUID.randomUUID()))
                    .put("bytes", BlazeValue.data(new byte[] {0, 1, 2, (byte) 255}))
                    .put("arr", BlazeValue.array(List.of(BlazeValue.integer(1), BlazeValue.nullValue())))
                    .put("dict", BlazeValue.dictionary(Map.of("k", BlazeValue.string("v"))))
                    .put("vec", BlazeValue.vector(new float[] {0.5f, -1f}))
                    .put("nothing", BlazeValue.nullValue())
                    .build();
            UUID id = c.db(0).collection("kinds").insert(rich);
            conn[0].awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).collection("kinds").fetch(id)).isEqualTo(c.db(0).collection("kinds").fetch(id)).isPresent();
            assertThat(c.db(1).fetch(id)).isEmpty();
        }
    }

    @Test
    void recordsThatExistedBeforeTheLinkReplicateToo() {
        try (SyncCluster c = cluster()) {
            c.add("A", SyncRole.SERVER);
            c.add("B", SyncRole.CLIENT);
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                records.add(SyncCluster.small(i));
            }
            c.db(0).insertMany(records);
            c.db(0).collection("other").insert(SyncCluster.message("in another collection", 1));
            c.link(0, 1, ConnectionMode.BIDIRECTIONAL);
            c.awaitIdle();
            assertThat(SyncCluster.contents(c.db(1))).isEqualTo(SyncCluster.contents(c.db(0)));
        }
    }
}
