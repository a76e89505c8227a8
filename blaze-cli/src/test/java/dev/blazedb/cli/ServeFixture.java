package dev.blazedb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.data.BlazeDataRecord;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the {@code blaze serve} / {@code blaze connect} tests share: databases with one record in
 * a test's directory, the password in the environment, and a {@code serve} running in the
 * background until it is ready.
 */
final class ServeFixture {

    static final String PASSWORD = "s3cret-passw0rd";
    static final CliEnvironment WITH_PASSWORD = CliEnvironment.of(Map.of("BLAZE_PASSWORD", PASSWORD));

    private final Path dir;

    ServeFixture(Path dir) {
        this.dir = dir;
    }

    /** A database with one record, made with a cheap key derivation (the cost is kept in the file). */
    Path database(String name, String message) {
        Path file = dir.resolve(name + ".blazedb");
        try (BlazeDBClient db = BlazeDBClient.open(name, file, PASSWORD.toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(64, 1, 1)).build())) {
            db.insert(BlazeDataRecord.builder().put("message", message).build());
        }
        return file;
    }

    /**
     * Starts {@code blaze args} (a serve) in the background and waits, up to 60 s, until
     * {@code ready} holds; fails if the serve ends first.
     */
    static CompletableFuture<CliRun> serveUntil(BooleanSupplier ready, String what, String... args) throws InterruptedException {
        CompletableFuture<CliRun> serving = CompletableFuture.supplyAsync(() -> CliRun.run(WITH_PASSWORD, args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.getAsBoolean()) {
            assertThat(serving).as("serve is still running (%s)", what).isNotDone();
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
        return serving;
    }
}
