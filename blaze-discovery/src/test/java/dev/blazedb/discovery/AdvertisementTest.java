package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.NodeId;
import dev.blazedb.SyncProtocol;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdvertisementTest {

    private static final NodeId NODE = NodeId.of(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"));
    private static final String FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void instanceNameCarriesTheNodeIdPrefixAndPort() {
        assertThat(Advertisement.plain("Database1", 4242, NODE).instanceName()).isEqualTo("Database1 [0f8fad5b:4242]");
    }

    @Test
    void twoServersWithOneDatabaseNameGetDistinctInstanceNames() {
        Advertisement a = Advertisement.plain("shared", 4000, NodeId.random());
        Advertisement b = Advertisement.plain("shared", 4000, NodeId.random());
        Advertisement c = Advertisement.plain("shared", 4001, a.nodeId());
        assertThat(a.instanceName()).isNotEqualTo(b.instanceName()).isNotEqualTo(c.instanceName());
    }

    @Test
    void instanceNameFitsOneDnsLabelAndNeverSplitsACharacter() {
        String longName = "\u00e9\u6771".repeat(20) + "\uD83D\uDE00"; // 2- and 3-byte characters, then a surrogate pair
        String instance = Advertisement.plain(longName, 65535, NODE).instanceName();
        assertThat(instance.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(instance).endsWith(" [0f8fad5b:65535]");
        String kept = instance.substring(0, instance.indexOf(" ["));
        assertThat(longName).startsWith(kept);
    }

    @Test
    void dotsAndControlCharactersAreReplacedInTheInstanceNameOnly() {
        Advertisement ad = Advertisement.plain("my.db\n", 1, NODE);
        assertThat(ad.instanceName()).startsWith("my-db- [");
        assertThat(ad.database()).isEqualTo("my.db\n");
    }

    @Test
    void fingerprintIsNormalisedToLowercaseHexWithoutColons() {
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < FP.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(FP, i, i + 2);
        }
        Advertisement ad = Advertisement.tls("db", 1, NODE, colons.toString().toUpperCase());
        assertThat(ad.fingerprint()).isEqualTo(FP);
        assertThat(ad.fingerprintIfAny()).contains(FP);
        assertThat(ad.protocolVersion()).isEqualTo(SyncProtocol.VERSION);
    }

    @Test
    void badFieldsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Advertisement.plain(" ", 1, NODE)).hasMessageContaining("blank");
        assertThatThrownBy(() -> Advertisement.plain("x".repeat(253), 1, NODE)).hasMessageContaining("253 bytes");
        assertThatThrownBy(() -> Advertisement.plain("db", 0, NODE)).hasMessageContaining("port 0");
        assertThatThrownBy(() -> Advertisement.plain("db", 65536, NODE)).hasMessageContaining("port 65536");
        assertThatThrownBy(() -> new Advertisement("db", 1, NODE, false, FP)).hasMessageContaining("only with TLS");
        assertThatThrownBy(() -> Advertisement.tls("db", 1, NODE, FP.substring(1))).hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> Advertisement.tls("db", 1, NODE, FP.replace('a', 'g'))).hasMessageContaining("SHA-256");
        assertThat(Advertisement.plain("x".repeat(252), 1, NODE).database()).hasSize(252);
    }
}
