package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.transport.tcp.BlazeServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blaze connect --discover NAME} finds a real BlazeServer over mDNS on the loopback interface and syncs. */
class ConnectCommandIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String PASSWORD = "s3cret-passw0rd";
    private static final String TOKEN = "connect-it-token";

    @TempDir
    Path dir;

    @Test
    void connectDiscoverFindsTheServerByNameAndSyncsItsRecords() {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory(name);
                BlazeServer server = BlazeServer.builder().database(name).host("127.0.0.1").port(0).localDB(serverDb)
                        .authToken(TOKEN).advertise(true).build()) {
            UUID id = serverDb.insert(BlazeDataRecord.builder().put("message", "from the server").build());
            server.start().block(START);
            Path client = dir.resolve("client.blazedb");
            CliRun run = CliRun.run(CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD, "BLAZE_TOKEN", TOKEN)),
                    "connect", "--discover", name, "--interface", "127.0.0.1", "--db", client.toString(), "--count", "1");
            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(run.err()).contains("found " + name + "  127.0.0.1:" + server.port(), "TLS " + server.tlsFingerprint());
            assertThat(run.out()).startsWith("INSERT default/").contains("from the server");
            try (BlazeDBClient synced = BlazeDBClient.open("client", client, PASSWORD.toCharArray())) {
                assertThat(synced.fetch(id)).isPresent();
            }
        }
    }

    @Test
    void connectDiscoverFindingNothingExitsWithNotFound() {
        CliRun run = CliRun.run(CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD)), "connect", "--discover",
                "absent-" + UUID.randomUUID(), "--interface", "127.0.0.1", "--timeout", "2", "--db", dir.resolve("c.blazedb").toString());
        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("no BlazeDB server named absent-", "found within 2 s");
    }

    @Test
    void neitherAnAddressNorDiscoverIsAUsageError() {
        CliRun run = CliRun.run(CliEnvironment.of(Map.of()), "connect", "--db", dir.resolve("c.blazedb").toString());
        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("give one of --socket PATH, HOST:PORT/DATABASE or --discover NAME");
    }
}
