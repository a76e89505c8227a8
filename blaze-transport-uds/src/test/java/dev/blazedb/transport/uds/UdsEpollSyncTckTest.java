package dev.blazedb.transport.uds;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.blazedb.test.SyncLinker;
import dev.blazedb.test.SyncTck;
import io.netty.channel.epoll.Epoll;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync kit's examples and propagation tests over a Unix socket on epoll: one node listens on
 * a socket in the test's private directory, the other connects to it (the path
 * {@code listenCrossApp} / {@code connectCrossApp} take).
 */
class UdsEpollSyncTckTest extends SyncTck {

    @TempDir
    Path dir;

    @BeforeEach
    void needsEpoll() {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    }

    @Override
    protected SyncLinker linker() {
        return linker(dir, UdsTransportMode.EPOLL);
    }

    /** Each link listens on a socket of its own in {@code dir}. */
    static SyncLinker linker(Path dir, UdsTransportMode mode) {
        return SyncLinker.listenAndConnect(
                name -> UdsServerTransport.create(dir.resolve(name + ".sock")).mode(mode),
                address -> UdsClientTransport.create(((UnixDomainSocketAddress) address).getPath()).mode(mode));
    }
}
