package dev.blazedb.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.NodeId;
import dev.blazedb.TestSupport;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.internal.sync.SyncMessage;
import dev.blazedb.internal.sync.SyncStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's resume point is written to the log every {@link StorageEngine#RESUME_POINT_EVERY}
 * sequences and at close, not with every applied batch: after a crash the peer resends the
 * stretch since the stored point, which must change nothing, and nothing acknowledged is lost.
 */
class ResumePointTest {

    private static final NodeId PEER = NodeId.random();

    /** Peer changes with sequences {@code from..to}, each a new record. */
    private static List<SyncMessage.Change> changes(long from, long to) {
        List<SyncMessage.Change> out = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            UUID id = new UUID(0x5EEDL, seq);
            BlazeDataRecord r = BlazeDataRecord.builder().put("id", BlazeValue.uuid(id)).put("n", seq).build();
            long hlc = (1_700_000_000_000L << 16) + seq;
            out.add(new SyncMessage.Change(seq, false, hlc, PEER, seq, id, "default", null, Map.of(), r));
        }
        return out;
    }

    /** A copy of the database file as a crash would leave it: what was written, without a clean close. */
    private static Path crashImage(StorageEngine e, Path file, Path dir, String name) throws IOException {
        e.sync();
        Path copy = dir.resolve(name);
        Files.copy(file, copy);
        return copy;
    }

    @Test
    void aBatchMovesTheResumePointInMemoryAndACrashResendsOnlyWhatChangesNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("b.blazedb");
        try (BlazeDBClient db = TestSupport.open(file)) {
            StorageEngine e = TestSupport.engine(db);
            SyncStore.ApplyResult first = e.applyRemote(PEER, changes(1, 10), 10, SyncStore.Admission.ALL, null, true);
            assertThat(first.applied()).isEqualTo(10);
            assertThat(e.resumePoint(PEER)).isEqualTo(10);
            assertThat(e.storedResumePoint(PEER)).isZero(); // not written per batch

            Path crashed = crashImage(e, file, dir, "crashed.blazedb");
            try (BlazeDBClient after = TestSupport.open(crashed)) {
                StorageEngine c = TestSupport.engine(after);
                assertThat(c.resumePoint(PEER)).isZero();
                assertThat(after.count()).isEqualTo(10); // the changes themselves survived
                long head = c.lastSequence();
                // the peer resends everything after the stored point: applying it again writes nothing
                SyncStore.ApplyResult again = c.applyRemote(PEER, changes(1, 10), 10, SyncStore.Admission.ALL, null, true);
                assertThat(again.applied()).isZero();
                assertThat(c.lastSequence()).isEqualTo(head);
                assertThat(after.count()).isEqualTo(10);
                assertThat(c.resumePoint(PEER)).isEqualTo(10);
            }
        }
        // a clean close writes the point
        try (BlazeDBClient db = TestSupport.open(file)) {
            assertThat(TestSupport.engine(db).storedResumePoint(PEER)).isEqualTo(10);
        }
    }

    @Test
    void theResumePointIsWrittenInTheTransactionThatMovesItFarEnough(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("b.blazedb");
        long far = StorageEngine.RESUME_POINT_EVERY + 5;
        try (BlazeDBClient db = TestSupport.open(file)) {
            StorageEngine e = TestSupport.engine(db);
            e.applyRemote(PEER, changes(1, 3), 3, SyncStore.Admission.ALL, null, true);
            // the peer skipped most of its log (changes of other peers, say): covered-through jumps
            e.applyRemote(PEER, changes(far, far), far, SyncStore.Admission.ALL, null, true);
            assertThat(e.storedResumePoint(PEER)).isEqualTo(far);

            Path crashed = crashImage(e, file, dir, "crashed.blazedb");
            try (BlazeDBClient after = TestSupport.open(crashed)) {
                assertThat(TestSupport.engine(after).resumePoint(PEER)).isEqualTo(far);
                assertThat(after.count()).isEqualTo(4);
            }
        }
    }

    @Test
    void remoteChangesWithoutAResumePointEntryAreCommittedAndReachTheChangeFeed(@TempDir Path dir) {
        Path file = dir.resolve("b.blazedb");
        try (BlazeDBClient db = TestSupport.open(file)) {
            StorageEngine e = TestSupport.engine(db);
            e.applyRemote(PEER, changes(1, 1), 1, SyncStore.Admission.ALL, null, true);
            e.applyRemote(PEER, changes(2, 4), 4, SyncStore.Admission.ALL, null, true);
            List<ChangeEvent> events = db.changes(0).take(4).collectList().block(java.time.Duration.ofSeconds(30));
            assertThat(events).extracting(ChangeEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
            assertThat(events).allMatch(ChangeEvent::isRemote);
        }
        try (BlazeDBClient db = TestSupport.open(file)) {
            assertThat(db.count()).isEqualTo(4);
            assertThat(db.changes(0).take(4).count().block(java.time.Duration.ofSeconds(30))).isEqualTo(4);
        }
    }
}
