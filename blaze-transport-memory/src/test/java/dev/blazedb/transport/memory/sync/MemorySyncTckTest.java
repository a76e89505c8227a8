package dev.blazedb.transport.memory.sync;

import dev.blazedb.test.SyncLinker;
import dev.blazedb.test.SyncTck;

/** The sync kit's contract (the guide's examples, propagation) over {@code connectLocal}. */
class MemorySyncTckTest extends SyncTck {

    @Override
    protected SyncLinker linker() {
        return SyncLinker.local();
    }
}
