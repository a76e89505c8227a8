package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.NodeId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTxtTest {

    private static final String FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final NodeId NODE = NodeId.random();

    @Test
    void aWrittenRecordReadsBackComplete() {
        Advertisement ad = Advertisement.tls("Datenbank \u00fc", 4242, NODE, FP);
        assertThat(ServiceTxt.of(ad)).containsOnlyKeys("txtvers", "db", "node", "pv", "tls", "fp");
        assertThat(ServiceTxt.parse(ServiceTxt.of(ad)))
                .isEqualTo(new ServiceTxt.Complete("Datenbank \u00fc", NODE, ad.protocolVersion(), true, FP));
        Advertisement plain = Advertisement.plain("db", 1, NODE);
        assertThat(ServiceTxt.of(plain)).doesNotContainKey("fp").containsEntry("tls", "0");
        assertThat(ServiceTxt.parse(ServiceTxt.of(plain)))
                .isEqualTo(new ServiceTxt.Complete("db", NODE, plain.protocolVersion(), false, null));
    }

    @Test
    void aRecordWithoutTheRequiredKeysIsIncomplete() {
        assertThat(ServiceTxt.parse(Map.of())).isEqualTo(new ServiceTxt.Incomplete(java.util.List.of("db", "node", "pv", "tls")));
        Map<String, String> txt = new HashMap<>(ServiceTxt.of(Advertisement.plain("db", 1, NODE)));
        txt.remove("node");
        assertThat(ServiceTxt.parse(txt)).isEqualTo(new ServiceTxt.Incomplete(java.util.List.of("node")));
    }

    @Test
    void tlsWithoutAFingerprintIsComplete() {
        Map<String, String> txt = new HashMap<>(ServiceTxt.of(Advertisement.tls("db", 1, NODE, FP)));
        txt.remove("fp");
        assertThat(ServiceTxt.parse(txt)).isEqualTo(new ServiceTxt.Complete("db", NODE, 1, true, null));
    }

    @Test
    void malformedEntriesAreInvalidWithTheReason() {
        assertInvalid("node", "not-a-uuid", "node is not a UUID: 'not-a-uuid'");
        assertInvalid("pv", "one", "pv is not a number: 'one'");
        assertInvalid("pv", "-1", "pv is negative: -1");
        assertInvalid("tls", "yes", "tls is neither 0 nor 1: 'yes'");
        assertInvalid("fp", "abc", "fp is not a SHA-256 digest in hex: 'abc'");
        assertInvalid("txtvers", "2", "TXT layout txtvers=2 is not 1");
        assertInvalid("db", "  ", "db is blank");
        assertInvalid("node", "x".repeat(1000), "node is not a UUID: '" + "x".repeat(80) + "...'");
        Map<String, String> fpWithoutTls = new HashMap<>(ServiceTxt.of(Advertisement.plain("db", 1, NODE)));
        fpWithoutTls.put("fp", FP);
        assertThat(ServiceTxt.parse(fpWithoutTls)).isEqualTo(new ServiceTxt.Invalid("fp given with tls=0"));
    }

    private static void assertInvalid(String key, String value, String reason) {
        Map<String, String> txt = new HashMap<>(ServiceTxt.of(Advertisement.tls("db", 1, NODE, FP)));
        txt.put(key, value);
        assertThat(ServiceTxt.parse(txt)).isEqualTo(new ServiceTxt.Invalid(reason));
    }
}
