package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlazeCliTest {

    private static final String PASSWORD = "s3cret-passw0rd";
    private static final CliEnvironment WITH_PASSWORD = CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD));
    private static final CliEnvironment EMPTY = CliEnvironment.of(Map.of());

    @TempDir
    Path dir;

    private String db() {
        return dir.resolve("notes.blazedb").toString();
    }

    private static CliRun blaze(CliEnvironment environment, String... args) {
        return CliRun.run(environment, args);
    }

    /**
     * Creates the database with a cheap key derivation: the cost is stored in the file, so every
     * later open by the CLI is fast too. (The CLI itself creates databases with the default cost.)
     */
    private void createDatabase() {
        BlazeDBClient.open("notes", dir.resolve("notes.blazedb"), PASSWORD.toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(64, 1, 1)).build()).close();
    }

    private UUID put(String... fields) {
        if (!Files.exists(dir.resolve("notes.blazedb"))) {
            createDatabase();
        }
        String[] args = new String[fields.length + 3];
        args[0] = "put";
        args[1] = "--db";
        args[2] = db();
        System.arraycopy(fields, 0, args, 3, fields.length);
        CliRun run = blaze(WITH_PASSWORD, args);
        assertThat(run.exitCode()).as("%s", run).isZero();
        return UUID.fromString(run.out().strip());
    }

    @Test
    void putPrintsTheIdAndGetPrintsTheRecordAsJson() {
        UUID id = put("message=Hello from DB1!", "value=42", "ratio=0.5", "ok=true", "none=null",
                "due=2030-01-01T09:00:00Z", "zip=\"01234\"");

        CliRun get = blaze(WITH_PASSWORD, "get", "--db", db(), id.toString());

        assertThat(get.exitCode()).as("%s", get).isZero();
        assertThat(get.err()).isEmpty();
        assertThat(get.out())
                .contains("\"id\":\"" + id + "\"")
                .contains("\"message\":\"Hello from DB1!\"")
                .contains("\"value\":42")
                .contains("\"ratio\":0.5")
                .contains("\"ok\":true")
                .contains("\"none\":null")
                .contains("\"due\":\"2030-01-01T09:00:00Z\"")
                .contains("\"zip\":\"01234\"")
                .contains("\"createdAt\":\"");
        assertThat(get.out().lines()).hasSize(1);
    }

    @Test
    void getPrettyIndentsTheJson() {
        UUID id = put("value=42");
        CliRun get = blaze(WITH_PASSWORD, "get", "--db", db(), "--pretty", id.toString());
        assertThat(get.out()).startsWith("{\n  \"").contains("\n  \"value\": 42");
    }

    @Test
    void putTakesARecordAsJsonAndArgumentsOverrideIt() {
        UUID id = put("--json", "{\"title\": \"From JSON\", \"tags\": [\"a\", \"b\"], \"n\": 1}", "n=2");
        CliRun get = blaze(WITH_PASSWORD, "get", "--db", db(), id.toString());
        assertThat(get.out()).contains("\"title\":\"From JSON\"", "\"tags\":[\"a\",\"b\"]", "\"n\":2");
    }

    @Test
    void putUsesAnIdFieldHoldingAUuid() {
        UUID chosen = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(put("id=" + chosen, "x=1")).isEqualTo(chosen);
    }

    @Test
    void listPrintsEveryRecordOfTheCollectionOnePerLine() {
        UUID a = put("n=1");
        UUID b = put("n=2");
        CliRun other = blaze(WITH_PASSWORD, "put", "--db", db(), "--collection", "other", "n=3");
        assertThat(other.exitCode()).as("%s", other).isZero();

        CliRun list = blaze(WITH_PASSWORD, "list", "--db", db());
        assertThat(list.exitCode()).as("%s", list).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(String.join("\n", lines)).contains(a.toString(), b.toString());
        assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));

        CliRun listOther = blaze(WITH_PASSWORD, "list", "--db", db(), "-c", "other");
        assertThat(listOther.out().lines()).singleElement().asString().contains("\"n\":3");
    }

    @Test
    void thePasswordCanComeFromANamedEnvironmentVariable() {
        CliEnvironment env = CliEnvironment.of(Map.of("MY_PW", PASSWORD));
        CliRun put = blaze(env, "put", "--db", db(), "--password-env", "MY_PW", "x=1");
        assertThat(put.exitCode()).as("%s", put).isZero();
        CliRun list = blaze(WITH_PASSWORD, "list", "--db", db());
        assertThat(list.out()).contains(put.out().strip());
    }

    @Test
    void thePasswordCanComeFromAFileWhoseLineEndingIsIgnored() throws IOException {
        createDatabase();
        Path file = dir.resolve("pw.txt");
        Files.writeString(file, PASSWORD + "\r\n", StandardCharsets.UTF_8);
        CliRun put = blaze(EMPTY, "put", "--db", db(), "--password-file", file.toString(), "x=1");
        assertThat(put.exitCode()).as("%s", put).isZero();
        CliRun list = blaze(WITH_PASSWORD, "list", "--db", db());
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.out()).contains(put.out().strip());
    }

    @Test
    void thePasswordFileWinsOverTheEnvironment() throws IOException {
        put("x=1");
        Path file = dir.resolve("pw.txt");
        Files.writeString(file, "not-the-password\n");
        CliRun list = blaze(WITH_PASSWORD, "list", "--db", db(), "--password-file", file.toString());
        assertThat(list.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
    }

    @Test
    void thePasswordIsPromptedForTwiceWhenCreatingAndOnceWhenOpening() {
        Deque<String> prompts = new ArrayDeque<>();
        Deque<String> typed = new ArrayDeque<>(List.of(PASSWORD, PASSWORD, PASSWORD));
        CliEnvironment terminal = new CliEnvironment() {
            @Override
            public Optional<String> variable(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<char[]> readPassword(String prompt) {
                prompts.add(prompt);
                return Optional.of(typed.removeFirst().toCharArray());
            }
        };
        CliRun put = blaze(terminal, "put", "--db", db(), "x=1");
        assertThat(put.exitCode()).as("%s", put).isZero();
        CliRun list = blaze(terminal, "list", "--db", db());
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(prompts).containsExactly(
                "New password for notes.blazedb: ", "Repeat the password: ", "Password for notes.blazedb: ");
    }

    @Test
    void mismatchedPromptedPasswordsCreateNothing() {
        Deque<String> typed = new ArrayDeque<>(List.of(PASSWORD, PASSWORD + "x"));
        CliEnvironment terminal = new CliEnvironment() {
            @Override
            public Optional<String> variable(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<char[]> readPassword(String prompt) {
                return Optional.of(typed.removeFirst().toCharArray());
            }
        };
        CliRun put = blaze(terminal, "put", "--db", db(), "x=1");
        assertThat(put.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(put.err()).contains("the passwords do not match");
        assertThat(dir.resolve("notes.blazedb")).doesNotExist();
    }

    @Test
    void aWrongPasswordFailsWithExitCode3AClearMessageAndNoStackTrace() throws IOException {
        put("x=1");
        byte[] before = Files.readAllBytes(dir.resolve("notes.blazedb"));
        CliEnvironment wrong = CliEnvironment.of(Map.of("BLAZE_PASSWORD", "wrong-password"));

        for (String command : List.of("list", "put")) {
            CliRun run = command.equals("list")
                    ? blaze(wrong, "list", "--db", db())
                    : blaze(wrong, "put", "--db", db(), "y=2");
            assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.WRONG_PASSWORD);
            assertThat(run.err()).startsWith("blaze: wrong password for " + db());
            assertThat(run.err()).doesNotContain("\tat ", "Exception");
            assertThat(run.out()).isEmpty();
        }
        assertThat(Files.readAllBytes(dir.resolve("notes.blazedb"))).isEqualTo(before);
    }

    @Test
    void stackTraceOptionPrintsTheStackTrace() {
        put("x=1");
        CliEnvironment wrong = CliEnvironment.of(Map.of("BLAZE_PASSWORD", "wrong-password"));
        CliRun run = blaze(wrong, "list", "--stacktrace", "--db", db());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
        assertThat(run.err()).contains("\tat ");
    }

    @Test
    void withoutAPasswordSourceOrTerminalTheCommandFailsWithUsage() {
        CliRun run = blaze(EMPTY, "put", "--db", db(), "x=1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("no password", "--password-file", "--password-env", "BLAZE_PASSWORD");
        assertThat(dir.resolve("notes.blazedb")).doesNotExist();
    }

    @Test
    void aMissingNamedVariableOrPasswordFileIsReported() {
        CliRun env = blaze(EMPTY, "put", "--db", db(), "--password-env", "NOPE", "x=1");
        assertThat(env.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(env.err()).contains("environment variable NOPE is not set");

        CliRun file = blaze(EMPTY, "put", "--db", db(), "--password-file", dir.resolve("nope").toString(), "x=1");
        assertThat(file.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(file.err()).contains("password file", "does not exist");

        CliRun both = blaze(EMPTY, "put", "--db", db(), "--password-env", "A", "--password-file", "f", "x=1");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("not both");
    }

    @Test
    void thereIsNoOptionTakingThePasswordItself() {
        CliRun run = blaze(EMPTY, "put", "--db", db(), "--password", PASSWORD, "x=1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unknown option: '--password'");
    }

    @Test
    void getAndListDoNotCreateAMissingDatabase() {
        CliRun get = blaze(WITH_PASSWORD, "get", "--db", db(), UUID.randomUUID().toString());
        assertThat(get.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(get.err()).contains("no database at " + db());
        CliRun list = blaze(WITH_PASSWORD, "list", "--db", db());
        assertThat(list.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(dir.resolve("notes.blazedb")).doesNotExist();
    }

    @Test
    void getOfAnUnknownIdFailsWithNotFound() {
        put("x=1");
        UUID unknown = UUID.randomUUID();
        CliRun get = blaze(WITH_PASSWORD, "get", "--db", db(), unknown.toString());
        assertThat(get.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(get.err()).contains("no record " + unknown);
    }

    @Test
    void invalidArgumentsFailWithUsage() {
        assertThat(blaze(WITH_PASSWORD, "put", "--db", db()).err()).contains("nothing to put");
        CliRun badJson = blaze(WITH_PASSWORD, "put", "--db", db(), "--json", "{\"a\":}");
        assertThat(badJson.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badJson.err()).contains("invalid --json: unexpected character '}' at offset 5");
        CliRun badField = blaze(WITH_PASSWORD, "put", "--db", db(), "novalue");
        assertThat(badField.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badField.err()).contains("expected FIELD=VALUE");
        CliRun badId = blaze(WITH_PASSWORD, "get", "--db", db(), "not-a-uuid");
        assertThat(badId.exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun noDb = blaze(WITH_PASSWORD, "list");
        assertThat(noDb.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noDb.err()).contains("Missing required option: '--db=FILE'");
        assertThat(dir.resolve("notes.blazedb")).doesNotExist();
    }

    @Test
    void withoutACommandTheUsageIsShownWithExitCode2() {
        CliRun run = blaze(EMPTY);
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Missing command", "Usage: blaze");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "put", "get", "list"})
    void everyCommandHasHelpListingTheExitCodes(String command) {
        CliRun run = blaze(EMPTY, command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: blaze " + command).contains("Exit codes:", "wrong password");
        if (!command.equals("demo")) {
            assertThat(run.out()).contains("--db=FILE", "--password-env=NAME", "--password-file=FILE", "BLAZE_PASSWORD");
        }
    }

    @Test
    void topLevelHelpListsTheCommands() {
        CliRun run = blaze(EMPTY, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("demo", "put", "get", "list", "Exit codes:");
        assertThat(blaze(EMPTY, "help", "put").out()).startsWith("Usage: blaze put");
    }

    @Test
    void versionNamesTheBuild() {
        CliRun run = blaze(EMPTY, "--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("blaze 0.").contains("JVM:");
    }

    @Test
    void demoRunsEveryStepAndCleansUp() throws IOException {
        CliRun run = blaze(EMPTY, "demo");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out())
                .contains("[1/10] Create an encrypted database")
                .contains("[7/10] Sync two in-memory databases")
                .contains("[8/10] Sync with a second process over a Unix socket")
                .contains("its output: {\"type\":\"INSERT\"", "Hello from App 1!")
                .contains("and back: app1.changes(): INSERT Hello from App 2! from node")
                .contains("[9/10] Find a TCP server by name over mDNS and sync with it both ways")
                .contains("client.fetch(id): {\"createdAt\"", "Hello over TCP")
                .contains("and back: server.fetch(id): {", "Hello back from the client")
                .contains("discovery + TCP: the server found by name over mDNS synced both ways with the client (TLS 1.3, a token)")
                .contains("db2.changes(): INSERT")
                .contains("(remote: true)")
                .contains("latency, insert on db1 to db2's change stream: first write")
                .contains("sync: a write on db1 reached db2's change stream")
                .contains("change #1 INSERT default/")
                .contains("UPDATE", "DELETE")
                .contains("\"message\": \"Hello from DB1!\"", "\"value\": 42")
                .contains("refused: InvalidPasswordException")
                .contains("unchanged (SHA-256 before and after): yes")
                .contains("no, it is encrypted")
                .contains("Summary", "total");
        // Only this run's own folder counts: other runs may share the temporary directory.
        Matcher deleted = Pattern.compile("deleted (\\S*blaze-demo-\\S+)").matcher(run.out());
        assertThat(deleted.find()).as("the demo names the folder it deleted").isTrue();
        assertThat(Path.of(deleted.group(1))).doesNotExist();
    }
}
