package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.ConnectionState;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.test.FaultInjector;
import dev.blazedb.test.SyncCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * {@code connectLocal} over a memory link that breaks underneath it (the kit's {@link FaultInjector}
 * as the topology's connection interceptor): the connection goes RECONNECTING, comes back on a new
 * transport connection and resumes from its checkpoint; nothing is lost, duplicated or sent twice.
 */
class LocalLinkFaultTest {

    @Test
    void aLocalLinkSurvivesATransportBreakAndResumesFromItsCheckpoint() {
        FaultInjector faults = new FaultInjector();
        try (SyncCluster c = linkedPair(faults)) {
            SyncConnection conn = c.topology().connections().get(0);
            assertThat(faults.opened()).isEqualTo(1);
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            conn.states().subscribe(states::add);
            for (int i = 0; i < 100; i++) {
                c.db(0).insert(SyncCluster.small(i));
                c.db(1).insert(SyncCluster.small(1000 + i));
            }
            conn.awaitIdle().block(TIMEOUT);
            long sent = conn.status().sent();
            long received = conn.status().received();
            assertThat(sent + received).isEqualTo(200);

            // the link breaks; a write on each side lands while it is down or coming back
            StepVerifier.create(conn.states().skipUntil(s -> s == ConnectionState.RECONNECTING)
                            .filter(s -> s == ConnectionState.IDLE || s == ConnectionState.SYNCING).take(1))
                    .then(() -> {
                        faults.breakNewest();
                        c.db(0).insert(SyncCluster.message("a, during the break", 1));
                        c.db(1).insert(SyncCluster.message("b, during the break", 2));
                    })
                    .expectNextCount(1)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(faults.opened()).as("one new transport connection").isEqualTo(2);
            assertThat(conn.state()).isIn(ConnectionState.IDLE, ConnectionState.SYNCING);
            assertThat(c.topology().connections()).containsExactly(conn);

            for (int i = 0; i < 5; i++) {
                c.db(0).insert(SyncCluster.message("a, after", i));
            }
            for (int i = 0; i < 3; i++) {
                c.db(1).insert(SyncCluster.message("b, after", i));
            }
            conn.awaitIdle().block(TIMEOUT);

            // counted across both transport connections: after the break only the 10 new changes
            // crossed (6 one way, 4 the other): the link resumed, it did not resend
            assertThat(conn.status().sent() + conn.status().received()).isEqualTo(210);
            assertThat(conn.status().sent() - sent).isIn(6L, 4L);
            assertThat(states).contains(ConnectionState.RECONNECTING, ConnectionState.CONNECTING, ConnectionState.HANDSHAKING);

            // nothing lost, nothing applied twice
            List<ChangeEvent> onA = SyncCluster.history(c.db(0));
            List<ChangeEvent> onB = SyncCluster.history(c.db(1));
            assertThat(onA.stream().filter(ChangeEvent::isRemote).count()).isEqualTo(104);
            assertThat(onB.stream().filter(ChangeEvent::isRemote).count()).isEqualTo(106);
            assertThat(unique(onA)).isEqualTo(onA.size());
            assertThat(unique(onB)).isEqualTo(onB.size());
            assertThat(c.db(0).count()).isEqualTo(210);
            assertThat(SyncCluster.contents(c.db(0))).isEqualTo(SyncCluster.contents(c.db(1)));
        }
    }

    @Test
    void aLinkBrokenAgainAndAgainStillConverges() {
        FaultInjector faults = new FaultInjector();
        try (SyncCluster c = linkedPair(faults)) {
            SyncConnection conn = c.topology().connections().get(0);
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 20; i++) {
                    c.db(round % 2).insert(SyncCluster.small(round * 100L + i));
                }
                faults.breakAll();
            }
            conn.awaitIdle().block(TIMEOUT);
            assertThat(faults.opened()).isGreaterThan(1);
            assertThat(c.db(0).count()).isEqualTo(200);
            assertThat(SyncCluster.contents(c.db(0))).isEqualTo(SyncCluster.contents(c.db(1)));
            assertThat(unique(SyncCluster.history(c.db(0)))).isEqualTo(200);
            assertThat(unique(SyncCluster.history(c.db(1)))).isEqualTo(200);
        }
    }

    /** Two nodes a and b, linked by {@code connectLocal}, whose transport connections pass through {@code faults}. */
    private static SyncCluster linkedPair(FaultInjector faults) {
        SyncCluster c = new SyncCluster(new BlazeTopology(BlazeTopology.Options.builder()
                .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(100), 0.5)
                .connectionInterceptor(faults)
                .build()));
        c.add("a", SyncRole.SERVER);
        c.add("b", SyncRole.CLIENT);
        c.link(0, 1, ConnectionMode.BIDIRECTIONAL);
        return c;
    }

    /** The number of distinct records changed in {@code history} (every change here is an insert). */
    private static int unique(List<ChangeEvent> history) {
        Set<UUID> ids = new HashSet<>();
        history.forEach(e -> ids.add(e.recordId()));
        return ids.size();
    }
}
