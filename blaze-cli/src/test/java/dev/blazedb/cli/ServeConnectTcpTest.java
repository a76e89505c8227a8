package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.data.BlazeDataRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code blaze serve --port} and {@code blaze connect HOST:PORT/DB} over real TCP with TLS and a token. */
class ServeConnectTcpTest {

    private static final String PASSWORD = "s3cret-passw0rd";
    private static final CliEnvironment WITH_PASSWORD = CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD));

    @TempDir
    Path dir;

    private Path database(String name, String message) {
        Path file = dir.resolve(name + ".blazedb");
        try (BlazeDBClient db = BlazeDBClient.open(name, file, PASSWORD.toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(64, 1, 1)).build())) {
            db.insert(BlazeDataRecord.builder().put("message", message).build());
        }
        return file;
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

        CompletableFuture<CliRun> serving = CompletableFuture.supplyAsync(() -> CliRun.run(WITH_PASSWORD,
                "serve", "--db", server.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1",
                "--token-file", token.toString(), "--count", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening(port)) {
            assertThat(serving).as("serve is still running").isNotDone();
            assertThat(System.nanoTime()).as("the port opens").isLessThan(deadline);
            Thread.sleep(20);
        }

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
        CompletableFuture<CliRun> serving = CompletableFuture.supplyAsync(() -> CliRun.run(WITH_PASSWORD,
                "serve", "--db", server.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1",
                "--token-file", good.toString(), "--count", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening(port)) {
            assertThat(System.nanoTime()).as("the port opens").isLessThan(deadline);
            Thread.sleep(20);
        }
        CliRun connect = CliRun.run(WITH_PASSWORD, "connect", "--db", client.toString(), "127.0.0.1:" + port + "/server2",
                "--token-file", bad.toString(), "--count", "1");
        assertThat(connect.exitCode()).isNotZero();
        assertThat(connect.err()).contains("InvalidToken").doesNotContain("wrong-token");
        serving.cancel(true);
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
