package dev.blazedb.benchmarks;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.Durability;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The storage engine: inserts with group commit, point reads, opening a 1 M-record database, and
 * compacting one. Records are the standard 5-field record of {@link BenchmarkRecords} without its
 * id (the database assigns one), about 100 bytes stored. Key derivation uses cheap Argon2id costs
 * unless {@code kdf=default} (64 MiB, t=3) is asked for, so open times show the engine itself.
 *
 * <pre>
 * java -jar blaze-benchmarks/target/benchmarks.jar 'StorageBenchmark.(insert|pointRead)' -f 1 -wi 3 -i 5 -w 2s -r 2s
 * java -jar blaze-benchmarks/target/benchmarks.jar StorageBenchmark.pointRead -t 2 -f 1 -wi 3 -i 5
 * java -jar blaze-benchmarks/target/benchmarks.jar 'StorageBenchmark.Open1M' -f 1 -wi 1 -i 5
 * java -jar blaze-benchmarks/target/benchmarks.jar 'StorageBenchmark.Compact1M' -f 1 -wi 0 -i 3
 * </pre>
 */
public class StorageBenchmark {

    static final String PASSWORD = "benchmark password";
    static final Argon2Params CHEAP = Argon2Params.of(1024, 1, 1);

    static BlazeDataRecord record(long i) {
        return BenchmarkRecords.standard(i).without("id");
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("blazedb-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BlazeOptions options(Durability durability) {
        return BlazeOptions.builder().argon2(CHEAP).durability(durability).build();
    }

    /** Fills a new database with {@code n} records; returns their ids. */
    static UUID[] fill(BlazeDBClient db, int n) {
        UUID[] ids = new UUID[n];
        List<BlazeDataRecord> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i += 1000) {
            batch.clear();
            for (int k = i; k < Math.min(n, i + 1000); k++) {
                batch.add(record(k));
            }
            List<UUID> got = db.insertMany(batch);
            for (int k = 0; k < got.size(); k++) {
                ids[i + k] = got.get(k);
            }
        }
        return ids;
    }

    /** Single-threaded inserts into one collection, with the given durability. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public static class Insert {
        /** GROUP (10 ms, the default), OS, or SYNC. */
        @Param({"GROUP"})
        public String durability;

        private Path dir;
        private BlazeDBClient db;
        private final BlazeDataRecord[] records = new BlazeDataRecord[1 << 16];
        private int next;

        /** Opens a fresh database. */
        @Setup(Level.Trial)
        public void open() {
            for (int i = 0; i < records.length; i++) {
                records[i] = record(i);
            }
            dir = tempDir();
            Durability d = switch (durability) {
                case "SYNC" -> Durability.SYNC;
                case "OS" -> Durability.OS;
                default -> Durability.group();
            };
            db = BlazeDBClient.open("bench", dir.resolve("insert.blazedb"), PASSWORD.toCharArray(), options(d));
        }

        /** Closes and deletes it. */
        @TearDown(Level.Trial)
        public void close() {
            db.close();
            delete(dir);
        }

        /** One insert of a ~100-byte record. */
        @Benchmark
        public UUID insert() {
            return db.insert(records[next++ & (records.length - 1)]);
        }
    }

    /** Random point reads over a database of {@code records} records. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public static class PointRead {
        /** Database size. */
        @Param({"1000000"})
        public int records;

        private Path dir;
        private BlazeDBClient db;
        private UUID[] ids;

        /** Creates and fills the database, then reopens it (reads come from the file). */
        @Setup(Level.Trial)
        public void open() {
            dir = tempDir();
            Path file = dir.resolve("read.blazedb");
            try (BlazeDBClient filling = BlazeDBClient.open("bench", file, PASSWORD.toCharArray(), options(Durability.group()))) {
                ids = fill(filling, records);
            }
            db = BlazeDBClient.open("bench", file, PASSWORD.toCharArray(), options(Durability.group()));
        }

        /** Closes and deletes it. */
        @TearDown(Level.Trial)
        public void close() {
            db.close();
            delete(dir);
        }

        /** One fetch of a random existing record. */
        @Benchmark
        public Optional<BlazeDataRecord> pointRead() {
            return db.fetch(ids[ThreadLocalRandom.current().nextInt(ids.length)]);
        }
    }

    /** Opening (and closing) a database of {@code records} records that has a checkpoint. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public static class Open1M {
        /** Database size. */
        @Param({"1000000"})
        public int records;

        /** Argon2id cost: {@code cheap} (1 MiB, t=1) or {@code default} (64 MiB, t=3). */
        @Param({"cheap"})
        public String kdf;

        private Path dir;
        private Path file;

        /** Creates and fills the database. */
        @Setup(Level.Trial)
        public void create() {
            dir = tempDir();
            file = dir.resolve("open.blazedb");
            BlazeOptions o = BlazeOptions.builder().argon2(kdf.equals("default") ? Argon2Params.DEFAULT : CHEAP).build();
            try (BlazeDBClient db = BlazeDBClient.open("bench", file, PASSWORD.toCharArray(), o)) {
                fill(db, records);
            }
        }

        /** Deletes it. */
        @TearDown(Level.Trial)
        public void delete() {
            StorageBenchmark.delete(dir);
        }

        /** Open, count, close. */
        @Benchmark
        public long open() {
            try (BlazeDBClient db = BlazeDBClient.open("bench", file, PASSWORD.toCharArray(), BlazeOptions.builder().build())) {
                return db.count();
            }
        }
    }

    /** Compacting a database of {@code records} live records after every other one was updated once. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public static class Compact1M {
        /** Database size. */
        @Param({"1000000"})
        public int records;

        private Path dir;
        private BlazeDBClient db;

        /** Creates the database with garbage to collect. */
        @Setup(Level.Iteration)
        public void create() {
            dir = tempDir();
            db = BlazeDBClient.open("bench", dir.resolve("compact.blazedb"), PASSWORD.toCharArray(), options(Durability.group()));
            UUID[] ids = fill(db, records);
            BlazeDataRecord change = BlazeDataRecord.builder().put("count", BlazeValue.integer(7)).build();
            for (int i = 0; i < ids.length; i += 2) {
                db.update(ids[i], change);
            }
            db.sync();
        }

        /** Closes and deletes it. */
        @TearDown(Level.Iteration)
        public void close() {
            db.close();
            delete(dir);
        }

        /** One compaction. */
        @Benchmark
        public long compact() {
            return db.compact();
        }
    }
}
