package dev.blazedb.transport.uds;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The Unix socket transport on epoll with Netty's {@code DomainSocketAddress} passes the contract. */
class UdsEpollTransportTest extends TransportTck {

    @TempDir
    Path dir;

    @Override
    protected ServerTransport serverTransport() {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        return UdsServerTransport.create(dir.resolve("tck.sock")).mode(UdsTransportMode.EPOLL);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return UdsClientTransport.create(dir.resolve("tck.sock")).mode(UdsTransportMode.EPOLL);
    }
}
