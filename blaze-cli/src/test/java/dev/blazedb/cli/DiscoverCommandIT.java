package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.NodeId;
import dev.blazedb.discovery.Advertisement;
import dev.blazedb.discovery.BlazeDiscovery;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code blaze discover} finds a server advertised over real mDNS on the loopback interface. */
class DiscoverCommandIT {

    private static final CliEnvironment EMPTY = CliEnvironment.of(Map.of());
    private static final Duration MDNS = Duration.ofSeconds(30);
    private static final String FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static BlazeDiscovery advertiser;

    @BeforeAll
    static void start() {
        advertiser = BlazeDiscovery.create(InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() {
        advertiser.close();
        advertiser.onClose().block(MDNS);
    }

    @Test
    void onceWithJsonPrintsTheFirstServerFoundAndExits() {
        String db = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        NodeId node = NodeId.random();
        Advertisement ad = Advertisement.tls(db, 4545, node, FP);
        advertiser.advertise(ad).block(MDNS);
        CliRun run = CliRun.run(EMPTY, "discover", "--interface", "127.0.0.1", "--name", db, "--once", "--json", "--timeout", "30");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out().strip()).isEqualTo("{\"change\":\"FOUND\",\"fingerprint\":\"" + FP + "\",\"host\":\"127.0.0.1\","
                + "\"instance\":\"" + ad.instanceName() + "\",\"name\":\"" + db + "\",\"nodeId\":\"" + node + "\",\"port\":4545,"
                + "\"protocolVersion\":1,\"tls\":true}");
        advertiser.unadvertise(ad).block(MDNS);
    }

    @Test
    void listsAServerAsItAppears() {
        String db = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        NodeId node = NodeId.random();
        advertiser.advertise(Advertisement.plain(db, 4546, node)).block(MDNS);
        CliRun run = CliRun.run(EMPTY, "discover", "--interface", "127.0.0.1", "--name", db, "--once", "--timeout", "30");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).isEqualTo("+ " + db + "  127.0.0.1:4546  node " + node + "  no TLS" + System.lineSeparator());
        assertThat(run.err()).contains("Looking for BlazeDB servers named " + db + " on 127.0.0.1 for 30 s");
        advertiser.unadvertise(Advertisement.plain(db, 4546, node)).block(MDNS);
    }

    @Test
    void onceFindingNothingExitsWithNotFound() {
        CliRun run = CliRun.run(EMPTY, "discover", "--interface", "127.0.0.1", "--name", "absent-" + UUID.randomUUID(), "--once",
                "--timeout", "2");
        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("no BlazeDB server named absent-", "found within 2 s");
    }
}
