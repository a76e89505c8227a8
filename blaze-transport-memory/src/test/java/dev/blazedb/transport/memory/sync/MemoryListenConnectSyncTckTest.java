package dev.blazedb.transport.memory.sync;

import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.test.ConvergenceCheck;
import dev.blazedb.test.SyncLinker;
import dev.blazedb.test.SyncTck;
import dev.blazedb.transport.memory.MemoryAddress;
import dev.blazedb.transport.memory.MemoryClientTransport;
import dev.blazedb.transport.memory.MemoryServerTransport;
import org.junit.jupiter.api.Test;

/**
 * The sync kit over {@code listen} + {@code connect} on memory transports instead of
 * {@code connectLocal}: the path a socket transport takes (one node serves, the other connects
 * to the bound address and learns its peer in the handshake), so the kit itself is shown to work
 * for the transports that plug in through {@link SyncLinker#listenAndConnect}.
 */
class MemoryListenConnectSyncTckTest extends SyncTck {

    private static final SyncLinker LINKER = SyncLinker.listenAndConnect(MemoryServerTransport::create,
            address -> MemoryClientTransport.create(((MemoryAddress) address).name()));

    @Override
    protected SyncLinker linker() {
        return LINKER;
    }

    @Test
    void randomSchedulesConvergeOverListenAndConnectToo() {
        // fewer than ConvergencePropertyTest's 200: this checks the linker path, not the merge again
        ConvergenceCheck check = ConvergenceCheck.over(LINKER);
        PropertyCheck.forAll("sync convergence over listen/connect", 30, ConvergenceCheck::schedule, check::run);
    }
}
