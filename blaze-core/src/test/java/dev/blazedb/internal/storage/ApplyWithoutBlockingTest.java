package dev.blazedb.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.Durability;
import dev.blazedb.NodeId;
import dev.blazedb.TestSupport;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.internal.sync.SyncMessage;
import dev.blazedb.internal.sync.SyncStore;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code applyRemote(..., mayBlock = false)}, what an event loop calls: it applies a batch exactly
 * as the blocking call would when nothing has to wait, and otherwise returns null having changed
 * nothing (no record, no sequence, no resume point, no event), so the batch can go to the apply
 * scheduler whole.
 */
class ApplyWithoutBlockingTest {

    private static final NodeId PEER = NodeId.random();

    /** Peer changes with sequences {@code from..to}: record {@code seq}'s field n set to {@code value}. */
    private static List<SyncMessage.Change> changes(long from, long to, long value, long hlcBase) {
        List<SyncMessage.Change> out = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            UUID id = new UUID(0x5EEDL, seq);
            BlazeDataRecord r = BlazeDataRecord.builder().put("id", BlazeValue.uuid(id)).put("n", value).build();
            long hlc = (hlcBase << 16) + seq;
            out.add(new SyncMessage.Change(seq, false, hlc, PEER, seq, id, "default", null, Map.of(), r));
        }
        return out;
    }

    private static SyncStore.ApplyResult tryApply(StorageEngine e, List<SyncMessage.Change> batch) {
        long covered = batch.get(batch.size() - 1).sequence();
        return e.applyRemote(PEER, batch, covered, SyncStore.Admission.ALL, null, false);
    }

    private static void assertUnchanged(StorageEngine e, long lastSequence, long resumePoint) {
        assertThat(e.lastSequence()).isEqualTo(lastSequence);
        assertThat(e.resumePoint(PEER)).isEqualTo(resumePoint);
    }

    @Test
    void aFileDatabaseAppliesNewRecordsInlineButNotUpdatesThatReadTheFile(@TempDir Path dir) {
        try (BlazeDBClient db = TestSupport.open(dir.resolve("b.blazedb"))) {
            StorageEngine e = TestSupport.engine(db);
            // A fresh file has no durable block of sequence numbers yet: taking one waits for the disk.
            assertThat(tryApply(e, changes(1, 3, 1, 1_700_000_000_000L))).isNull();
            assertUnchanged(e, 0, 0);
            assertThat(db.count()).isZero();

            e.applyRemote(PEER, changes(1, 3, 1, 1_700_000_000_000L), 3, SyncStore.Admission.ALL, null, true);
            SyncStore.ApplyResult inline = tryApply(e, changes(4, 10, 1, 1_700_000_000_000L));
            assertThat(inline).isNotNull();
            assertThat(inline.applied()).isEqualTo(7);
            assertThat(db.count()).isEqualTo(10);
            assertThat(e.resumePoint(PEER)).isEqualTo(10);
            List<ChangeEvent> events = db.changes(0).take(10).collectList().block(Duration.ofSeconds(30));
            assertThat(events).extracting(ChangeEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(events).allMatch(ChangeEvent::isRemote);

            // A newer version of record 2: merging needs its stored state, read from the file.
            List<SyncMessage.Change> update = changes(2, 2, 99, 1_800_000_000_000L);
            update = List.of(new SyncMessage.Change(11, false, update.get(0).hlc(), PEER, 11, update.get(0).recordId(),
                    "default", null, Map.of(), update.get(0).record()));
            assertThat(tryApply(e, update)).isNull();
            assertUnchanged(e, 10, 10);
            assertThat(db.fetch(new UUID(0x5EEDL, 2)).orElseThrow().integer("n")).hasValue(1L);
            assertThat(e.applyRemote(PEER, update, 11, SyncStore.Admission.ALL, null, true).applied()).isEqualTo(1);
            assertThat(db.fetch(new UUID(0x5EEDL, 2)).orElseThrow().integer("n")).hasValue(99L);
        }
    }

    @Test
    void anInMemoryDatabaseMergesUpdatesInline() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("m")) {
            StorageEngine e = TestSupport.engine(db);
            assertThat(tryApply(e, changes(1, 5, 1, 1_700_000_000_000L)).applied()).isEqualTo(5);
            List<SyncMessage.Change> update = changes(3, 3, 42, 1_800_000_000_000L);
            update = List.of(new SyncMessage.Change(6, false, update.get(0).hlc(), PEER, 6, update.get(0).recordId(),
                    "default", null, Map.of(), update.get(0).record()));
            assertThat(tryApply(e, update).applied()).isEqualTo(1);
            assertThat(db.fetch(new UUID(0x5EEDL, 3)).orElseThrow().integer("n")).hasValue(42L);
            assertThat(e.resumePoint(PEER)).isEqualTo(6);
        }
    }

    @Test
    void syncDurabilityNeverAppliesInline(@TempDir Path dir) {
        try (BlazeDBClient db = TestSupport.open(dir.resolve("s.blazedb"), TestSupport.options().durability(Durability.SYNC).build())) {
            StorageEngine e = TestSupport.engine(db);
            e.applyRemote(PEER, changes(1, 1, 1, 1_700_000_000_000L), 1, SyncStore.Admission.ALL, null, true);
            assertThat(tryApply(e, changes(2, 3, 1, 1_700_000_000_000L))).isNull(); // each commit waits for its fsync
            assertUnchanged(e, 1, 1);
        }
    }

    @Test
    void aWriterHoldingTheLockSendsTheBatchToTheScheduler() throws Exception {
        try (BlazeDBClient db = BlazeDBClient.inMemory("w")) {
            StorageEngine e = TestSupport.engine(db);
            Field f = StorageEngine.class.getDeclaredField("writeLock");
            f.setAccessible(true);
            ReentrantLock lock = (ReentrantLock) f.get(e);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                lock.lock();
                try {
                    held.countDown();
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.unlock();
                }
            });
            writer.start();
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            try {
                assertThat(tryApply(e, changes(1, 2, 1, 1_700_000_000_000L))).isNull();
                assertUnchanged(e, 0, 0);
            } finally {
                release.countDown();
                writer.join(30_000);
            }
            assertThat(tryApply(e, changes(1, 2, 1, 1_700_000_000_000L)).applied()).isEqualTo(2);
        }
    }
}
