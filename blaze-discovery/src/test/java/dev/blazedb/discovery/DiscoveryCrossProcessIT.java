package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.NodeId;
import dev.blazedb.discovery.DiscoveredDatabase.Change;
import dev.blazedb.it.ChildProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A server advertised by another JVM on this machine is found over mDNS on the loopback interface. */
class DiscoveryCrossProcessIT {

    private static final Duration MDNS = DiscoveryLoopbackIT.MDNS;

    @Test
    void aServerAdvertisedByAnotherProcessIsFoundWithItsFieldsAndRemovedWhenItStops() throws Exception {
        String db = DiscoveryLoopbackIT.uniqueName();
        NodeId node = NodeId.random();
        Advertisement expected = Advertisement.tls(db, 4343, node, DiscoveryLoopbackIT.FP);
        try (BlazeDiscovery browser = BlazeDiscovery.create(DiscoveryLoopbackIT.LOOPBACK);
                ChildProcess child = ChildProcess.start(AdvertisingChild.class, db, "4343", node.toString(), DiscoveryLoopbackIT.FP)) {
            StepVerifier.create(browser.browse().filter(d -> d.name().equals(db)))
                    .assertNext(found -> {
                        assertThat(found.change()).isEqualTo(Change.FOUND);
                        assertThat(found.host()).isEqualTo("127.0.0.1");
                        assertThat(found.port()).isEqualTo(4343);
                        assertThat(found.nodeId()).isEqualTo(node);
                        assertThat(found.tls()).isTrue();
                        assertThat(found.fingerprint()).contains(DiscoveryLoopbackIT.FP);
                        assertThat(found.instanceName()).isEqualTo(expected.instanceName());
                    })
                    .then(() -> {
                        try {
                            child.awaitLine(l -> l.equals("ADVERTISED " + expected.instanceName()), MDNS);
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        child.send("stop");
                    })
                    .thenConsumeWhile(d -> d.change() == Change.UPDATED)
                    .assertNext(gone -> assertThat(gone.change()).isEqualTo(Change.REMOVED))
                    .thenCancel()
                    .verify(MDNS.multipliedBy(2));
            child.awaitLine("CLOSED"::equals, MDNS);
            assertThat(child.waitFor(MDNS)).isZero();
        }
    }
}
