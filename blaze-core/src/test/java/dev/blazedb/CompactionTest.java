package dev.blazedb;

import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static dev.blazedb.TestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BlazeDBClient#compact()}. */
class CompactionTest {

    @TempDir
    Path dir;

    @Test
    void compactionKeepsEveryLiveRecordAndTombstoneAndShrinksTheFile() throws IOException {
        Path file = dir.resolve("compact.blazedb");
        Map<UUID, BlazeDataRecord> expected = new HashMap<>();
        List<UUID> deleted = new ArrayList<>();
        long sizeBefore;
        long seq;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ids.add(db.insert(record("r", i)));
            }
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 500; i += 2) {
                    db.update(ids.get(i), record("round " + round, i));
                }
            }
            for (int i = 1; i < 500; i += 10) {
                db.delete(ids.get(i));
                deleted.add(ids.get(i));
            }
            db.collection("other").insert(record("other", 1));
            for (UUID id : ids) {
                db.fetch(id).ifPresent(r -> expected.put(id, r));
            }
            db.sync();
            sizeBefore = Files.size(file);
            seq = db.lastSequence();
            long after = db.compact();
            assertThat(after).isLessThan(sizeBefore / 2);
            assertThat(Files.size(file)).isEqualTo(after);
            assertThat(db.lastSequence()).isEqualTo(seq);
            assertThat(db.count()).isEqualTo(expected.size());
            for (Map.Entry<UUID, BlazeDataRecord> e : expected.entrySet()) {
                assertThat(db.fetch(e.getKey())).contains(e.getValue());
            }
            // Writes continue after compaction, with the next sequence.
            UUID next = db.insert(record("next", 1));
            expected.put(next, db.fetch(next).orElseThrow());
            assertThat(db.lastSequence()).isEqualTo(seq + 1);
        }
        assertThat(Files.size(file)).isLessThan(sizeBefore / 2);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.count()).isEqualTo(expected.size());
            assertThat(db.fetchAll()).containsExactlyInAnyOrderElementsOf(expected.values());
            assertThat(db.collection("other").count()).isEqualTo(1);
            assertThat(db.lastSequence()).isEqualTo(seq + 1);
            List<UUID> tombstones = db.changes(0).filter(e -> e.type() == ChangeType.DELETE)
                    .map(ChangeEvent::recordId).take(deleted.size()).collectList().block(java.time.Duration.ofSeconds(30));
            assertThat(tombstones).containsExactlyInAnyOrderElementsOf(deleted);
            // A deleted id stays deleted, and may be reused.
            assertThat(db.fetch(deleted.get(0))).isEmpty();
            db.insert(record("reborn", 0).with("id", dev.blazedb.data.BlazeValue.uuid(deleted.get(0))));
        }
    }

    @Test
    void compactionRunsWhileOtherThreadsWrite() throws Exception {
        Path file = dir.resolve("online.blazedb");
        Map<UUID, Long> written = new ConcurrentHashMap<>();
        long count;
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 2000; i++) {
                db.insert(record("seed", i));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Thread t = new Thread(() -> {
                    try {
                        long i = 0;
                        while (!stop.get() && i < 6000) {
                            UUID id = db.insert(record("during", i));
                            written.put(id, i);
                            if (i % 3 == 0) {
                                db.update(id, record("updated", i + 1));
                                written.put(id, i + 1);
                            }
                            i++;
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.start();
                writers.add(t);
            }
            int compactions = 0;
            while (compactions < 2 || writers.stream().anyMatch(Thread::isAlive) && compactions < 20) {
                db.compact();
                compactions++;
                assertThat(db.count()).isGreaterThanOrEqualTo(2000);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(written).isNotEmpty();
            for (Map.Entry<UUID, Long> e : written.entrySet()) {
                assertThat(db.fetch(e.getKey()).orElseThrow().integer("n")).contains(e.getValue());
            }
            assertThat(db.count()).isEqualTo(2000 + written.size());
            count = db.count();
        }
        try (BlazeDBClient again = open(file)) {
            assertThat(again.count()).isEqualTo(count);
            for (Map.Entry<UUID, Long> e : written.entrySet()) {
                assertThat(again.fetch(e.getKey()).orElseThrow().integer("n")).contains(e.getValue());
            }
        }
    }

    @Test
    void aLeftoverOfAnInterruptedCompactionIsRemovedOnOpen() throws IOException {
        Path file = dir.resolve("leftover.blazedb");
        try (BlazeDBClient db = open(file)) {
            db.insert(record("a", 1));
        }
        Path leftover = dir.resolve("leftover.blazedb.compact");
        Path ckptTmp = dir.resolve("leftover.blazedb.ckpt.tmp");
        Files.write(leftover, new byte[1000]);
        Files.write(ckptTmp, new byte[10]);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.count()).isEqualTo(1);
        }
        assertThat(leftover).doesNotExist();
        assertThat(ckptTmp).doesNotExist();
    }

    @Test
    void inMemoryDatabasesCompactToo() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("mem")) {
            UUID id = db.insert(record("a", 0));
            for (int i = 1; i < 1000; i++) {
                db.update(id, record("a", i));
            }
            long before = TestSupport.engine(db).logSize();
            long after = db.compact();
            assertThat(after).isLessThan(before / 10);
            assertThat(db.fetch(id).orElseThrow().integer("n")).contains(999L);
            assertThat(db.lastSequence()).isEqualTo(1000);
        }
    }

    @Test
    void metadataSurvivesCompactionAndReopen() {
        Path file = dir.resolve("meta.blazedb");
        try (BlazeDBClient db = open(file)) {
            var engine = TestSupport.engine(db);
            engine.putMeta("peer.a", new byte[] {1});
            engine.putMeta("peer.a", new byte[] {2});
            engine.putMeta("peer.b", new byte[] {3});
            db.compact();
            assertThat(engine.meta("peer.a")).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            assertThat(TestSupport.engine(db).meta("peer.a")).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
            assertThat(TestSupport.engine(db).meta("peer.b")).hasValueSatisfying(v -> assertThat(v).containsExactly(3));
        }
    }
}
