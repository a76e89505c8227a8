package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the shaded {@code target/blaze.jar} with {@code java -jar}, as a user would. */
class BlazeJarIT {

    private static final String PASSWORD = "s3cret-passw0rd";
    private static Path jar;

    @TempDir
    Path dir;

    /** What one run of the jar did. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    @BeforeAll
    static void findTheJar() {
        jar = Path.of(System.getProperty("blaze.jar", "target/blaze.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (run mvn package first)").isRegularFile();
    }

    private static Run blaze(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("BLAZE_PASSWORD");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("blaze " + String.join(" ", args) + " did not finish within 2 minutes");
        }
        return new Run(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theJarIsExecutableAndNamesItsModule() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.blazedb.cli.BlazeCli");
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("dev.blazedb.cli");
            assertThat(file.stream().map(e -> e.getName()))
                    .noneMatch(name -> name.matches("META-INF/[^/]*\\.(SF|DSA|RSA|EC)"));
        }
    }

    @Test
    void benchRunsTheSyncHarnessFromTheJarWithoutJmhOrItsGeneratedCode() throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("dev/blazedb/benchmarks/SyncBench.class")).isNotNull();
            assertThat(file.getEntry("org/HdrHistogram/Histogram.class")).isNotNull();
            assertThat(file.stream().map(e -> e.getName()))
                    .noneMatch(name -> name.startsWith("org/openjdk/jmh/") || name.contains("/jmh_generated/"));
        }
        Run run = blaze(Map.of(), "bench", "--runs", "1", "--rate", "1000", "--latency-seconds", "0.2", "--warmup-seconds", "0.1",
                "--changes", "1000", "--warmup-changes", "500", "--batch", "100", "--initial", "1000", "--out", dir.resolve("bench").toString());
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("run 1 initial sync of 1,000 records", "| metric | bar (design.md)");
        assertThat(dir.resolve("bench/sync-bench-memory-latency.png")).isRegularFile();
    }

    @Test
    void demoSucceedsAndPrintsTheFetchedRecord() throws Exception {
        Run run = blaze(Map.of(), "demo");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out())
                .contains("\"message\": \"Hello from DB1!\"", "\"value\": 42")
                .contains("refused: InvalidPasswordException")
                .contains("Summary");
        assertThat(run.err()).as("%s", run).isEmpty();
    }

    @Test
    void putGetAndListRoundTripWithThePasswordFromTheEnvironmentAndFromAFile() throws Exception {
        String db = dir.resolve("notes.blazedb").toString();
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");

        Run put = blaze(Map.of("BLAZE_PASSWORD", PASSWORD), "put", "--db", db, "message=Hello from DB1!", "value=42");
        assertThat(put.exitCode()).as("%s", put).isZero();
        UUID id = UUID.fromString(put.out().strip());

        Run put2 = blaze(Map.of("MY_SECRET", PASSWORD), "put", "--db", db, "--password-env", "MY_SECRET",
                "--json", "{\"message\": \"second\", \"done\": false}");
        assertThat(put2.exitCode()).as("%s", put2).isZero();

        Run get = blaze(Map.of(), "get", "--db", db, "--password-file", passwordFile.toString(), id.toString());
        assertThat(get.exitCode()).as("%s", get).isZero();
        assertThat(get.out()).contains("\"id\":\"" + id + "\"", "\"message\":\"Hello from DB1!\"", "\"value\":42");

        Run list = blaze(Map.of("BLAZE_PASSWORD", PASSWORD), "list", "--db", db);
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out()).contains(id.toString(), put2.out().strip(), "\"done\":false");
        assertThat(list.err()).isEmpty();
    }

    @Test
    void aWrongPasswordExitsNonZeroWithAClearMessage() throws Exception {
        String db = dir.resolve("notes.blazedb").toString();
        assertThat(blaze(Map.of("BLAZE_PASSWORD", PASSWORD), "put", "--db", db, "x=1").exitCode()).isZero();

        Run run = blaze(Map.of("BLAZE_PASSWORD", "not-the-password"), "list", "--db", db);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.WRONG_PASSWORD);
        assertThat(run.err()).startsWith("blaze: wrong password for " + db).doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void withoutAPasswordAndWithoutATerminalItExplainsWhereAPasswordCanComeFrom() throws Exception {
        Run run = blaze(Map.of(), "put", "--db", dir.resolve("x.blazedb").toString(), "x=1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("no password", "BLAZE_PASSWORD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "put", "get", "list"})
    void everyCommandPrintsHelp(String command) throws Exception {
        Run run = blaze(Map.of(), command, "--help");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).startsWith("Usage: blaze " + command).contains("Exit codes:");
    }

    @Test
    void versionPrintsTheProjectVersion() throws Exception {
        Run run = blaze(Map.of(), "--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("blaze " + VersionProvider.version());
    }
}
