package dev.blazedb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.transport.TransportNotFoundException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** blaze-core alone has no transport: the topology says which artifact to add. */
class TopologyWithoutTransportsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void connectLocalWithoutTheMemoryTransportNamesTheArtifact() {
        try (BlazeDBClient a = BlazeDBClient.inMemory("a"); BlazeDBClient b = BlazeDBClient.inMemory("b");
             BlazeTopology t = new BlazeTopology()) {
            NodeId ia = t.register(a, "a", SyncRole.SERVER).block(TIMEOUT);
            NodeId ib = t.register(b, "b", SyncRole.CLIENT).block(TIMEOUT);
            assertThatThrownBy(() -> t.connectLocal(ia, ib, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(BlazeException.class)
                    .isInstanceOf(TransportNotFoundException.class)
                    .hasMessageContaining("dev.blazedb:blaze-transport-memory");
            assertThat(t.connections()).isEmpty();
        }
    }

    @Test
    void crossAppWithoutTheUnixSocketTransportNamesTheArtifact() {
        try (BlazeDBClient a = BlazeDBClient.inMemory("a"); BlazeTopology t = new BlazeTopology()) {
            NodeId ia = t.register(a, "a", SyncRole.SERVER).block(TIMEOUT);
            assertThatThrownBy(() -> t.listenCrossApp(ia, "/tmp/never-bound.sock").block(TIMEOUT))
                    .isInstanceOf(TransportNotFoundException.class)
                    .hasMessageContaining("dev.blazedb:blaze-transport-uds");
            assertThatThrownBy(() -> t.connectCrossApp(ia, "/tmp/never-bound.sock", ConnectionMode.BIDIRECTIONAL)
                    .block(TIMEOUT))
                    .isInstanceOf(BlazeException.class)
                    .hasMessageContaining("dev.blazedb:blaze-transport-uds");
            assertThat(t.connections()).isEmpty();
        }
    }

    @Test
    void unknownNodesAndRepeatedRegistrations() {
        try (BlazeDBClient a = BlazeDBClient.inMemory("a"); BlazeTopology t = new BlazeTopology()) {
            NodeId ia = t.register(a, "a", SyncRole.SERVER).block(TIMEOUT);
            assertThat(ia).isEqualTo(a.nodeId());
            assertThat(t.register(a, "a again", SyncRole.CLIENT).block(TIMEOUT)).isEqualTo(ia);
            assertThat(t.nodes()).hasSize(1);
            NodeId ghost = NodeId.random();
            assertThatThrownBy(() -> t.connectLocal(ia, ghost, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(NodeNotFoundException.class).hasMessageContaining(ghost.toString());
            assertThatThrownBy(() -> t.connect(ghost, () -> reactor.core.publisher.Mono.never(), new SyncPolicy()).block(TIMEOUT))
                    .isInstanceOf(NodeNotFoundException.class);
        }
    }
}
