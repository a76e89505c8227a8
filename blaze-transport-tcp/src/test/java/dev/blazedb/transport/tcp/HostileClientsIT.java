package dev.blazedb.transport.tcp;

import static dev.blazedb.transport.tcp.Dbs.TIMEOUT;
import static dev.blazedb.transport.tcp.Dbs.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.LimitExceededException;
import dev.blazedb.transport.SecureSession;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Bad input over real sockets: random bytes, a hostile length prefix, a handshake that never
 * finishes, a client that says nothing, too many connections. The server refuses each with an
 * error frame (or closes), stays up, and keeps serving a well-behaved client meanwhile.
 */
class HostileClientsIT {

    private static final String TOKEN = "hostile-token";

    private BlazeDBClient serverDb;
    private BlazeServer server;
    private BlazeServer tlsServer;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        serverDb = BlazeDBClient.inMemory("ServerDB");
        server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").localDB(serverDb).authToken(TOKEN)
                .tls(false).handshakeTimeout(Duration.ofMillis(800)).maxFrameLength(64 * 1024).maxConnections(40).build();
        server.start().block(TIMEOUT);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
        if (tlsServer != null) {
            tlsServer.close();
        }
        serverDb.close();
    }

    private Socket raw(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) TIMEOUT.toMillis());
        sockets.add(s);
        return s;
    }

    /** Reads frames until the server closes; returns the error code of its error frame, or -1. */
    private static int errorCodeThenClose(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int code = -1;
        try {
            while (true) {
                int length = in.readInt();
                int type = in.readUnsignedByte();
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == ErrorFrames.TYPE) {
                    code = ByteBuffer.wrap(payload).getInt();
                }
            }
        } catch (EOFException | SocketException closed) {
            return code;
        }
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** A well-behaved client syncs one record each way. */
    private void aGoodClientIsServed() {
        try (BlazeDBClient clientDb = BlazeDBClient.inMemory("Good-" + UUID.randomUUID());
             BlazeTopology topology = new BlazeTopology()) {
            NodeId me = topology.register(clientDb, "good", SyncRole.CLIENT).block(TIMEOUT);
            SyncConnection c = topology.connectRemote(me, RemoteNode.builder("127.0.0.1", server.port(), "ServerDB")
                    .useTLS(false).authToken(TOKEN).build(), new SyncPolicy()).block(TIMEOUT);
            UUID mine = Dbs.insert(clientDb, "from a good client");
            await("the good client's record reaches the server", () -> serverDb.fetch(mine).isPresent());
            c.disconnect().block(TIMEOUT);
        }
    }

    @Test
    @DisplayName("40 connections of random bytes are each closed; the server serves a good client afterwards")
    void randomBytes() throws Exception {
        SplittableRandom r = new SplittableRandom(0xB1A2E);
        for (int i = 0; i < 40; i++) {
            Socket s = raw(server.port());
            byte[] junk = new byte[r.nextInt(1, 4096)];
            r.nextBytes(junk);
            try {
                s.getOutputStream().write(junk);
                s.getOutputStream().flush();
            } catch (SocketException reset) {
                // the server already refused what it read and closed
            }
            errorCodeThenClose(s);
            assertThat(closedByServer(s)).as("closed by the server").isTrue();
        }
        aGoodClientIsServed();
    }

    @Test
    @DisplayName("a hostile length prefix is refused from the header with FRAME_TOO_LARGE, before any body is read")
    void hostileLengthPrefix() throws Exception {
        Socket s = raw(server.port());
        s.getOutputStream().write(ByteBuffer.allocate(5).putInt(0x7FFF_FFF0).put((byte) SecureSession.CLIENT_HELLO).array());
        s.getOutputStream().flush();
        assertThat(errorCodeThenClose(s)).isEqualTo(ErrorFrames.FRAME_TOO_LARGE);
        aGoodClientIsServed();
    }

    @Test
    @DisplayName("a silent client and a half-sent handshake are served others meanwhile, then closed with HANDSHAKE_TIMEOUT")
    void silentAndStuckClients() throws Exception {
        Socket silent = raw(server.port());
        Socket stuck = raw(server.port());
        // A header announcing a 100-byte hello, then only 10 bytes of it.
        stuck.getOutputStream().write(ByteBuffer.allocate(15).putInt(100).put((byte) SecureSession.CLIENT_HELLO).array());
        stuck.getOutputStream().flush();
        aGoodClientIsServed();
        assertThat(errorCodeThenClose(silent)).isEqualTo(ErrorFrames.HANDSHAKE_TIMEOUT);
        assertThat(errorCodeThenClose(stuck)).isEqualTo(ErrorFrames.HANDSHAKE_TIMEOUT);
    }

    @Test
    @DisplayName("past maxConnections a client is refused with LimitExceededException; once others leave it gets in")
    void tooManyConnections() throws Exception {
        server.close();
        server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").localDB(serverDb).authToken(TOKEN)
                .tls(false).maxConnections(3).handshakeTimeout(Duration.ofSeconds(30)).build();
        server.start().block(TIMEOUT);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(raw(server.port()));
        }
        try (BlazeDBClient clientDb = BlazeDBClient.inMemory("Late"); BlazeTopology topology = new BlazeTopology()) {
            NodeId me = topology.register(clientDb, "late", SyncRole.CLIENT).block(TIMEOUT);
            RemoteNode remote = RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").useTLS(false).authToken(TOKEN).build();
            await("the three raw connections are accepted", () -> {
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    probe.setSoTimeout(5000);
                    return errorCodeThenClose(probe) == ErrorFrames.LIMIT_EXCEEDED;
                } catch (IOException e) {
                    return false;
                }
            });
            StepVerifier.create(topology.connectRemote(me, remote, new SyncPolicy()))
                    .expectError(LimitExceededException.class)
                    .verify(TIMEOUT);
            for (Socket s : held) {
                s.close();
            }
            await("a slot frees up", () -> {
                try {
                    topology.connectRemote(me, remote, new SyncPolicy()).block(TIMEOUT).disconnect().block(TIMEOUT);
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }

    @Test
    @DisplayName("random bytes against the TLS port fail the TLS handshake; the TLS server then serves a good client")
    void randomBytesAgainstTls() throws Exception {
        tlsServer = BlazeServer.builder().database("ServerDB").host("127.0.0.1").localDB(serverDb).authToken(TOKEN).build();
        tlsServer.start().block(TIMEOUT);
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10; i++) {
            Socket s = raw(tlsServer.port());
            byte[] junk = new byte[r.nextInt(1, 2048)];
            r.nextBytes(junk);
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                while (in.read(buf) >= 0) {
                    // drain the TLS alert until the server closes
                }
            } catch (SocketException reset) {
                // closed
            }
        }
        try (BlazeDBClient clientDb = BlazeDBClient.inMemory("TlsGood"); BlazeTopology topology = new BlazeTopology()) {
            NodeId me = topology.register(clientDb, "good", SyncRole.CLIENT).block(TIMEOUT);
            topology.connectRemote(me, RemoteNode.builder("127.0.0.1", tlsServer.port(), "ServerDB").authToken(TOKEN)
                    .pinnedFingerprint(tlsServer.tlsFingerprint()).build(), new SyncPolicy()).block(TIMEOUT).disconnect().block(TIMEOUT);
        }
    }
}
