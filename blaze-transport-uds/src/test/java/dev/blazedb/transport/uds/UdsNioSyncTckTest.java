package dev.blazedb.transport.uds;

import dev.blazedb.test.SyncLinker;
import dev.blazedb.test.SyncTck;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The sync kit over a Unix socket on the NIO path (the JDK's {@code UnixDomainSocketAddress}). */
class UdsNioSyncTckTest extends SyncTck {

    @TempDir
    Path dir;

    @Override
    protected SyncLinker linker() {
        return UdsEpollSyncTckTest.linker(dir, UdsTransportMode.NIO);
    }
}
