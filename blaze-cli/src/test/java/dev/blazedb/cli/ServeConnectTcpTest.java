package dev.blazedb.cli;

import static dev.blazedb.cli.ServeFixture.WITH_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code blaze serve --port} and {@code blaze connect HOST:PORT/DB} over real TCP with TLS and a token. */
class ServeConnectTcpTest {

    @TempDir
    Path dir;

    private Path database(String name, String message) {
        return new ServeFixture(dir).database(name, message);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(120)
    void serveOverTcpAndConnectWithATokenFile() throws Exception {
        Path server = database("server", "Hello from the server!");
        Path client = database("client", "Hello from the client!");
        Path token = dir.resolve("token");
        Files.writeString(token, "tcp-cli-token\n");
        int port = freePort();

        CompletableFuture<CliRun> serving = serveOnPort(server, port, token);

        CliRun connect = CliRun.run(WITH_PASSWORD, "connect", "--db", client.toString(), "127.0.0.1:" + port + "/server",
                "--token-file", token.toString(), "--json", "--count", "1");
        assertThat(connect.exitCode()).as("%s", connect).isZero();
        assertThat(connect.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("{\"type\":\"INSERT\"").contains("Hello from the server!"));
        assertThat(Files.readString(dir.resolve("client.blazedb.known-hosts"))).contains("127.0.0.1:" + port + "/server");

        CliRun serve = serving.get(60, TimeUnit.SECONDS);
        assertThat(serve.exitCode()).as("%s", serve).isZero();
        assertThat(serve.out()).startsWith("INSERT default/").contains("Hello from the client!");
        assertThat(serve.err()).contains("serving", "TLS, SHA-256").doesNotContain("tcp-cli-token");
    }

    @Test
    void aWrongTokenFailsWithTheSpecificError() throws Exception {
        Path server = database("server2", "x");
        Path client = database("client2", "y");
        Path good = dir.resolve("good");
        Path bad = dir.resolve("bad");
        Files.writeString(good, "right-token\n");
        Files.writeString(bad, "wrong-token\n");
        int port = freePort();
        CompletableFuture<CliRun> serving = serveOnPort(server, port, good);
        CliRun connect = CliRun.run(WITH_PASSWORD, "connect", "--db", client.toString(), "127.0.0.1:" + port + "/server2",
                "--token-file", bad.toString(), "--count", "1");
        assertThat(connect.exitCode()).isNotZero();
        assertThat(connect.err()).contains("InvalidToken").doesNotContain("wrong-token");
        // The right token gets in; its change ends the serve (--count 1), which had none from the wrong one.
        CliRun right = CliRun.run(WITH_PASSWORD, "connect", "--db", client.toString(), "127.0.0.1:" + port + "/server2",
                "--token-file", good.toString(), "--count", "1");
        assertThat(right.exitCode()).as("%s", right).isZero();
        CliRun serve = serving.get(60, TimeUnit.SECONDS);
        assertThat(serve.exitCode()).as("%s", serve).isZero();
        assertThat(serve.out().lines()).singleElement().satisfies(line -> assertThat(line).contains("\"y\""));
    }

    /** {@code blaze serve --port} with a token file, running in the background once the port is open. */
    private static CompletableFuture<CliRun> serveOnPort(Path db, int port, Path token) throws InterruptedException {
        return ServeFixture.serveUntil(() -> listening(port), "the port opens", "serve", "--db", db.toString(), "--port",
                String.valueOf(port), "--host", "127.0.0.1", "--token-file", token.toString(), "--count", "1");
    }

    private static boolean listening(int port) {
        try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
