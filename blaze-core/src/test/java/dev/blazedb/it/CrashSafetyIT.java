package dev.blazedb.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.data.BlazeDataRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash safety with real processes: a child JVM writes continuously (single inserts and batches,
 * SYNC durability or GROUP with {@code sync()}, compactions and checkpoints included) and is killed
 * with SIGKILL at random moments, again and again on the same database. After each kill the
 * database must open, hold every record the child reported durable, and show every batch whole or
 * not at all.
 */
class CrashSafetyIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashSafetyIT.class);
    private static final int KILLS = 24;

    @TempDir
    Path dir;

    @Test
    @Timeout(170)
    void everyCommitReportedDurableSurvivesSigkillAndNoBatchIsPartial() throws Exception {
        Path file = dir.resolve("crash.blazedb");
        Random rnd = new Random();
        long seed = rnd.nextLong();
        LOG.info("crash test seed {}", seed);
        rnd.setSeed(seed);
        Set<UUID> durable = new HashSet<>();
        long discardedTails = 0;
        int compactions = 0;
        for (int round = 0; round < KILLS; round++) {
            long t0 = System.nanoTime();
            String mode = round % 3 == 0 ? "SYNC" : "GROUP";
            try (ChildProcess child = ChildProcess.start(CrashWriter.class, file.toString(), mode, Long.toString(rnd.nextLong()))) {
                child.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60));
                long ready = System.nanoTime();
                int target = 1 + rnd.nextInt(mode.equals("SYNC") ? 150 : 1500);
                child.awaitCount(l -> l.startsWith("D "), target, Duration.ofSeconds(60));
                if (rnd.nextBoolean()) {
                    // A random extra moment, so kills also land mid-write, mid-batch, mid-compaction.
                    Thread.sleep(rnd.nextInt(40));
                }
                assertThat(child.isAlive()).as("child alive before kill; stderr:\n%s", child.stderr()).isTrue();
                long t1 = System.nanoTime();
                child.kill();
                LOG.info("round {} {}: child ready after {} ms, killed {} ms later", round, mode, (ready - t0) / 1_000_000,
                        (t1 - ready) / 1_000_000);
                for (String line : child.stdout()) {
                    if (line.startsWith("D ")) {
                        durable.add(UUID.fromString(line.substring(2)));
                    } else if (line.startsWith("COMPACTED")) {
                        compactions++;
                    }
                }
            }
            try (BlazeDBClient db = BlazeDBClient.open("verify", file, "crash-test-password".toCharArray(),
                    BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).build())) {
                discardedTails += db.recoveryReport().discardedTailBytes() > 0 ? 1 : 0;
                Set<UUID> present = new HashSet<>();
                Map<String, Integer> batchCounts = new HashMap<>();
                Map<String, Long> batchSizes = new HashMap<>();
                for (BlazeDataRecord r : db.fetchAll()) {
                    present.add(r.uuid("id").orElseThrow());
                    r.string("batch").ifPresent(b -> {
                        batchCounts.merge(b, 1, Integer::sum);
                        batchSizes.put(b, r.integer("size").orElseThrow());
                    });
                }
                Set<UUID> missing = new HashSet<>(durable);
                missing.removeAll(present);
                assertThat(missing).as("round %d: records reported durable but missing after the kill", round).isEmpty();
                for (Map.Entry<String, Integer> b : batchCounts.entrySet()) {
                    assertThat(b.getValue().longValue()).as("round %d: batch %s", round, b.getKey())
                            .isEqualTo(batchSizes.get(b.getKey()));
                }
                assertThat(db.count()).isEqualTo(present.size());
                assertThat(db.lastSequence()).isGreaterThanOrEqualTo(present.size());
                LOG.info("round {}: verified {} records, open {} ms, round {} ms", round, present.size(),
                        db.recoveryReport().openTime().toMillis(), (System.nanoTime() - t0) / 1_000_000);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .doesNotContain("crash.blazedb.compact", "crash.blazedb.ckpt.tmp");
        }
        LOG.info("{} kills, {} records reported durable, {} torn tails truncated, {} compactions",
                KILLS, durable.size(), discardedTails, compactions);
        assertThat(durable).isNotEmpty();
    }
}
