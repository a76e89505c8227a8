package dev.blazedb.transport.uds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.TransportException;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The socket's safety: a private directory, stale sockets replaced and live ones never taken,
 * clear errors for impossible paths, peers of other users refused unless allowed, and the socket
 * file gone after a clean shutdown. Each case runs on both I/O paths where it matters.
 */
class UdsSocketSafetyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<BoundServer> servers = new ArrayList<>();

    @AfterEach
    void disposeServers() {
        servers.forEach(server -> server.disposeNow(TIMEOUT));
    }

    private static UdsServerTransport server(Path socket, UdsTransportMode mode) {
        assumeTrue(mode != UdsTransportMode.EPOLL || Epoll.isAvailable(), "epoll is not available here");
        return UdsServerTransport.create(socket).mode(mode);
    }

    private BoundServer bindEcho(UdsServerTransport transport) {
        BoundServer server = transport.bind(connection -> connection.send(connection.receive())).block(TIMEOUT);
        servers.add(server);
        return server;
    }

    private static void assertEchoes(Path socket, UdsTransportMode mode) {
        DuplexConnection client = UdsClientTransport.create(socket).mode(mode).connect().block(TIMEOUT);
        try {
            Frame hello = Frame.wrap(1, "hello".getBytes(StandardCharsets.UTF_8));
            StepVerifier.create(client.receive().take(1))
                    .then(() -> client.send(Mono.just(hello)).subscribe())
                    .expectNext(hello)
                    .verifyComplete();
        } finally {
            client.dispose();
        }
    }

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void aMissingDirectoryIsCreatedForTheOwnerOnlyAndTheSocketFileIsRemovedOnShutdown(UdsTransportMode mode)
            throws IOException {
        Path socket = dir.resolve("private").resolve("blazedb.sock");
        BoundServer server = bindEcho(server(socket, mode));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        assertEchoes(socket, mode);

        server.disposeNow(TIMEOUT);
        assertThat(socket).doesNotExist();
    }

    @Test
    void aDirectoryOpenToOthersIsRefusedWithItsName() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

        StepVerifier.create(UdsServerTransport.create(open.resolve("s.sock")).bind(c -> Mono.never()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining(open.toString())
                        .hasMessageContaining("open to other users")
                        .hasMessageContaining("rwxr-xr-x"))
                .verify(TIMEOUT);
        assertThat(open.resolve("s.sock")).doesNotExist();
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        assumeTrue(UdsSockets.ownUid() == 0, "only root can give a directory to another user");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(theirs, "unix:uid", 65534);

        StepVerifier.create(UdsServerTransport.create(theirs.resolve("s.sock")).bind(c -> Mono.never()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining(theirs.toString())
                        .hasMessageContaining("belongs to uid 65534"))
                .verify(TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void aStaleSocketFileIsReplaced(UdsTransportMode mode) throws IOException {
        Path socket = dir.resolve("stale.sock");
        // What a killed process leaves: the socket file, and nobody listening on it.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        bindEcho(server(socket, mode));
        assertEchoes(socket, mode);
    }

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void aLiveListenerIsNeverStolen(UdsTransportMode mode) {
        Path socket = dir.resolve("live.sock");
        bindEcho(server(socket, mode));

        StepVerifier.create(server(socket, mode).bind(c -> Mono.never()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("already listening")
                        .hasMessageContaining(socket.toString()))
                .verify(TIMEOUT);
        assertEchoes(socket, mode);
    }

    @Test
    void aPathWhoseDirectoryCannotBeCreatedFailsNamingIt() {
        StepVerifier.create(UdsServerTransport.create(Path.of("/nonexistent/path/blazedb.sock")).bind(c -> Mono.never()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("/nonexistent/path/blazedb.sock")
                        .hasMessageContaining("does not exist"))
                .verify(TIMEOUT);
        StepVerifier.create(UdsClientTransport.create(Path.of("/nonexistent/path/blazedb.sock")).connect())
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(ConnectionRefusedException.class)
                        .hasMessageContaining("/nonexistent/path/blazedb.sock"))
                .verify(TIMEOUT);
    }

    @Test
    void somethingThatIsNotASocketIsNeverReplaced() throws IOException {
        Path file = Files.writeString(dir.resolve("data.sock"), "precious");

        StepVerifier.create(UdsServerTransport.create(file).bind(c -> Mono.never()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("not a Unix socket"))
                .verify(TIMEOUT);
        assertThat(file).hasContent("precious");
    }

    @Test
    void aTooLongPathIsRefusedWithItsLength() {
        String longName = "x".repeat(120);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UdsServerTransport.create(dir.resolve(longName)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes long");
    }

    @Test
    void thePeerPolicyAdmitsOnlyTheOwnUserAndTheAllowList() {
        Path socket = dir.resolve("p.sock");
        UdsSockets.PeerPolicy strict = new UdsSockets.PeerPolicy(Set.of());
        UdsSockets.PeerPolicy lenient = new UdsSockets.PeerPolicy(Set.of(4242L));
        UdsPeerAddress self = new UdsPeerAddress(socket, 1, UdsSockets.ownUid(), null);
        UdsPeerAddress stranger = new UdsPeerAddress(socket, 2, 4242, null);

        assertThat(strict.refusal(self)).isNull();
        assertThat(strict.refusal(stranger)).contains("uid 4242").contains("not allowed");
        assertThat(lenient.refusal(stranger)).isNull();
        assertThat(strict.refusal(new UdsPeerAddress(socket, -1, -1, UdsSockets.ownUser()))).isNull();
        assertThat(strict.refusal(new UdsPeerAddress(socket, -1, -1, "mallory"))).contains("user mallory");
    }

    // ------------------------------------------------------------------ a peer of another user

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** Runs {@link ForeignPeer} as uid 65534 against {@code socket}; returns what it printed. */
    private static String connectAsNobody(Path socket) throws Exception {
        assumeTrue(UdsSockets.ownUid() == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root and setpriv to run a peer as another user");
        Path classes = Path.of(ForeignPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process peer = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                JAVA, "-Xshare:off", "-cp", classes.toString(), ForeignPeer.class.getName(), socket.toString())
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(peer.waitFor(60, TimeUnit.SECONDS)).as("the foreign peer finished").isTrue();
            return new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            peer.destroyForcibly();
        }
    }

    private Path sharedSocket(String name) throws IOException {
        Path shared = Files.createDirectory(dir.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared.resolve("s.sock");
    }

    private static void openSocketFile(Path socket) throws IOException {
        // The test opens the file itself so that the kernel lets the other user connect: what is
        // left to stop it is the credential check under test.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void aPeerOfAnotherUserIsRefusedAndToldWhy(UdsTransportMode mode) throws Exception {
        Path socket = sharedSocket("refuse-" + mode);
        List<DuplexConnection> accepted = new ArrayList<>();
        BoundServer server = server(socket, mode).requirePrivateDirectory(false)
                .bind(connection -> {
                    accepted.add(connection);
                    return Mono.empty();
                }).block(TIMEOUT);
        servers.add(server);
        openSocketFile(socket);

        String output = connectAsNobody(socket);

        assertThat(output).contains("frame ff").contains("refused").contains("not allowed").contains("closed");
        assertThat(accepted).as("connections the acceptor saw").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = UdsTransportMode.class, names = {"EPOLL", "NIO"})
    void aPeerOfAnAllowedUserIsAccepted(UdsTransportMode mode) throws Exception {
        Path socket = sharedSocket("allow-" + mode);
        BoundServer server = server(socket, mode).requirePrivateDirectory(false).allowUids(Set.of(65534L))
                .bind(connection -> connection.send(Mono.just(Frame.wrap(1, "welcome".getBytes(StandardCharsets.UTF_8))))
                        .then(Mono.fromRunnable(connection::dispose)))
                .block(TIMEOUT);
        servers.add(server);
        openSocketFile(socket);

        String output = connectAsNobody(socket);

        assertThat(output).contains("frame 1 welcome").contains("frame fe").contains("closed");
    }
}
