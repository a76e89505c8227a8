package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.ConnectionState;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncListener;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.test.FaultInjector;
import dev.blazedb.test.SyncCluster;
import dev.blazedb.transport.Transports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class ReconnectTest {

    private static BlazeTopology fastBackoff() {
        return new BlazeTopology(BlazeTopology.Options.builder()
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200), 0.5).build());
    }

    @Test
    void afterATransportFailureItReconnectsAndResumesWithoutResending() {
        try (SyncCluster c = new SyncCluster(fastBackoff())) {
            NodeId server = c.add("server", SyncRole.SERVER);
            NodeId client = c.add("client", SyncRole.CLIENT);
            String address = "reconnect-" + System.nanoTime();
            SyncListener listener = c.topology().listen(server, Transports.serverTransport("memory", address, Map.of()),
                    new SyncPolicy()).block(TIMEOUT);
            FaultInjector faults = new FaultInjector();
            SyncConnection conn = c.topology().connect(client, faults.wrap(Transports.clientTransport("memory", address, Map.of())),
                    new SyncPolicy()).block(TIMEOUT);
            assertThat(conn.remoteNode().block(TIMEOUT)).isEqualTo(server);
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            conn.states().subscribe(states::add);

            for (int i = 0; i < 100; i++) {
                c.db(1).insert(SyncCluster.message("before", i));
                c.db(0).insert(SyncCluster.message("server before", i));
            }
            conn.awaitIdle().block(TIMEOUT);
            assertThat(conn.status().sent()).isEqualTo(100);
            assertThat(conn.status().received()).isEqualTo(100);

            // the network fails: no GOODBYE, the transport connection just closes
            StepVerifier.create(conn.states().skipUntil(s -> s == ConnectionState.RECONNECTING)
                            .filter(s -> s == ConnectionState.IDLE || s == ConnectionState.SYNCING).take(1))
                    .then(faults::breakNewest)
                    .expectNextCount(1)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(faults.opened()).isEqualTo(2);

            for (int i = 0; i < 5; i++) {
                c.db(1).insert(SyncCluster.message("after", i));
            }
            c.db(0).insert(SyncCluster.message("server after", 0));
            conn.awaitIdle().block(TIMEOUT);
            // counted across both transport connections: only the new changes went the second time
            assertThat(conn.status().sent()).isEqualTo(105);
            assertThat(conn.status().received()).isEqualTo(101);
            assertThat(SyncCluster.history(c.db(0)).stream().filter(ChangeEvent::isRemote).count()).isEqualTo(105);
            assertThat(SyncCluster.history(c.db(1)).stream().filter(ChangeEvent::isRemote).count()).isEqualTo(101);
            assertThat(SyncCluster.contents(c.db(0))).isEqualTo(SyncCluster.contents(c.db(1)));
            assertThat(states).contains(ConnectionState.RECONNECTING, ConnectionState.CONNECTING, ConnectionState.HANDSHAKING);
            assertThat(listener.connections()).hasSize(1);
        }
    }

    @Test
    void aNewConnectionResumesWhereADisconnectedOneStopped() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            SyncConnection first = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            for (int i = 0; i < 300; i++) {
                c.db(0).insert(SyncCluster.small(i));
            }
            first.awaitIdle().block(TIMEOUT);
            first.disconnect().block(TIMEOUT);
            assertThat(first.state()).isEqualTo(ConnectionState.CLOSED);
            for (int i = 0; i < 7; i++) {
                c.db(0).insert(SyncCluster.small(1000 + i));
            }
            SyncConnection second = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            assertThat(second).isNotSameAs(first);
            second.awaitIdle().block(TIMEOUT);
            assertThat(second.status().sent()).isEqualTo(7);
            assertThat(c.db(1).count()).isEqualTo(307);
        }
    }

    @Test
    void resumePointsSurviveARestartOfBothDatabases(@TempDir Path dir) {
        Path fa = dir.resolve("a.blazedb");
        Path fb = dir.resolve("b.blazedb");
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.addFile(fa, "a", SyncRole.SERVER);
            NodeId b = c.addFile(fb, "b", SyncRole.CLIENT);
            SyncConnection conn = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            for (int i = 0; i < 200; i++) {
                c.db(i % 2).insert(SyncCluster.small(i));
            }
            conn.awaitIdle().block(TIMEOUT);
        }
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.addFile(fa, "a", SyncRole.SERVER);
            NodeId b = c.addFile(fb, "b", SyncRole.CLIENT);
            assertThat(c.db(0).count()).isEqualTo(200);
            c.db(0).insert(SyncCluster.small(5000));
            SyncConnection conn = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            conn.awaitIdle().block(TIMEOUT);
            assertThat(conn.status().sent()).isEqualTo(1);
            assertThat(conn.status().received()).isZero();
            assertThat(c.db(1).count()).isEqualTo(201);
        }
    }

    @Test
    void awaitIdleFailsOnAClosedConnectionInsteadOfWaitingForever() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            SyncConnection conn = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            conn.disconnect().block(TIMEOUT);
            StepVerifier.create(conn.awaitIdle()).expectError(dev.blazedb.transport.ConnectionClosedException.class).verify(TIMEOUT);
            StepVerifier.create(conn.states()).expectNext(ConnectionState.CLOSED).expectComplete().verify(TIMEOUT);
            assertThat(c.topology().connections()).isEmpty();
        }
    }

    @Test
    void closingADatabaseEndsItsConnections() {
        try (SyncCluster c = new SyncCluster()) {
            NodeId a = c.add("a", SyncRole.SERVER);
            NodeId b = c.add("b", SyncRole.CLIENT);
            SyncConnection conn = c.topology().connectLocal(a, b, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            BlazeDBClient db = c.db(0);
            StepVerifier.create(conn.states().filter(ConnectionState::isTerminal))
                    .then(db::close)
                    .expectNext(ConnectionState.CLOSED)
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }
}
