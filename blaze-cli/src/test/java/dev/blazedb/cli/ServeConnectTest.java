package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.data.BlazeDataRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code blaze serve} and {@code blaze connect} over a real Unix socket, both in this JVM. */
class ServeConnectTest {

    private static final String PASSWORD = "s3cret-passw0rd";
    private static final CliEnvironment WITH_PASSWORD = CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD));

    @TempDir
    Path dir;

    /** A database with one record, made with a cheap key derivation (the cost is kept in the file). */
    private Path database(String name, String message) {
        Path file = dir.resolve(name + ".blazedb");
        try (BlazeDBClient db = BlazeDBClient.open(name, file, PASSWORD.toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(64, 1, 1)).build())) {
            db.insert(BlazeDataRecord.builder().put("message", message).build());
        }
        return file;
    }

    @Test
    @Timeout(120)
    void serveAndConnectPrintWhatArrivesFromTheOtherSide() throws Exception {
        Path a = database("app1", "Hello from App 1!");
        Path b = database("app2", "Hello from App 2!");
        Path socket = dir.resolve("sync").resolve("blazedb.sock");

        CompletableFuture<CliRun> serving = CompletableFuture.supplyAsync(() -> CliRun.run(WITH_PASSWORD,
                "serve", "--db", a.toString(), "--socket", socket.toString(), "--count", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket)) {
            assertThat(serving).as("serve is still running").isNotDone();
            assertThat(System.nanoTime()).as("the socket appears").isLessThan(deadline);
            Thread.sleep(20);
        }

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
