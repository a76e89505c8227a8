package dev.blazedb.transport.memory.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.ConnectionMode;
import dev.blazedb.SyncRole;
import dev.blazedb.test.SyncCluster;
import dev.blazedb.test.SyncLinker;
import dev.blazedb.test.SyncTck;
import org.junit.jupiter.api.Test;

/** The sync kit's contract (the guide's examples, propagation) over {@code connectLocal}. */
class MemorySyncTckTest extends SyncTck {

    @Override
    protected SyncLinker linker() {
        return SyncLinker.local();
    }

    @Test
    void aHubWithFiveLocalSpokesHoldsExactlyFiveConnections() {
        try (SyncCluster c = cluster()) {
            c.add("Server", SyncRole.SERVER);
            for (int i = 1; i <= 5; i++) {
                c.add("Client" + i, SyncRole.CLIENT);
                c.link(0, i, ConnectionMode.BIDIRECTIONAL);
            }
            // connectLocal: one SyncConnection per link, both ends in this topology
            assertThat(c.topology().connections()).hasSize(5);
        }
    }
}
