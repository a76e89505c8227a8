package dev.blazedb.transport.tcp;

import static dev.blazedb.transport.tcp.Dbs.TIMEOUT;
import static dev.blazedb.transport.tcp.Dbs.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.CertificateMismatchException;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.MissingTokenException;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * The original guide's TCP example over real sockets on loopback, and the ways a connection must
 * be refused: each with its specific error and not one change applied on either side.
 */
class BlazeServerIT {

    private static final String TOKEN = "secret-token-7Yq2";

    @TempDir
    Path dir;

    private BlazeDBClient serverDb;
    private BlazeDBClient clientDb;
    private BlazeServer server;
    private BlazeTopology topology;

    @BeforeEach
    void start() {
        serverDb = Dbs.open(dir, "ServerDB");
        clientDb = Dbs.open(dir, "ClientDB");
        server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").port(0).localDB(serverDb).authToken(TOKEN).build();
        server.start().block(TIMEOUT);
        topology = new BlazeTopology();
    }

    @AfterEach
    void stop() {
        topology.close();
        server.close();
        clientDb.close();
        serverDb.close();
    }

    private NodeId clientNode() {
        return topology.register(clientDb, "ClientDB", SyncRole.CLIENT).block(TIMEOUT);
    }

    @Test
    @DisplayName("the guide's TCP example: TLS and a token, a write on the server reaches the client and the reverse")
    void guideExample() {
        // Server side (the guide): BlazeServer(database: "ServerDB", port: 8080, localDB: db, authToken: "secret-token")
        assertThat(server.port()).isPositive();
        assertThat(server.tlsFingerprint()).hasSize(64);
        assertThat(TlsIdentity.fileFor(dir.resolve("ServerDB.blazedb"))).exists();
        UUID before = Dbs.insert(serverDb, "written before the client came");

        // Client side: RemoteNode(host, port, database, useTLS: true, authToken) and connectRemote.
        NodeId me = clientNode();
        RemoteNode remote = RemoteNode.builder("127.0.0.1", server.port(), "ServerDB")
                .authToken(TOKEN).pinnedFingerprint(server.tlsFingerprint()).build();
        SyncConnection c = topology.connectRemote(me, remote, new SyncPolicy()).block(TIMEOUT);
        assertThat(c.remoteNode().block(TIMEOUT)).isEqualTo(serverDb.nodeId());

        UUID fromServer = Dbs.insert(serverDb, "Hello from the server");
        UUID fromClient = Dbs.insert(clientDb, "Hello from the client");
        await("the server's writes reach the client", () -> clientDb.fetch(fromServer).isPresent() && clientDb.fetch(before).isPresent());
        await("the client's write reaches the server", () -> serverDb.fetch(fromClient).isPresent());
        assertThat(clientDb.fetch(fromServer).get().string("message")).contains("Hello from the server");
        c.awaitIdle().block(TIMEOUT);
        assertThat(Dbs.contents(clientDb)).isEqualTo(Dbs.contents(serverDb));
    }

    @Test
    @DisplayName("trust on first use: the fingerprint is remembered beside the client's database and a second connection passes")
    void trustOnFirstUse() throws Exception {
        NodeId me = clientNode();
        RemoteNode remote = new RemoteNode("127.0.0.1", server.port(), "ServerDB", true, TOKEN);
        SyncConnection c = topology.connectRemote(me, remote, new SyncPolicy()).block(TIMEOUT);
        Path knownHosts = dir.resolve("ClientDB.blazedb.known-hosts");
        await("known hosts written", () -> Files.exists(knownHosts));
        assertThat(Files.readString(knownHosts)).contains(server.tlsFingerprint()).contains("127.0.0.1:" + server.port() + "/ServerDB");
        c.disconnect().block(TIMEOUT);
        topology.connectRemote(me, remote, new SyncPolicy()).block(TIMEOUT).disconnect().block(TIMEOUT);
    }

