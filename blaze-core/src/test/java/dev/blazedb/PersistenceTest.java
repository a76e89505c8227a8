package dev.blazedb;

import static dev.blazedb.TestSupport.assertContent;
import static dev.blazedb.TestSupport.engine;
import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static dev.blazedb.TestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.storage.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reopen, checkpoints, torn tails, corruption, and the lock. */
class PersistenceTest {

    @TempDir
    Path dir;

    private Map<UUID, BlazeDataRecord> fill(BlazeDBClient db, int n) {
        Map<UUID, BlazeDataRecord> expected = new HashMap<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = db.insert(record("r", i));
            ids.add(id);
        }
        for (int i = 0; i < n; i += 7) {
            db.update(ids.get(i), record("updated", i));
        }
        for (int i = 3; i < n; i += 11) {
            db.delete(ids.get(i));
        }
        for (UUID id : ids) {
            db.fetch(id).ifPresent(r -> expected.put(id, r));
        }
        return expected;
    }

    @Test
    void reopeningAfterCloseKeepsEverything() {
        Path file = dir.resolve("reopen.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        Map<UUID, BlazeDataRecord> other = new HashMap<>();
        long seq;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            expected = fill(db, 300);
            for (int i = 0; i < 20; i++) {
                UUID id = db.collection("other").insert(record("o", i));
                other.put(id, db.collection("other").fetch(id).orElseThrow());
            }
            seq = db.lastSequence();
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isFalse();
            assertContent(db, expected);
            assertThat(db.collection("other").fetchAll()).containsExactlyInAnyOrderElementsOf(other.values());
            assertThat(db.lastSequence()).isEqualTo(seq);
            UUID id = db.insert(record("next", 1));
            assertThat(db.lastSequence()).isEqualTo(seq + 1);
            expected.put(id, db.fetch(id).orElseThrow());
        }
        try (BlazeDBClient db = open(file)) {
            assertContent(db, expected);
        }
    }

    @Test
    void aCheckpointIsUsedOnOpenAndOnlyTheLogAfterItIsReplayed() {
        Path file = dir.resolve("ckpt.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            expected = fill(db, 500);
            db.checkpoint();
            UUID late = db.insert(record("late", 1));
            expected.put(late, db.fetch(late).orElseThrow());
            db.sync();
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(true).build())) {
            RecoveryReport r = db.recoveryReport();
            assertThat(r.checkpointUsed()).isTrue();
            assertThat(r.replayedEntries()).isBetween(1L, 2L);
            assertContent(db, expected);
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isTrue();
            assertThat(db.recoveryReport().replayedEntries()).isZero();
            assertContent(db, expected);
        }
    }

    @Test
    void aDamagedCheckpointIsIgnoredAndTheLogReplayed() throws IOException {
        Path file = dir.resolve("badckpt.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        try (BlazeDBClient db = open(file)) {
            expected = fill(db, 200);
        }
        Path ckpt = Checkpoint.file(file);
        assertThat(ckpt).exists();
        long size = Files.size(ckpt);
        TestSupport.flipByte(ckpt, size / 2);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isFalse();
            assertThat(db.recoveryReport().replayedEntries()).isGreaterThan(200);
            assertContent(db, expected);
        }
        // Truncated, and then one of another database: ignored too.
        try (FileChannel ch = FileChannel.open(ckpt, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(ckpt) - 10);
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isFalse();
            assertContent(db, expected);
        }
        Path otherFile = dir.resolve("other.blazedb");
        try (BlazeDBClient other = open(otherFile)) {
            other.insert(record("x", 1));
        }
        Files.copy(Checkpoint.file(otherFile), ckpt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isFalse();
            assertContent(db, expected);
        }
    }

    @Test
    void aTornTailIsTruncatedSilently() throws IOException {
        Path file = dir.resolve("torn.blazedb");
        Map<UUID, BlazeDataRecord> expected;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            expected = fill(db, 100);
        }
        long size = Files.size(file);
        // Half of a frame: a plausible length field followed by too few bytes.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.allocate(60);
            b.putInt(0, 200);
            ch.write(b);
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            assertThat(db.recoveryReport().discardedTailBytes()).isEqualTo(60);
            assertContent(db, expected);
            UUID id = db.insert(record("after", 1));
            expected.put(id, db.fetch(id).orElseThrow());
        }
        assertThat(Files.size(file)).isGreaterThan(size);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().discardedTailBytes()).isZero();
            assertContent(db, expected);
        }
    }

    @Test
    void anInsertManyCutShortByACrashIsDiscardedWhole() throws IOException {
        Path file = dir.resolve("batch.blazedb");
        UUID single;
        long beforeBatch;
        List<UUID> batch;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            single = db.insert(record("single", 0));
            db.sync();
            beforeBatch = Files.size(file);
            List<BlazeDataRecord> records = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                records.add(record("batch", i));
            }
            batch = db.insertMany(records);
        }
        long after = Files.size(file);
        // Cut the log inside the batch: its entries before the cut are there, its commit is not.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(beforeBatch + (after - beforeBatch) * 2 / 3);
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().discardedTailBytes()).isPositive();
            assertThat(db.fetch(single)).isPresent();
            for (UUID id : batch) {
                assertThat(db.fetch(id)).isEmpty();
            }
            assertThat(db.count()).isEqualTo(1);
            // Sequences 2..51 were handed out (subscribers may have seen them) before the crash
            // lost their changes: they are never issued again for other changes.
            assertThat(db.lastSequence()).isGreaterThanOrEqualTo(1 + batch.size());
            long lost = db.lastSequence();
            db.insert(record("after", 1));
            assertThat(db.changes(lost).blockFirst(Duration.ofSeconds(10)).sequence()).isGreaterThan(1 + batch.size());
        }
    }

    @Test
    void aCleanReopenContinuesTheSequencesWithoutAGap() {
        Path file = dir.resolve("sequences.blazedb");
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 10; i++) {
                db.insert(record("r", i));
            }
        }
        for (int round = 0; round < 3; round++) {
            try (BlazeDBClient db = open(file)) {
                long last = db.lastSequence();
                assertThat(last).isEqualTo(10 + round);
                db.insert(record("again", round));
                assertThat(db.changes(last).blockFirst(Duration.ofSeconds(10)).sequence()).isEqualTo(last + 1);
            }
        }
    }

    @Test
    void aFlippedByteInACommittedEntryFailsTheOpenNamingItsPosition() {
        Path file = dir.resolve("corrupt.blazedb");
        List<UUID> ids = new ArrayList<>();
        long victimPos;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            for (int i = 0; i < 100; i++) {
                ids.add(db.insert(record("r", i)));
            }
            victimPos = engine(db).positionOf("default", ids.get(40));
        }
        TestSupport.flipByte(file, victimPos + 40);
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(CorruptDatabaseException.class)
                .hasMessageContaining("position " + victimPos)
                .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(victimPos));
    }

    @Test
    void aFlippedLengthFieldIsCorruptionToo() {
        Path file = dir.resolve("corruptlen.blazedb");
        List<UUID> ids = new ArrayList<>();
        long victimPos;
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            for (int i = 0; i < 100; i++) {
                ids.add(db.insert(record("r", i)));
            }
            victimPos = engine(db).positionOf("default", ids.get(10));
        }
        TestSupport.flipByte(file, victimPos + 2);
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(CorruptDatabaseException.class)
                .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(victimPos));
    }

    @Test
    void withACheckpointDamageIsDetectedOnReadAndOtherRecordsStayReadable() {
        Path file = dir.resolve("corrupt-read.blazedb");
        List<UUID> ids = new ArrayList<>();
        long victimPos;
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 100; i++) {
                ids.add(db.insert(record("r", i)));
            }
            victimPos = engine(db).positionOf("default", ids.get(40));
        }
        TestSupport.flipByte(file, victimPos + 50);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isTrue();
            assertThatThrownBy(() -> db.fetch(ids.get(40)))
                    .isInstanceOf(CorruptDatabaseException.class)
                    .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isEqualTo(victimPos));
            for (int i = 0; i < 100; i++) {
                if (i != 40) {
                    assertThat(db.fetch(ids.get(i))).isPresent();
                }
            }
            assertThatThrownBy(db::fetchAll).isInstanceOf(CorruptDatabaseException.class);
        }
    }

    @Test
    void salvageSkipsDamagedEntriesReportsThemAndCompactionRepairs() {
        Path file = dir.resolve("salvage.blazedb");
        List<UUID> ids = new ArrayList<>();
        long victimPos;
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 100; i++) {
                ids.add(db.insert(record("r", i)));
            }
            victimPos = engine(db).positionOf("default", ids.get(40));
        }
        TestSupport.flipByte(file, victimPos + 50);
        try (BlazeDBClient db = open(file, options().salvage(true).build())) {
            RecoveryReport r = db.recoveryReport();
            assertThat(r.checkpointUsed()).isFalse();
            assertThat(r.damagedRegions()).hasSize(1);
            assertThat(r.damagedRegions().get(0).position()).isEqualTo(victimPos);
            assertThat(db.fetch(ids.get(40))).isEmpty();
            assertThat(db.count()).isEqualTo(99);
            db.compact();
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            assertThat(db.recoveryReport().damagedRegions()).isEmpty();
            assertThat(db.count()).isEqualTo(99);
        }
    }

    @Test
    void aSecondHandleOnTheSameFileIsRefusedUntilTheFirstCloses() {
        Path file = dir.resolve("locked.blazedb");
        BlazeDBClient first = open(file);
        try {
            assertThatThrownBy(() -> open(file))
                    .isInstanceOf(DatabaseLockedException.class)
                    .isInstanceOf(BlazeException.class)
                    .hasMessageContaining("already open");
            assertThatThrownBy(() -> open(dir.resolve(".").resolve("locked.blazedb")))
                    .isInstanceOf(DatabaseLockedException.class);
            first.insert(record("still works", 1));
        } finally {
            first.close();
        }
        try (BlazeDBClient second = open(file)) {
            assertThat(second.count()).isEqualTo(1);
        }
    }

    @Test
    void theNilUuidIsAnOrdinaryIdAcrossCheckpointsAndReopen() {
        Path file = dir.resolve("nil.blazedb");
        UUID nil = new UUID(0, 0);
        try (BlazeDBClient db = open(file)) {
            assertThat(db.insert(record("nil", 1).with("id", dev.blazedb.data.BlazeValue.string(nil.toString())))).isEqualTo(nil);
            db.update(nil, record("nil2", 2));
            db.insert(record("other", 3));
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.recoveryReport().checkpointUsed()).isTrue();
            assertThat(db.fetch(nil).orElseThrow().string("title")).contains("nil2");
            assertThat(db.count()).isEqualTo(2);
            assertThat(db.delete(nil)).isTrue();
            assertThat(db.collection("default").ids()).doesNotContain(nil);
        }
        try (BlazeDBClient db = open(file, options().checkpointOnClose(false).build())) {
            assertThat(db.fetch(nil)).isEmpty();
            assertThat(db.count()).isEqualTo(1);
            db.compact();
            assertThat(db.fetch(nil)).isEmpty();
        }
    }

    @Test
    void everyDurabilityModeKeepsWhatWasSyncedOrClosed() {
        for (Durability d : List.of(Durability.SYNC, Durability.group(), Durability.group(java.time.Duration.ofMillis(1)),
                Durability.OS)) {
            Path file = dir.resolve("dur-" + d.mode() + d.interval().toMillis() + ".blazedb");
            Map<UUID, BlazeDataRecord> expected;
            try (BlazeDBClient db = open(file, options().durability(d).build())) {
                expected = fill(db, 120);
                db.sync();
            }
            try (BlazeDBClient db = open(file)) {
                assertContent(db, expected);
            }
        }
    }

    @Test
    void recordsLargerThanTheWriteBufferWork() {
        Path file = dir.resolve("large.blazedb");
        byte[] blob = new byte[3 << 20];
        new java.util.Random(1).nextBytes(blob);
        UUID id;
        try (BlazeDBClient db = open(file, options().writeBufferSize(64 << 10).build())) {
            id = db.insert(BlazeDataRecord.builder().put("blob", dev.blazedb.data.BlazeValue.data(blob)).build());
            for (int i = 0; i < 2000; i++) {
                db.insert(record("small", i));
            }
            assertThat(db.fetch(id).orElseThrow().get("blob")).contains(dev.blazedb.data.BlazeValue.data(blob));
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.fetch(id).orElseThrow().get("blob")).contains(dev.blazedb.data.BlazeValue.data(blob));
            assertThat(db.count()).isEqualTo(2001);
        }
    }
}
