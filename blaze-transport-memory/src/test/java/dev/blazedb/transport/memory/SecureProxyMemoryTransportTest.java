package dev.blazedb.transport.memory;

import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.ServerTransport;
import java.util.concurrent.atomic.AtomicInteger;

/** The secure session in SMART_PROXY mode (authenticated, frames not sealed) keeps the transport contract. */
class SecureProxyMemoryTransportTest extends TransportTck {

    private static final AtomicInteger SERVERS = new AtomicInteger();

    private static final SecureSession.Config SERVER = SecureSession.Config.builder(NodeId.random(), "server-db")
            .token("tck-token").encryption(EncryptionMode.SMART_PROXY).build();
    private static final SecureSession.Config CLIENT = SecureSession.Config.builder(NodeId.random(), "client-db")
            .token("tck-token").encryption(EncryptionMode.SMART_PROXY).build();

    @Override
    protected ServerTransport serverTransport() {
        return SecureSession.server(MemoryServerTransport.create("secure-proxy-" + SERVERS.incrementAndGet()), SERVER);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return SecureSession.client(MemoryClientTransport.create(((MemoryAddress) server.address()).name()), CLIENT);
    }

    /**
     * Each connection's handshake costs about 4 ms of CPU (two P-256 key pairs, two agreements):
     * the 100-connection test needs more than the default 10 s on a loaded 2-core machine.
     */
    @Override
    protected java.time.Duration timeout() {
        return java.time.Duration.ofSeconds(30);
    }

    @Override
    protected long senderPrefetch() {
        return 0;
    }
}