    @Test
    @DisplayName("a wrong token fails with InvalidTokenException and neither database changes")
    void wrongToken() {
        refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken("wrong-token")
                .pinnedFingerprint(server.tlsFingerprint()).build(), InvalidTokenException.class);
    }

    @Test
    @DisplayName("a missing token fails with MissingTokenException and neither database changes")
    void missingToken() {
        refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB")
                .pinnedFingerprint(server.tlsFingerprint()).build(), MissingTokenException.class);
    }

    @Test
    @DisplayName("a wrong pinned fingerprint fails with CertificateMismatchException and neither database changes")
    void wrongFingerprint() {
        refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(TOKEN)
                .pinnedFingerprint("00".repeat(32)).build(), CertificateMismatchException.class);
    }

    @Test
    @DisplayName("a server with a certificate from the user's CA: a client trusting that CA syncs both ways, host name checked")
    void trustedCa() {
        TestCa ca = new TestCa("Blaze Test CA");
        serveWith(ca.issue("ServerDB"));
        UUID fromServer = Dbs.insert(serverDb, "from the server");
        SyncConnection c = topology.connectRemote(clientNode(), RemoteNode.builder("127.0.0.1", server.port(), "ServerDB")
                .authToken(TOKEN).trustedCertificates(ca.certificate()).build(), new SyncPolicy()).block(TIMEOUT);
        UUID fromClient = Dbs.insert(clientDb, "from the client");
        await("the records cross", () -> clientDb.fetch(fromServer).isPresent() && serverDb.fetch(fromClient).isPresent());
        c.awaitIdle().block(TIMEOUT);
        assertThat(Dbs.contents(clientDb)).isEqualTo(Dbs.contents(serverDb));
        assertThat(dir.resolve("ClientDB.blazedb.known-hosts")).as("CA trust remembers nothing").doesNotExist();
    }

    @Test
    @DisplayName("a certificate from another CA fails with CertificateMismatchException and neither database changes")
    void otherCa() {
        serveWith(new TestCa("Blaze Test CA").issue("ServerDB"));
        Throwable e = refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(TOKEN)
                .trustedCertificates(new TestCa("Another CA").certificate()).build(), CertificateMismatchException.class);
        assertThat(e).hasMessageContaining("is not signed by a trusted certificate");
        assertThat(((CertificateMismatchException) e).actualFingerprint()).isEqualTo(server.tlsFingerprint());
    }

    @Test
    @DisplayName("with CA trust an expired server certificate is refused, saying it expired, and neither database changes")
    void expiredWithCa() {
        TestCa ca = new TestCa("Blaze Test CA");
        Instant now = Instant.now();
        serveWith(ca.issue("ServerDB", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), TlsIdentity.LOOPBACK_NAMES));
        Throwable e = refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(TOKEN)
                .trustedCertificates(ca.certificate()).build(), CertificateMismatchException.class);
        assertThat(e).hasMessageContaining("expired on");
    }

    @Test
    @DisplayName("with CA trust a certificate for another host name is refused, naming the host, and neither database changes")
    void wrongHostWithCa() {
        TestCa ca = new TestCa("Blaze Test CA");
        Instant now = Instant.now();
        serveWith(ca.issue("ServerDB", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)),
                List.of(new GeneralName(GeneralName.dNSName, "db.example.com"))));
        Throwable e = refused(RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(TOKEN)
                .trustedCertificates(ca.certificate()).build(), CertificateMismatchException.class);
        assertThat(e).hasMessageContaining("is not issued for the host name '127.0.0.1'");
    }

    @Test
    @DisplayName("a pinned certificate is the identity by itself: expired and for another host, it still connects")
    void pinnedIgnoresDatesAndNames() {
        Instant now = Instant.now();
        TlsIdentity expired = new TestCa("Blaze Test CA").issue("ServerDB", now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)), List.of(new GeneralName(GeneralName.dNSName, "db.example.com")));
        serveWith(expired);
        topology.connectRemote(clientNode(), RemoteNode.builder("127.0.0.1", server.port(), "ServerDB").authToken(TOKEN)
                .pinnedFingerprint(expired.fingerprint()).build(), new SyncPolicy()).block(TIMEOUT).disconnect().block(TIMEOUT);
    }

    /** Replaces the server with one presenting {@code identity}. */
    private void serveWith(TlsIdentity identity) {
        server.close();
        server = BlazeServer.builder().database("ServerDB").host("127.0.0.1").port(0).localDB(serverDb).authToken(TOKEN)
                .identity(identity).build();
        server.start().block(TIMEOUT);
        assertThat(server.tlsFingerprint()).isEqualTo(identity.fingerprint());
    }

    /** Connecting fails with {@code expected}; neither database changed. Returns the error. */
    private Throwable refused(RemoteNode remote, Class<? extends Throwable> expected) {
        Dbs.insert(serverDb, "server-only record");
        Dbs.insert(clientDb, "client-only record");
        Set<String> serverBefore = Dbs.contents(serverDb);
        Set<String> clientBefore = Dbs.contents(clientDb);
        long serverSeq = serverDb.lastSequence();
        long clientSeq = clientDb.lastSequence();
        NodeId me = clientNode();
        Throwable[] error = new Throwable[1];
        StepVerifier.create(topology.connectRemote(me, remote, new SyncPolicy()))
                .expectErrorSatisfies(e -> assertThat(error[0] = e).isInstanceOf(expected))
                .verify(TIMEOUT);
        assertThat(topology.connections()).isEmpty();
        assertThat(server.connections()).isEmpty();
        assertThat(Dbs.contents(serverDb)).isEqualTo(serverBefore);
        assertThat(Dbs.contents(clientDb)).isEqualTo(clientBefore);
        assertThat(serverDb.lastSequence()).isEqualTo(serverSeq);
        assertThat(clientDb.lastSequence()).isEqualTo(clientSeq);
        return error[0];
    }
}
