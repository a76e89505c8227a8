package dev.blazedb.transport.memory;

import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.ServerTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole transport contract through the secure session over the memory transport; a subclass
 * names the client's {@link EncryptionMode} (the server follows it: {@code SMART_PROXY}).
 */
abstract class SecureMemoryTransportTck extends TransportTck {

    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final SecureSession.Config SERVER = SecureSession.Config.builder(NodeId.random(), "server-db")
            .token("tck-token").encryption(EncryptionMode.SMART_PROXY).build();

    private final SecureSession.Config client;

    SecureMemoryTransportTck(EncryptionMode clientMode) {
        this.client = SecureSession.Config.builder(NodeId.random(), "client-db").token("tck-token").encryption(clientMode).build();
    }

    @Override
    protected ServerTransport serverTransport() {
        return SecureSession.server(MemoryServerTransport.create("secure-" + client.encryption() + "-" + SERVERS.incrementAndGet()),
                SERVER);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return SecureSession.client(MemoryClientTransport.create(((MemoryAddress) server.address()).name()), client);
    }

    /**
     * Each connection's handshake costs about 4 ms of CPU (two P-256 key pairs, two agreements):
     * the 100-connection test needs more than the default 10 s on a loaded 2-core machine.
     */
    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** Sealing is a map on the way: demand still passes straight through. */
    @Override
    protected long senderPrefetch() {
        return 0;
    }
}
