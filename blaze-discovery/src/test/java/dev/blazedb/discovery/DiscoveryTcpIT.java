package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.discovery.DiscoveredDatabase.Change;
import dev.blazedb.transport.tcp.BlazeServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A real {@link BlazeServer} (TLS, token) advertised over mDNS on the loopback interface is
 * found, connected through {@link DiscoveredDatabase#toRemoteNode(String)} and synced both ways,
 * in one JVM.
 */
class DiscoveryTcpIT {

    private static final Duration MDNS = DiscoveryLoopbackIT.MDNS;
    /** Generous: on a loaded shared machine starting a server alone has taken 20 s. */
    private static final Duration SYNC = Duration.ofSeconds(60);
    static final String TOKEN = "discovery-it-token";

    @Test
    void aServerAdvertisingItselfIsFoundConnectedAndSyncedThroughToRemoteNode() throws Exception {
        String name = DiscoveryLoopbackIT.uniqueName();
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory(name);
                BlazeDBClient clientDb = BlazeDBClient.inMemory("client");
                BlazeServer server = BlazeServer.builder().database(name).host("127.0.0.1").port(0).localDB(serverDb)
                        .authToken(TOKEN).advertise(true).build();
                BlazeDiscovery browser = BlazeDiscovery.create(DiscoveryLoopbackIT.LOOPBACK);
                BlazeTopology topology = new BlazeTopology()) {
            server.start().block(SYNC);
            DiscoveredDatabase found = browser.browse().filter(d -> d.name().equals(name) && !d.isRemoved()).blockFirst(MDNS);
            assertThat(found).isNotNull();
            assertThat(found.host()).isEqualTo("127.0.0.1");
            assertThat(found.port()).isEqualTo(server.port());
            assertThat(found.nodeId()).isEqualTo(serverDb.nodeId());
            assertThat(found.tls()).isTrue();
            assertThat(found.fingerprint()).contains(server.tlsFingerprint());

            RemoteNode remote = found.toRemoteNode(TOKEN);
            assertThat(remote.useTLS()).isTrue();
            assertThat(remote.pinnedFingerprint()).contains(server.tlsFingerprint());
            assertThat(remote.database()).isEqualTo(name);

            NodeId client = topology.register(clientDb, "client", SyncRole.CLIENT).block(SYNC);
            SyncConnection connection = topology.connectRemote(client, remote, new SyncPolicy()).block(SYNC);
            assertThat(connection).isNotNull();
            UUID fromServer = serverDb.insert(BlazeDataRecord.builder().put("message", "from the server").build());
            UUID fromClient = clientDb.insert(BlazeDataRecord.builder().put("message", "from the client").build());
            Await.until("both records on both sides", SYNC,
                    () -> clientDb.fetch(fromServer).isPresent() && serverDb.fetch(fromClient).isPresent());

            StepVerifier.create(browser.browse().filter(d -> d.instanceName().equals(found.instanceName())))
                    .expectNextMatches(d -> d.change() == Change.FOUND)
                    .then(() -> server.stop().block(SYNC))
                    .thenConsumeWhile(d -> d.change() == Change.UPDATED)
                    .expectNextMatches(DiscoveredDatabase::isRemoved)
                    .thenCancel()
                    .verify(MDNS.multipliedBy(2));
        }
    }
}
