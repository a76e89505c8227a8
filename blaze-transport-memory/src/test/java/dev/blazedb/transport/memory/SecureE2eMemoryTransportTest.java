package dev.blazedb.transport.memory;

import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.ServerTransport;
import java.util.concurrent.atomic.AtomicInteger;

/** The secure session with end-to-end sealing keeps the whole transport contract, over the memory transport. */
class SecureE2eMemoryTransportTest extends TransportTck {

    private static final AtomicInteger SERVERS = new AtomicInteger();

    static final SecureSession.Config SERVER = SecureSession.Config.builder(NodeId.random(), "server-db")
            .token("tck-token").encryption(EncryptionMode.SMART_PROXY).build();
    static final SecureSession.Config CLIENT = SecureSession.Config.builder(NodeId.random(), "client-db")
            .token("tck-token").encryption(EncryptionMode.E2E_ONLY).build();

    @Override
    protected ServerTransport serverTransport() {
        return SecureSession.server(MemoryServerTransport.create("secure-e2e-" + SERVERS.incrementAndGet()), SERVER);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return SecureSession.client(MemoryClientTransport.create(((MemoryAddress) server.address()).name()), CLIENT);
    }

    /** Sealing is a map on the way: demand still passes straight through. */
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
