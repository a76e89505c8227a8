package dev.blazedb.transport.uds;

import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The Unix socket transport on NIO with the JDK's {@code UnixDomainSocketAddress} passes the contract. */
class UdsNioTransportTest extends TransportTck {

    @TempDir
    Path dir;

    @Override
    protected ServerTransport serverTransport() {
        return UdsServerTransport.create(dir.resolve("tck.sock")).mode(UdsTransportMode.NIO);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return UdsClientTransport.create(dir.resolve("tck.sock")).mode(UdsTransportMode.NIO);
    }
}
