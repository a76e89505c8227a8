package dev.blazedb;

import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log cut at a random byte, or with a random byte flipped, as a crash or a bad disk leaves it,
 * over random transactions (single writes and {@code insertMany} batches, whose entries share
 * frames). Seeded scenarios (docs/decisions/0001); {@code -Dblazedb.seeds=N} adds N random ones.
 *
 * <p>A cut log opens with exactly the records of the last transaction that ended before the
 * cut. A flipped byte either opens with the records of a transaction boundary before it (the
 * damage was in the uncommitted tail) or fails with {@link CorruptDatabaseException} naming a
 * position at or before the byte; never another exception, never other records.
 */
class TornLogTest {

    @TempDir
    Path dir;

    /** The log size after each transaction, and the records then. */
    private record Boundary(long end, Map<UUID, BlazeDataRecord> records) {
    }

    @Test
    void aCutOrDamagedLogOpensAtATransactionBoundaryOrFailsNamingTheDamage() throws IOException {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 25; s++) {
            seeds.add(s);
        }
        Random extra = new Random();
        for (int i = 0; i < Integer.getInteger("blazedb.seeds", 0); i++) {
            seeds.add(extra.nextLong());
        }
        for (long seed : seeds) {
            try {
                scenario(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("scenario with seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void scenario(long seed) throws IOException {
        Random rnd = new Random(seed);
        Path file = dir.resolve("torn-" + seed + ".blazedb");
        BlazeOptions noCheckpoint = options().checkpointOnClose(false).build(); // every open replays the whole log
        List<Boundary> boundaries = new ArrayList<>();
        Map<UUID, BlazeDataRecord> model = new HashMap<>();
        try (BlazeDBClient db = open(file, noCheckpoint)) {
            db.sync();
            boundaries.add(new Boundary(Files.size(file), Map.of()));
            int transactions = 5 + rnd.nextInt(20);
            for (int t = 0; t < transactions; t++) {
                List<UUID> ids = new ArrayList<>(model.keySet());
                int op = rnd.nextInt(10);
                if (op < 5) {
                    List<BlazeDataRecord> batch = new ArrayList<>();
                    for (int i = 1 + rnd.nextInt(40); i > 0; i--) {
                        batch.add(record(rnd));
                    }
                    for (UUID id : db.insertMany(batch)) {
                        model.put(id, db.fetch(id).orElseThrow());
                    }
                } else if (op < 7 || ids.isEmpty()) {
                    UUID id = db.insert(record(rnd));
                    model.put(id, db.fetch(id).orElseThrow());
                } else if (op < 9) {
                    UUID id = ids.get(rnd.nextInt(ids.size()));
                    db.update(id, BlazeDataRecord.builder().put("changed", rnd.nextLong()).build());
                    model.put(id, db.fetch(id).orElseThrow());
                } else {
                    UUID id = ids.get(rnd.nextInt(ids.size()));
                    db.delete(id);
                    model.remove(id);
                }
                db.sync();
                boundaries.add(new Boundary(Files.size(file), Map.copyOf(model)));
            }
        }
        long size = Files.size(file);
        byte[] original = Files.readAllBytes(file);
        long headerEnd = boundaries.get(0).end();

        for (int k = 0; k < 3; k++) {
            long cut = headerEnd + (long) (rnd.nextDouble() * (size - headerEnd));
            Path copy = dir.resolve("cut-" + seed + "-" + k + ".blazedb");
            Files.write(copy, original);
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            Boundary expected = lastBoundaryAtOrBefore(boundaries, cut);
            try (BlazeDBClient db = open(copy, noCheckpoint)) {
                // What is discarded starts at or after the boundary (a META entry of its own may follow it).
                assertThat(db.recoveryReport().discardedTailBytes()).as("cut at %d", cut).isBetween(0L, cut - expected.end());
                TestSupport.assertContent(db, expected.records(), "cut at " + cut);
            }
        }

        for (int k = 0; k < 3; k++) {
            long at = headerEnd + (long) (rnd.nextDouble() * (size - headerEnd));
            Path copy = dir.resolve("flip-" + seed + "-" + k + ".blazedb");
            byte[] damaged = original.clone();
            damaged[(int) at] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(copy, damaged);
            try (BlazeDBClient db = open(copy, noCheckpoint)) {
                // Only damage after the last transaction (in what close appended) can open: as a torn tail.
                Boundary last = boundaries.get(boundaries.size() - 1);
                assertThat(at).as("a flip that opened").isGreaterThanOrEqualTo(last.end());
                TestSupport.assertContent(db, last.records(), "flip at " + at);
            } catch (CorruptDatabaseException e) {
                assertThat(e.position()).as("flip at %d", at).isBetween(headerEnd, at);
            }
        }
    }

    private static Boundary lastBoundaryAtOrBefore(List<Boundary> boundaries, long position) {
        Boundary last = boundaries.get(0);
        for (Boundary b : boundaries) {
            if (b.end() <= position) {
                last = b;
            }
        }
        return last;
    }

    /** Mostly small records, now and then one too large to share a frame. */
    private static BlazeDataRecord record(Random rnd) {
        BlazeDataRecord.Builder b = BlazeDataRecord.builder().put("n", rnd.nextLong()).put("title", "t" + rnd.nextInt(1000));
        if (rnd.nextInt(12) == 0) {
            byte[] blob = new byte[900 + rnd.nextInt(800)];
            rnd.nextBytes(blob);
            b.put("blob", BlazeValue.data(blob));
        }
        return b.build();
    }
}
