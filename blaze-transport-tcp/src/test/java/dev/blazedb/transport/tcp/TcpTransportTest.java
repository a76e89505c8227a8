package dev.blazedb.transport.tcp;

import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import java.net.InetSocketAddress;

/** Plain TCP (no TLS, no secure session) passes the transport contract on loopback. */
class TcpTransportTest extends TransportTck {

    static final int MAX_FRAME = 1 << 20;

    @Override
    protected ServerTransport serverTransport() {
        return TcpServerTransport.create("127.0.0.1", 0, MAX_FRAME, (TlsIdentity) null, 1024);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return TcpClientTransport.create("127.0.0.1", ((InetSocketAddress) server.address()).getPort(), MAX_FRAME);
    }

    /**
     * The kernel's socket buffers (1 MiB each way, which Linux doubles: about 64 frames of 64 KiB)
     * come on top of the framing's 32-frame receive prefetch and 32-frame send batch.
     */
    @Override
    protected long senderPrefetch() {
        return 160;
    }
}
