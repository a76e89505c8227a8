package dev.blazedb.transport.tcp;

import dev.blazedb.internal.tls.ServerTrust;
import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.time.Duration;

/** TCP with TLS 1.3 (self-signed identity, pinned fingerprint) passes the transport contract. */
class TcpTlsTransportTest extends TransportTck {

    static final TlsIdentity IDENTITY = TlsIdentity.selfSigned("tck");

    @Override
    protected ServerTransport serverTransport() {
        return TcpServerTransport.create("127.0.0.1", 0, TcpTransportTest.MAX_FRAME, IDENTITY, 1024);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return TcpClientTransport.secure("127.0.0.1", ((InetSocketAddress) server.address()).getPort(),
                TcpTransportTest.MAX_FRAME, Tls.client(ServerTrust.pinned(IDENTITY.fingerprint(), "tck"), false));
    }

    /** 100 TLS handshakes at once on a loaded 2-core machine take longer than the default 10 s. */
    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(30);
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
