package dev.blazedb;

import static dev.blazedb.TestSupport.engine;
import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.internal.feed.ChangeFeed;
import dev.blazedb.internal.storage.Checkpoint;
import dev.blazedb.internal.storage.FrameCipher;
import dev.blazedb.internal.storage.LogFormat;
import dev.blazedb.internal.storage.NonceSource;
import dev.blazedb.internal.storage.StorageEngine;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry groups (docs/storage-format.md): the entries of one transaction share frames. Each test
 * says what it does to a log with groups and checks that every record reads back as written.
 */
class EntryGroupTest {

    @TempDir
    Path dir;

    /** Records of mixed sizes: most share frames, every 17th is too large to share one. */
    private static List<BlazeDataRecord> mixed(int n) {
        List<BlazeDataRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BlazeDataRecord.Builder b = BlazeDataRecord.builder().put("title", "grouped " + i).put("n", i);
            if (i % 17 == 5) {
                b.put("blob", BlazeValue.data(new byte[1500 + i]));
            }
            out.add(b.build());
        }
        return out;
    }

    private static Map<UUID, BlazeDataRecord> insertMany(BlazeDBClient db, List<BlazeDataRecord> records) {
        List<UUID> ids = db.insertMany(records);
        Map<UUID, BlazeDataRecord> stored = new LinkedHashMap<>();
        for (UUID id : ids) {
            stored.put(id, db.fetch(id).orElseThrow());
        }
        return stored;
    }

    /** {@link TestSupport#assertContent}, and {@code fetchAll} in log order (the order of {@code expected}). */
    private static void assertContentInLogOrder(BlazeDBClient db, Map<UUID, BlazeDataRecord> expected) {
        TestSupport.assertContent(db, expected);
        assertThat(db.fetchAll()).containsExactlyElementsOf(expected.values());
    }

    /** How many records share their frame with another, and the frames of more than one. */
    private static Map<Long, List<UUID>> frames(BlazeDBClient db, Iterable<UUID> ids) {
        Map<Long, List<UUID>> byFrame = new LinkedHashMap<>();
        for (UUID id : ids) {
            byFrame.computeIfAbsent(engine(db).positionOf("default", id), k -> new ArrayList<>()).add(id);
        }
        byFrame.values().removeIf(l -> l.size() < 2);
        return byFrame;
    }

    @Test
    void anInsertManySharesFramesAndReadsBackThroughFetchReplayCheckpointAndTheFeed() {
        Path file = dir.resolve("groups.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            expected = insertMany(db, mixed(300));
            Map<Long, List<UUID>> shared = frames(db, expected.keySet());
            assertThat(shared).isNotEmpty();
            assertThat(shared.values().stream().mapToInt(List::size).sum()).isGreaterThan(200);
            assertContentInLogOrder(db, expected);
        }
        // Replayed whole (no checkpoint), then again from a checkpoint written on close.
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isFalse();
            assertContentInLogOrder(db, expected);
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isTrue();
            assertContentInLogOrder(db, expected);
            List<UUID> replayed = db.changes(0).take(expected.size()).map(ChangeEvent::recordId)
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(replayed).containsExactlyElementsOf(expected.keySet());
        }
    }

    @Test
    void theFeedCanStopAndResumeInsideAGroupWithoutAGapOrADuplicate() throws Exception {
        try (BlazeDBClient db = BlazeDBClient.inMemory("feed")) {
            Map<UUID, BlazeDataRecord> expected = insertMany(db, mixed(200));
            db.insert(TestSupport.record("after", 1));
            StorageEngine engine = engine(db);
            for (int max : new int[] {1, 2, 3, 7}) {
                List<UUID> seen = new ArrayList<>();
                long from = 1;
                Object hint = null;
                while (from <= 201) {
                    ChangeFeed.Batch batch = engine.load(from, max, hint);
                    assertThat(batch.events()).hasSizeLessThanOrEqualTo(max);
                    for (ChangeEvent e : batch.events()) {
                        assertThat(e.sequence()).isEqualTo(seen.size() + 1L);
                        seen.add(e.recordId());
                        if (expected.containsKey(e.recordId())) {
                            assertThat(e.record()).contains(expected.get(e.recordId()));
                        }
                    }
                    from = batch.coveredUpTo() + 1;
                    hint = batch.hint();
                }
                assertThat(seen).hasSize(201);
                assertThat(seen.subList(0, 200)).containsExactlyElementsOf(expected.keySet());
                // Starting in the middle of a group, from the sparse index rather than a hint.
                assertThat(engine.load(102, 3, null).events()).extracting(ChangeEvent::sequence).containsExactly(102L, 103L, 104L);
            }
        }
    }

    @Test
    void updatesDeletesAndCompactionOfGroupedRecordsKeepEveryRecord() {
        Path file = dir.resolve("compact.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        try (BlazeDBClient db = open(file)) {
            expected = new HashMap<>(insertMany(db, mixed(120)));
            List<UUID> ids = new ArrayList<>(expected.keySet());
            for (int i = 0; i < ids.size(); i += 4) {
                db.update(ids.get(i), BlazeDataRecord.builder().put("title", "changed " + i).build());
                expected.put(ids.get(i), db.fetch(ids.get(i)).orElseThrow());
            }
            for (int i = 1; i < ids.size(); i += 9) {
                db.delete(ids.get(i));
                expected.remove(ids.get(i));
            }
            expected.putAll(insertMany(db, mixed(40)));
            db.compact();
            assertThat(db.fetchAll()).containsExactlyInAnyOrderElementsOf(expected.values());
            // Compaction writes the surviving entries in groups too, single inserts included.
            List<UUID> singles = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                UUID single = db.insert(TestSupport.record("single", i));
                singles.add(single);
                expected.put(single, db.fetch(single).orElseThrow());
            }
            assertThat(frames(db, singles)).isEmpty();
            db.compact();
            assertThat(frames(db, expected.keySet()).values().stream().mapToInt(List::size).sum())
                    .isGreaterThan(expected.size() / 2);
            assertThat(frames(db, singles)).isNotEmpty();
            assertThat(db.fetchAll()).containsExactlyInAnyOrderElementsOf(expected.values());
            expected.putAll(insertMany(db, mixed(30)));
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            TestSupport.assertContent(db, expected, "reopened after compaction");
        }
    }

    /**
     * An authentic frame of a payload version this build does not know (as a newer BlazeDB would
     * write) at the end of the log: the open fails saying so, with or without salvage, and the
     * frame is not truncated as a torn tail would be.
     */
    @Test
    void aFrameOfANewerPayloadVersionStopsTheOpenAndIsNeverTruncated() throws Exception {
        Path file = dir.resolve("newer.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        SecretKey dataKey;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            expected = insertMany(db, mixed(10));
            Field key = StorageEngine.class.getDeclaredField("dataKey");
            key.setAccessible(true);
            dataKey = (SecretKey) key.get(engine(db));
        }
        byte[] log = Files.readAllBytes(file);
        byte[] logId = LogFormat.Header.parse(log, log.length, file.toString()).logId();
        long at = log.length;
        byte[] plain = new byte[100];
        plain[0] = 3; // a payload version after the entry group's 2
        byte[] frame = new byte[FrameCipher.frameLength(plain.length)];
        System.arraycopy(plain, 0, frame, LogFormat.FRAME_HEADER_LENGTH, plain.length);
        new FrameCipher(dataKey, new NonceSource(new SecureRandom())).seal(frame, 0, plain.length, logId, at);
        Files.write(file, frame, StandardOpenOption.APPEND);
        long size = Files.size(file);

        for (BlazeOptions o : List.of(options().checkpointOnClose(false).build(), options().salvage(true).build())) {
            assertThatThrownBy(() -> open(file, o)).isInstanceOf(CorruptDatabaseException.class)
                    .hasMessageContaining("newer version of BlazeDB")
                    .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(at));
            assertThat(Files.size(file)).isEqualTo(size);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(at);
        }
        try (BlazeDBClient db = open(file)) {
            assertContentInLogOrder(db, expected);
        }
    }

    @Test
    void aFlippedByteInAGroupIsCorruptionNamingTheFrameAndSalvageDropsOnlyThatFrame() throws java.io.IOException {
        Path file = dir.resolve("damaged.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        List<UUID> victims;
        long victimPos;
        try (BlazeDBClient db = open(file)) {
            expected = insertMany(db, mixed(100));
            Map.Entry<Long, List<UUID>> frame = frames(db, expected.keySet()).entrySet().stream().skip(3).findFirst().orElseThrow();
            victimPos = frame.getKey();
            victims = frame.getValue();
            db.insert(TestSupport.record("after", 1)); // committed data after the damage: corruption, not a torn tail
        }
        TestSupport.flipByte(file, victimPos + 60);

        // With the checkpoint: every entry of the frame fails on read, naming the frame; the rest reads.
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isTrue();
            for (UUID id : victims) {
                assertThatThrownBy(() -> db.fetch(id)).isInstanceOf(CorruptDatabaseException.class)
                        .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(victimPos));
            }
            for (UUID id : expected.keySet()) {
                if (!victims.contains(id)) {
                    assertThat(db.fetch(id)).contains(expected.get(id));
                }
            }
        }
        // Replaying the whole log: the open fails naming the frame.
        Files.delete(Checkpoint.file(file));
        assertThatThrownBy(() -> open(file)).isInstanceOf(CorruptDatabaseException.class)
                .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(victimPos));
        // Salvage skips exactly that frame's entries.
        try (BlazeDBClient db = open(file, options().salvage(true).build())) {
            assertThat(db.recoveryReport().damagedRegions()).hasSize(1);
            assertThat(db.recoveryReport().damagedRegions().get(0).position()).isEqualTo(victimPos);
            assertThat(db.count()).isEqualTo(expected.size() + 1 - victims.size());
            for (UUID id : victims) {
                assertThat(db.fetch(id)).isEmpty();
            }
        }
    }
}
