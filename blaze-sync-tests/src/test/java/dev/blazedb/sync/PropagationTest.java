package dev.blazedb.sync;

import static dev.blazedb.sync.Cluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.ConnectionState;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class PropagationTest {

    private static Cluster pair(ConnectionMode mode) {
        Cluster c = new Cluster();
        c.add("A", SyncRole.SERVER);
        c.add("B", SyncRole.CLIENT);
        c.topology.connectLocal(c.id(0), c.id(1), mode).block(TIMEOUT);
        return c;
    }

    private static SyncConnection only(Cluster c) {
        assertThat(c.topology.connections()).hasSize(1);
        return c.topology.connections().get(0);
    }

    @Test
    void updatesAndDeletesPropagate() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            BlazeDBClient a = c.db(0);
            BlazeDBClient b = c.db(1);
            UUID id = a.insert(Cluster.message("v1", 1));
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
            b.upsert(id, Cluster.message("v3", 3));
            only(c).awaitIdle().block(TIMEOUT);
            assertThat(a.fetch(id).orElseThrow().string("message")).contains("v3");
            assertThat(a.fetch(id)).isEqualTo(b.fetch(id));
        }
    }

    @Test
    void aThousandRapidInsertsAllArrive() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                ids.add(UUID.randomUUID());
            }
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote).map(ChangeEvent::recordId).take(1000).collectList())
                    .then(() -> {
                        for (int i = 0; i < 1000; i++) {
                            c.db(0).insert(Cluster.small(i).with("id", BlazeValue.uuid(ids.get(i))));
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
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                records.add(Cluster.small(i));
            }
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote).take(5000).count())
                    .then(() -> c.db(0).insertMany(records))
                    .expectNext(5000L)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(Cluster.contents(c.db(1))).isEqualTo(Cluster.contents(c.db(0)));
        }
    }

    @Test
    void aHundredThousandCharacterStringArrivesByteExact() {
        StringBuilder sb = new StringBuilder(100_000);
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        while (sb.length() < 100_000) {
            int cp = r.nextInt(4) == 0 ? 0x1F600 + r.nextInt(50) : r.nextInt(3) == 0 ? 0x4E00 + r.nextInt(500) : 'a' + r.nextInt(26);
            if (sb.length() + Character.charCount(cp) > 100_000) {
                cp = 'z';
            }
            sb.appendCodePoint(cp);
        }
        String big = sb.toString();
        assertThat(big).hasSize(100_000);
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            UUID id = c.db(0).insert(BlazeDataRecord.builder().put("text", big).build());
            only(c).awaitIdle().block(TIMEOUT);
            String arrived = c.db(1).fetch(id).orElseThrow().string("text").orElseThrow();
            assertThat(arrived).isEqualTo(big);
            assertThat(arrived.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(big.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void anIdleConnectionCreatesNothing() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            SyncConnection conn = only(c);
            conn.awaitIdle().block(TIMEOUT);
            StepVerifier.create(c.db(0).changes().mergeWith(c.db(1).changes()))
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(300))
                    .thenCancel()
                    .verify(TIMEOUT);
            assertThat(c.db(0).lastSequence()).isZero();
            assertThat(c.db(1).lastSequence()).isZero();
            assertThat(c.db(0).count() + c.db(1).count()).isZero();
            assertThat(c.db(0).collections()).isEmpty();
            assertThat(conn.status().sent()).isZero();
            assertThat(conn.status().received()).isZero();
            assertThat(conn.status().pending()).isZero();
            assertThat(conn.state()).isEqualTo(ConnectionState.IDLE);
        }
    }

    @Test
    void connectingTheSamePairTenTimesGivesOneLinkAndAWriteSyncsExactlyOnce() {
        try (Cluster c = new Cluster()) {
            NodeId a = c.add("A", SyncRole.SERVER);
            NodeId b = c.add("B", SyncRole.CLIENT);
            List<SyncConnection> conns = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                conns.add(i % 2 == 0 ? c.topology.connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT)
                        : c.topology.connectLocal(b, a, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT));
            }
            assertThat(conns).allSatisfy(x -> assertThat(x).isSameAs(conns.get(0)));
            assertThat(c.topology.connections()).hasSize(1);
            UUID id = c.db(0).insert(Cluster.message("once", 1));
            conns.get(0).awaitIdle().block(TIMEOUT);
            List<ChangeEvent> onB = Cluster.history(c.db(1));
            assertThat(onB).hasSize(1);
            assertThat(onB.get(0).recordId()).isEqualTo(id);
            assertThat(conns.get(0).status().sent()).isEqualTo(1);
            // and nothing came back to A
            assertThat(c.db(0).lastSequence()).isEqualTo(1);
        }
    }

    @Test
    void recordsThatExistedBeforeTheConnectionReplicateToo(@TempDir Path dir) {
        try (Cluster c = new Cluster()) {
            NodeId a = c.addFile(dir.resolve("a.blazedb"), "A", SyncRole.SERVER);
            NodeId b = c.add("B", SyncRole.CLIENT);
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                records.add(Cluster.small(i));
            }
            for (int i = 0; i < records.size(); i += 5000) {
                c.db(0).insertMany(records.subList(i, i + 5000));
            }
            c.db(0).collection("other").insert(Cluster.message("in another collection", 1));
            // the remote events stream in as B applies them, with backpressure from B's subscriber
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote), 0)
                    .then(() -> c.topology.connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .thenRequest(10)
                    .expectNextCount(10)
                    .thenRequest(20_000 - 10 + 1)
                    .expectNextCount(20_000 - 10 + 1)
                    .thenCancel()
                    .verify(TIMEOUT);
            c.awaitIdle();
            assertThat(Cluster.contents(c.db(1))).isEqualTo(Cluster.contents(c.db(0)));
        }
    }

    @Test
    void remoteChangesAreMarkedRemoteAndNeverCapturedAsLocalWrites() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            UUID id = c.db(0).insert(Cluster.message("x", 1));
            only(c).awaitIdle().block(TIMEOUT);
            List<ChangeEvent> onB = Cluster.history(c.db(1));
            assertThat(onB).singleElement().satisfies(e -> {
                assertThat(e.isRemote()).isTrue();
                assertThat(e.origin()).isEqualTo(c.id(0));
                assertThat(e.originSequence()).isEqualTo(1);
                assertThat(e.recordId()).isEqualTo(id);
            });
            // A's log holds only its own write: the remote copy on B was not echoed back
            assertThat(c.db(0).lastSequence()).isEqualTo(1);
            assertThat(Cluster.history(c.db(0)))
                    .singleElement().satisfies(e -> assertThat(e.isRemote()).isFalse());
        }
    }

    @Test
    void aChangeTravelsFromCommitToThePeersFeedOnTheInsertingThread() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            only(c).awaitIdle().block(TIMEOUT);
            AtomicReference<Thread> seenOn = new AtomicReference<>();
            c.db(1).changes().filter(ChangeEvent::isRemote).take(1).subscribe(e -> seenOn.set(Thread.currentThread()));
            c.db(0).insert(Cluster.message("same thread", 1));
            // no waiting: the event was delivered before insert() returned
            assertThat(seenOn.get()).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void collectionsAndAllValueKindsSurviveTheTrip() {
        try (Cluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            BlazeDataRecord rich = BlazeDataRecord.builder()
                    .put("s", "text").put("i", -42L).put("d", 3.25).put("b", true)
                    .put("date", BlazeValue.date(java.time.Instant.parse("2024-02-29T12:34:56.123456Z")))
                    .put("u", BlazeValue.uuid(UUID.randomUUID()))
                    .put("bytes", BlazeValue.data(new byte[] {0, 1, 2, (byte) 255}))
                    .put("arr", BlazeValue.array(List.of(BlazeValue.integer(1), BlazeValue.nullValue())))
                    .put("dict", BlazeValue.dictionary(java.util.Map.of("k", BlazeValue.string("v"))))
                    .put("vec", BlazeValue.vector(new float[] {0.5f, -1f}))
                    .put("nothing", BlazeValue.nullValue())
                    .build();
            UUID id = c.db(0).collection("kinds").insert(rich);
            only(c).awaitIdle().block(TIMEOUT);
            assertThat(c.db(1).collection("kinds").fetch(id)).isEqualTo(c.db(0).collection("kinds").fetch(id)).isPresent();
            assertThat(c.db(1).fetch(id)).isEmpty();
        }
    }
}
