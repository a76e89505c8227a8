package dev.blazedb.cli;

import static dev.blazedb.cli.ServeFixture.WITH_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code blaze serve} and {@code blaze connect} over a real Unix socket, both in this JVM. */
class ServeConnectTest {

    @TempDir
    Path dir;

    private Path database(String name, String message) {
        return new ServeFixture(dir).database(name, message);
    }

    @Test
    @Timeout(120)
    void serveAndConnectPrintWhatArrivesFromTheOtherSide() throws Exception {
        Path a = database("app1", "Hello from App 1!");
        Path b = database("app2", "Hello from App 2!");
        Path socket = dir.resolve("sync").resolve("blazedb.sock");

        CompletableFuture<CliRun> serving = ServeFixture.serveUntil(() -> Files.exists(socket), "the socket appears",
                "serve", "--db", a.toString(), "--socket", socket.toString(), "--count", "1");

        CliRun connect = CliRun.run(WITH_PASSWORD, "connect", "--db", b.toString(), "--socket", socket.toString(),
                "--json", "--count", "1");
        assertThat(connect.exitCode()).as("%s", connect).isZero();
        assertThat(connect.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("{\"type\":\"INSERT\",\"collection\":\"default\"")
                .contains("\"record\":{").contains("Hello from App 1!"));
        assertThat(connect.err()).contains("connected", socket.toString());

        CliRun serve = serving.get(60, TimeUnit.SECONDS);
        assertThat(serve.exitCode()).as("%s", serve).isZero();
        assertThat(serve.out()).startsWith("INSERT default/").contains("Hello from App 2!");
        assertThat(serve.err()).contains("serving", socket.toString());
        assertThat(socket).as("removed when serve exits").doesNotExist();
    }

    @Test
    void connectWhereNobodyServesFailsNamingThePath() {
        Path b = database("lonely", "nobody hears me");
        CliRun connect = CliRun.run(WITH_PASSWORD, "connect", "--db", b.toString(), "--socket",
                "/nonexistent/path/blazedb.sock");
        assertThat(connect.exitCode()).isNotZero();
        assertThat(connect.err()).contains("/nonexistent/path/blazedb.sock").contains("nobody is listening");
    }
}
