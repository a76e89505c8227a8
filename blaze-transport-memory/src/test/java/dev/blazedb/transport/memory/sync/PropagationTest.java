package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.ConnectionState;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.test.SyncCluster;
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

    private static SyncCluster pair(ConnectionMode mode) {
        SyncCluster c = new SyncCluster();
        c.add("A", SyncRole.SERVER);
        c.add("B", SyncRole.CLIENT);
        c.topology().connectLocal(c.id(0), c.id(1), mode).block(TIMEOUT);
        return c;
    }

    private static SyncConnection only(SyncCluster c) {
        assertThat(c.topology().connections()).hasSize(1);
        return c.topology().connections().get(0);
    }

    @Test
    void anIdleConnectionCreatesNothing() {
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
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
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("A", SyncRole.SERVER);
            NodeId b = c.add("B", SyncRole.CLIENT);
            List<SyncConnection> conns = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                conns.add(i % 2 == 0 ? c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT)
                        : c.topology().connectLocal(b, a, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT));
            }
            assertThat(conns).allSatisfy(x -> assertThat(x).isSameAs(conns.get(0)));
            assertThat(c.topology().connections()).hasSize(1);
            UUID id = c.db(0).insert(SyncCluster.message("once", 1));
            conns.get(0).awaitIdle().block(TIMEOUT);
            List<ChangeEvent> onB = SyncCluster.history(c.db(1));
            assertThat(onB).hasSize(1);
            assertThat(onB.get(0).recordId()).isEqualTo(id);
            assertThat(conns.get(0).status().sent()).isEqualTo(1);
            // and nothing came back to A
            assertThat(c.db(0).lastSequence()).isEqualTo(1);
        }
    }

    @Test
    void recordsThatExistedBeforeTheConnectionReplicateToo(@TempDir Path dir) {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.addFile(dir.resolve("a.blazedb"), "A", SyncRole.SERVER);
            NodeId b = c.add("B", SyncRole.CLIENT);
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                records.add(SyncCluster.small(i));
            }
            for (int i = 0; i < records.size(); i += 5000) {
                c.db(0).insertMany(records.subList(i, i + 5000));
            }
            c.db(0).collection("other").insert(SyncCluster.message("in another collection", 1));
            // the remote events stream in as B applies them, with backpressure from B's subscriber
            StepVerifier.create(c.db(1).changes().filter(ChangeEvent::isRemote), 0)
                    .then(() -> c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .thenRequest(10)
                    .expectNextCount(10)
                    .thenRequest(20_000 - 10 + 1)
                    .expectNextCount(20_000 - 10 + 1)
                    .thenCancel()
                    .verify(TIMEOUT);
            c.awaitIdle();
            assertThat(SyncCluster.contents(c.db(1))).isEqualTo(SyncCluster.contents(c.db(0)));
        }
    }

    @Test
    void remoteChangesAreMarkedRemoteAndNeverCapturedAsLocalWrites() {
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            UUID id = c.db(0).insert(SyncCluster.message("x", 1));
            only(c).awaitIdle().block(TIMEOUT);
            List<ChangeEvent> onB = SyncCluster.history(c.db(1));
            assertThat(onB).singleElement().satisfies(e -> {
                assertThat(e.isRemote()).isTrue();
                assertThat(e.origin()).isEqualTo(c.id(0));
                assertThat(e.originSequence()).isEqualTo(1);
                assertThat(e.recordId()).isEqualTo(id);
            });
            // A's log holds only its own write: the remote copy on B was not echoed back
            assertThat(c.db(0).lastSequence()).isEqualTo(1);
            assertThat(SyncCluster.history(c.db(0)))
                    .singleElement().satisfies(e -> assertThat(e.isRemote()).isFalse());
        }
    }

    @Test
    void aChangeTravelsFromCommitToThePeersFeedOnTheInsertingThread() {
        try (SyncCluster c = pair(ConnectionMode.BIDIRECTIONAL)) {
            only(c).awaitIdle().block(TIMEOUT);
            AtomicReference<Thread> seenOn = new AtomicReference<>();
            c.db(1).changes().filter(ChangeEvent::isRemote).take(1).subscribe(e -> seenOn.set(Thread.currentThread()));
            c.db(0).insert(SyncCluster.message("same thread", 1));
            // no waiting: the event was delivered before insert() returned
            assertThat(seenOn.get()).isSameAs(Thread.currentThread());
        }
    }
}
