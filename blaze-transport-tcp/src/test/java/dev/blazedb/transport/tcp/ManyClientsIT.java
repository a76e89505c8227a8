package dev.blazedb.transport.tcp;

import static dev.blazedb.transport.tcp.Dbs.TIMEOUT;
import static dev.blazedb.transport.tcp.Dbs.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionState;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Hub and spoke over real TCP: many clients against one server, and a server restart under them.
 */
class ManyClientsIT {

    private static final String TOKEN = "many-token";

    @TempDir
    Path dir;

    @Test
    @DisplayName("200 concurrent clients (TLS + E2E) each write a record; every client and the server end with all 200")
    void twoHundredClientsConverge() {
        int clients = 200;
        List<BlazeDBClient> dbs = new ArrayList<>();
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory("Hub");
             BlazeServer server = BlazeServer.builder().database("Hub").host("127.0.0.1").localDB(serverDb).authToken(TOKEN).build();
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(TIMEOUT);
            RemoteNode hub = RemoteNode.builder("127.0.0.1", server.port(), "Hub").authToken(TOKEN)
                    .pinnedFingerprint(server.tlsFingerprint()).handshakeTimeout(Duration.ofSeconds(60)).build();
            for (int i = 0; i < clients; i++) {
                dbs.add(BlazeDBClient.inMemory("Spoke-" + i));
            }
            List<SyncConnection> connections = new CopyOnWriteArrayList<>();
            Flux.fromIterable(dbs)
                    .flatMap(db -> topology.register(db, db.name(), SyncRole.CLIENT)
                            .flatMap(id -> topology.connectRemote(id, hub, new SyncPolicy())), 50)
                    .doOnNext(connections::add)
                    .blockLast(Duration.ofMinutes(2));
            assertThat(connections).hasSize(clients);
            assertThat(server.connections()).hasSize(clients);
            for (int i = 0; i < clients; i++) {
                Dbs.insert(dbs.get(i), "from spoke " + i);
            }
            await("the hub has every spoke's record", () -> serverDb.count() == clients);
            for (BlazeDBClient db : dbs) {
                await(db.name() + " has every record", () -> db.count() == clients);
            }
            Set<String> expected = Dbs.contents(serverDb);
            for (BlazeDBClient db : dbs) {
                assertThat(Dbs.contents(db)).isEqualTo(expected);
            }
        } finally {
            dbs.forEach(BlazeDBClient::close);
        }
    }

    @Test
    @DisplayName("server restart with connected clients: they show RECONNECTING, reconnect with backoff and converge")
    void serverRestart() {
        int clients = 5;
        List<BlazeDBClient> dbs = new ArrayList<>();
        BlazeDBClient serverDb = Dbs.open(dir, "Hub");
        BlazeServer server = BlazeServer.builder().database("Hub").host("127.0.0.1").localDB(serverDb).authToken(TOKEN).build();
        BlazeTopology topology = new BlazeTopology(BlazeTopology.Options.builder()
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.5).build());
        try {
            server.start().block(TIMEOUT);
            int port = server.port();
            String fingerprint = server.tlsFingerprint();
            RemoteNode hub = RemoteNode.builder("127.0.0.1", port, "Hub").authToken(TOKEN).pinnedFingerprint(fingerprint).build();
            List<SyncConnection> connections = new ArrayList<>();
            List<List<ConnectionState>> seen = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                BlazeDBClient db = BlazeDBClient.inMemory("Spoke-" + i);
                dbs.add(db);
                NodeId id = topology.register(db, db.name(), SyncRole.CLIENT).block(TIMEOUT);
                SyncConnection c = topology.connectRemote(id, hub, new SyncPolicy()).block(TIMEOUT);
                List<ConnectionState> states = new CopyOnWriteArrayList<>();
                c.states().subscribe(states::add);
                connections.add(c);
                seen.add(states);
                Dbs.insert(db, "before restart " + i);
            }
            await("the hub has the first records", () -> serverDb.count() == clients);

            server.stop().block(TIMEOUT);
            for (List<ConnectionState> states : seen) {
                await("RECONNECTING shown", () -> states.contains(ConnectionState.RECONNECTING));
            }
            // Written while the server is down: they must arrive after the restart.
            for (int i = 0; i < clients; i++) {
                Dbs.insert(dbs.get(i), "during the outage " + i);
            }
            Dbs.insert(serverDb, "on the server during the outage");

            server = BlazeServer.builder().database("Hub").host("127.0.0.1").port(port).localDB(serverDb).authToken(TOKEN).build();
            server.start().block(TIMEOUT);
            assertThat(server.tlsFingerprint()).as("the identity kept beside the database").isEqualTo(fingerprint);
            int total = 2 * clients + 1;
            await("the hub has everything", () -> serverDb.count() == total);
            for (BlazeDBClient db : dbs) {
                await(db.name() + " has everything", () -> db.count() == total);
            }
            for (SyncConnection c : connections) {
                assertThat(c.state()).isIn(ConnectionState.SYNCING, ConnectionState.IDLE);
            }
            Set<String> expected = Dbs.contents(serverDb);
            for (BlazeDBClient db : dbs) {
                assertThat(Dbs.contents(db)).isEqualTo(expected);
            }
        } finally {
            topology.close();
            server.close();
            dbs.forEach(BlazeDBClient::close);
            serverDb.close();
        }
    }
}
