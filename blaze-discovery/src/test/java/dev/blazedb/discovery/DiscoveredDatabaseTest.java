package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncProtocol;
import dev.blazedb.discovery.DiscoveredDatabase.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveredDatabaseTest {

    private static final String FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final NodeId NODE = NodeId.random();

    private static DiscoveredDatabase found(boolean tls, String fingerprint, List<String> addresses) {
        return new DiscoveredDatabase("db [x:1]", "Database1", addresses, 7420, NODE, SyncProtocol.VERSION, tls, fingerprint,
                Change.FOUND);
    }

    @Test
    void toRemoteNodeCarriesTheAdvertisedTlsSettingAndPinsTheAdvertisedFingerprint() {
        RemoteNode remote = found(true, FP, List.of("192.0.2.7", "fe80::1")).toRemoteNode("token");
        assertThat(remote.host()).isEqualTo("192.0.2.7");
        assertThat(remote.port()).isEqualTo(7420);
        assertThat(remote.database()).isEqualTo("Database1");
        assertThat(remote.useTLS()).isTrue();
        assertThat(remote.pinnedFingerprint()).contains(FP);
        assertThat(remote.authToken()).contains("token");
    }

    @Test
    void toRemoteNodeWithoutAnAdvertisedFingerprintTrustsOnFirstUse() {
        RemoteNode remote = found(true, null, List.of("192.0.2.7")).toRemoteNode(null);
        assertThat(remote.useTLS()).isTrue();
        assertThat(remote.pinnedFingerprint()).isEmpty();
        assertThat(remote.authToken()).isEmpty();
    }

    @Test
    void toRemoteNodeOfAServerWithoutTlsUsesNone() {
        RemoteNode remote = found(false, null, List.of("fe80::1")).toRemoteNode("token");
        assertThat(remote.useTLS()).isFalse();
        assertThat(remote.pinnedFingerprint()).isEmpty();
        assertThat(remote.address()).isEqualTo("[fe80::1]:7420");
    }

    @Test
    void valuesCompareByAllFieldsAndChangeKeepsTheData() {
        DiscoveredDatabase found = found(true, FP, List.of("192.0.2.7"));
        DiscoveredDatabase removed = found.as(Change.REMOVED);
        assertThat(removed.isRemoved()).isTrue();
        assertThat(removed.sameData(found)).isTrue();
        assertThat(removed).isNotEqualTo(found);
        assertThat(removed.as(Change.FOUND)).isEqualTo(found).hasSameHashCodeAs(found);
        assertThat(found.toString()).contains("FOUND Database1 at 192.0.2.7:7420", FP);
    }
}
