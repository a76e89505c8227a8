package dev.blazedb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPolicyTest {

    @Test
    void defaultsAreAllCollectionsNoExclusionsNoRlsE2eBidirectional() {
        SyncPolicy p = new SyncPolicy();
        assertThat(p.collections()).isEmpty();
        assertThat(p.includes("anything")).isTrue();
        assertThat(p.excludeFields()).isEmpty();
        assertThat(p.respectRLS()).isFalse();
        assertThat(p.encryptionMode()).isEqualTo(EncryptionMode.E2E_ONLY);
        assertThat(p.mode()).isEqualTo(ConnectionMode.BIDIRECTIONAL);
        assertThat(p.peerContext()).isEmpty();
        assertThat(p).isEqualTo(SyncPolicy.defaults()).isEqualTo(SyncPolicy.builder().build());
    }

    @Test
    void theGuidesConstructorTakesNullForAllCollections() {
        SyncPolicy p = new SyncPolicy(null, false, EncryptionMode.E2E_ONLY);
        assertThat(p).isEqualTo(new SyncPolicy());
        SyncPolicy some = new SyncPolicy(List.of("notes", "tasks"), true, EncryptionMode.SMART_PROXY);
        assertThat(some.includes("notes")).isTrue();
        assertThat(some.includes("secrets")).isFalse();
        assertThat(some.respectRLS()).isTrue();
    }

    @Test
    void theBuilderSetsEverythingAndRefusesExcludingTheId() {
        SecurityContext ctx = SecurityContext.of("replica");
        SyncPolicy p = SyncPolicy.builder().collections("a", "b").excludeFields("ssn", "salary").respectRLS(true)
                .encryptionMode(EncryptionMode.SMART_PROXY).mode(ConnectionMode.READ_ONLY).peerContext(ctx).build();
        assertThat(p.collections()).containsExactly("a", "b");
        assertThat(p.excludeFields()).containsExactly("salary", "ssn");
        assertThat(p.mode()).isEqualTo(ConnectionMode.READ_ONLY);
        assertThat(p.peerContext()).contains(ctx);
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThatThrownBy(() -> SyncPolicy.builder().excludeFields("id")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modesSayWhichSideSends() {
        assertThat(ConnectionMode.BIDIRECTIONAL.fromSends()).isTrue();
        assertThat(ConnectionMode.BIDIRECTIONAL.toSends()).isTrue();
        assertThat(ConnectionMode.READ_ONLY.fromSends()).isTrue();
        assertThat(ConnectionMode.READ_ONLY.toSends()).isFalse();
        assertThat(ConnectionMode.WRITE_ONLY.fromSends()).isFalse();
        assertThat(ConnectionMode.WRITE_ONLY.toSends()).isTrue();
        assertThat(ConnectionState.CLOSED.isTerminal()).isTrue();
        assertThat(ConnectionState.RECONNECTING.isTerminal()).isFalse();
    }
}
