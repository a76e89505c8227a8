package dev.blazedb.transport.memory;

import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The memory transport passes the transport contract, with no prefetch at all. */
class MemoryTransportTest extends TransportTck {

    private static final AtomicInteger SERVERS = new AtomicInteger();

    @Override
    protected ServerTransport serverTransport() {
        return MemoryServerTransport.create("tck-" + SERVERS.incrementAndGet());
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return MemoryClientTransport.create(((MemoryAddress) server.address()).name());
    }

    /** Demand goes straight through: a sender is never asked for more than its receiver requested. */
    @Override
    protected long senderPrefetch() {
        return 0;
    }

    /** Delivery is synchronous, so nothing can show up late. */
    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(50);
    }
}
