package dev.blazedb.transport.tcp;

import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.internal.tls.ServerTrust;
import dev.blazedb.test.TransportTck;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.time.Duration;

/** TCP with TLS 1.3 and the secure session sealing every frame end to end passes the transport contract. */
class TcpTlsE2eTransportTest extends TransportTck {

    private static final SecureSession.Config SERVER = SecureSession.Config.builder(NodeId.random(), "server-db")
            .token("tck-token").encryption(EncryptionMode.SMART_PROXY).build();
    private static final SecureSession.Config CLIENT = SecureSession.Config.builder(NodeId.random(), "client-db")
            .token("tck-token").encryption(EncryptionMode.E2E_ONLY).build();

    @Override
    protected ServerTransport serverTransport() {
        return SecureSession.server(TcpServerTransport.create("127.0.0.1", 0, TcpTransportTest.MAX_FRAME,
                TcpTlsTransportTest.IDENTITY, 1024), SERVER);
    }

    @Override
    protected ClientTransport clientTransport(BoundServer server) {
        return SecureSession.client(TcpClientTransport.secure("127.0.0.1", ((InetSocketAddress) server.address()).getPort(),
                TcpTransportTest.MAX_FRAME, Tls.client(ServerTrust.pinned(TcpTlsTransportTest.IDENTITY.fingerprint(), "tck"),
                        false)), CLIENT);
    }

    /** 100 TLS handshakes plus 100 ECDH handshakes at once take longer than 10 s on a loaded 2-core machine. */
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
