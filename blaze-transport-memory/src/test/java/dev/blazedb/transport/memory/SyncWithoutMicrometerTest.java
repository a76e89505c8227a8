package dev.blazedb.transport.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency of blaze-core and is not on this module's class path:
 * topologies, sync and their status work without it.
 */
class SyncWithoutMicrometerTest {

    @Test
    void syncWorksWithoutMicrometerOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
        Duration timeout = Duration.ofSeconds(30);
        try (BlazeDBClient a = BlazeDBClient.inMemory("a"); BlazeDBClient b = BlazeDBClient.inMemory("b");
             BlazeTopology topology = new BlazeTopology(BlazeTopology.Options.builder().build())) {
            NodeId ia = topology.register(a, "a", SyncRole.SERVER).block(timeout);
            NodeId ib = topology.register(b, "b", SyncRole.CLIENT).block(timeout);
            SyncConnection conn = topology.connectLocal(ia, ib, ConnectionMode.BIDIRECTIONAL).block(timeout);
            UUID id = a.insert(BlazeDataRecord.builder().put("m", "x").build());
            conn.awaitIdle().block(timeout);
            assertTrue(b.fetch(id).isPresent());
            assertEquals(1, conn.status().sent());
        }
    }
}
