package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.NodeId;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.discovery.DiscoveredDatabase.Change;
import dev.blazedb.it.ChildProcess;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A server in another JVM advertises itself ({@code BlazeServer.builder().advertise(true)}); this
 * JVM finds it over mDNS on the loopback interface, connects with
 * {@link DiscoveredDatabase#toRemoteNode(String)} and syncs both ways.
 */
class DiscoveryTcpCrossProcessIT {

    private static final Duration MDNS = DiscoveryLoopbackIT.MDNS;
    /** Generous: on a loaded shared machine starting a server alone has taken 20 s. */
    private static final Duration SYNC = Duration.ofSeconds(60);

    @Test
    void aServerInAnotherProcessIsFoundConnectedAndSynced() throws Exception {
        String name = DiscoveryLoopbackIT.uniqueName();
        try (ChildProcess child = ChildProcess.start(ServingChild.class, name, DiscoveryTcpIT.TOKEN);
                BlazeDiscovery browser = BlazeDiscovery.create(DiscoveryLoopbackIT.LOOPBACK);
                BlazeDBClient clientDb = BlazeDBClient.inMemory("client");
                BlazeTopology topology = new BlazeTopology()) {
            String[] serving = child.awaitLine(l -> l.startsWith("SERVING "), SYNC).split(" ");
            DiscoveredDatabase found = browser.browse().filter(d -> d.name().equals(name) && !d.isRemoved()).blockFirst(MDNS);
            assertThat(found).isNotNull();
            assertThat(found.host()).isEqualTo("127.0.0.1");
            assertThat(found.port()).isEqualTo(Integer.parseInt(serving[1]));
            assertThat(found.nodeId()).isEqualTo(NodeId.parse(serving[2]));
            assertThat(found.tls()).isTrue();
            assertThat(found.fingerprint()).contains(serving[3]);

            NodeId client = topology.register(clientDb, "client", SyncRole.CLIENT).block(SYNC);
            topology.connectRemote(client, found.toRemoteNode(DiscoveryTcpIT.TOKEN), new SyncPolicy()).block(SYNC);
            UUID mine = clientDb.insert(BlazeDataRecord.builder().put("message", "from the parent").build());
            child.awaitLine(("GOT " + mine)::equals, SYNC);
            child.send("insert");
            UUID theirs = UUID.fromString(child.awaitLine(l -> l.startsWith("INSERTED "), SYNC).substring("INSERTED ".length()));
            Await.until("the child's record here", SYNC, () -> clientDb.fetch(theirs).isPresent());

            StepVerifier.create(browser.browse().filter(d -> d.instanceName().equals(found.instanceName())))
                    .expectNextMatches(d -> d.change() == Change.FOUND)
                    .then(() -> child.send("stop"))
                    .thenConsumeWhile(d -> d.change() == Change.UPDATED)
                    .expectNextMatches(DiscoveredDatabase::isRemoved)
                    .thenCancel()
                    .verify(MDNS.multipliedBy(2));
            child.awaitLine("STOPPED"::equals, SYNC);
            assertThat(child.waitFor(SYNC)).isZero();
        }
    }
}
