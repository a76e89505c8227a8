package dev.blazedb;

import static dev.blazedb.TestSupport.PASSWORD;
import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static dev.blazedb.TestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API rules of {@link BlazeDBClient}, on a file database and an in-memory one. */
class BlazeDBClientTest {

    @TempDir
    static Path sharedDir;

    private final List<BlazeDBClient> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(BlazeDBClient::close);
    }

    static Stream<String> kinds() {
        return Stream.of("file", "memory");
    }

    private BlazeDBClient db(String kind) {
        BlazeDBClient db = kind.equals("memory")
                ? BlazeDBClient.inMemory("mem")
                : open(sharedDir.resolve("db-" + UUID.randomUUID() + ".blazedb"));
        opened.add(db);
        return db;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertGeneratesAnIdStoresItAsUuidAndAddsCreatedAt(String kind) {
        BlazeDBClient db = db(kind);
        Instant before = Instant.now();
        UUID id = db.insert(record("a", 1));
        BlazeDataRecord stored = db.fetch(id).orElseThrow();
        assertThat(stored.uuid("id")).contains(id);
        assertThat(stored.date("createdAt")).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(before.minusMillis(1)));
        assertThat(stored.string("title")).contains("a");
        assertThat(id.version()).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertUsesAUuidIdFieldAndAUuidStringIdField(String kind) {
        BlazeDBClient db = db(kind);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(db.insert(record("a", 1).with("id", BlazeValue.uuid(a)))).isEqualTo(a);
        assertThat(db.insert(record("b", 2).with("id", BlazeValue.string(b.toString().toUpperCase())))).isEqualTo(b);
        assertThat(db.fetch(b).orElseThrow().get("id")).contains(BlazeValue.uuid(b));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertReplacesAnIdThatIsNotAUuid(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(record("a", 1).with("id", BlazeValue.integer(42)));
        assertThat(db.fetch(id).orElseThrow().uuid("id")).contains(id);
        UUID id2 = db.insert(record("a", 1).with("id", BlazeValue.string("not-a-uuid")));
        assertThat(id2).isNotEqualTo(id);
        assertThat(db.fetch(id2).orElseThrow().uuid("id")).contains(id2);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertKeepsAnExistingCreatedAt(String kind) {
        BlazeDBClient db = db(kind);
        Instant then = Instant.parse("2020-01-02T03:04:05Z");
        UUID id = db.insert(record("a", 1).with("createdAt", BlazeValue.date(then)));
        assertThat(db.fetch(id).orElseThrow().date("createdAt")).contains(then);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertingADuplicateIdFailsAndChangesNothing(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(record("first", 1));
        long seq = db.lastSequence();
        assertThatThrownBy(() -> db.insert(record("second", 2).with("id", BlazeValue.uuid(id))))
                .isInstanceOf(DuplicateRecordException.class)
                .hasMessageContaining(id.toString());
        assertThat(db.fetch(id).orElseThrow().string("title")).contains("first");
        assertThat(db.lastSequence()).isEqualTo(seq);
        assertThat(db.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anIdCanBeReusedAfterItsRecordIsDeleted(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(record("first", 1));
        assertThat(db.delete(id)).isTrue();
        assertThat(db.insert(record("again", 2).with("id", BlazeValue.uuid(id)))).isEqualTo(id);
        assertThat(db.fetch(id).orElseThrow().string("title")).contains("again");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void fetchOfAnUnknownIdIsEmpty(String kind) {
        assertThat(db(kind).fetch(UUID.randomUUID())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void fetchAllAndCountSeeEveryLiveRecord(String kind) {
        BlazeDBClient db = db(kind);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(db.insert(record("r", i)));
        }
        db.delete(ids.get(3));
        db.update(ids.get(7), record("changed", 7));
        assertThat(db.count()).isEqualTo(49);
        List<BlazeDataRecord> all = db.fetchAll();
        assertThat(all).hasSize(49);
        assertThat(all).extracting(r -> r.uuid("id").orElseThrow()).doesNotContain(ids.get(3))
                .containsAll(ids.subList(4, 50));
        assertThat(all.get(all.size() - 1).uuid("id")).contains(ids.get(7));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void updateMergesFieldsKeepsIdAndCreatedAtAndSetsUpdatedAt(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(BlazeDataRecord.builder().put("a", "1").put("b", "2").build());
        BlazeDataRecord before = db.fetch(id).orElseThrow();
        db.update(id, BlazeDataRecord.builder().put("b", "two").put("c", 3L)
                .put("id", BlazeValue.uuid(UUID.randomUUID()))
                .put("createdAt", BlazeValue.date(Instant.EPOCH)).build());
        BlazeDataRecord after = db.fetch(id).orElseThrow();
        assertThat(after.string("a")).contains("1");
        assertThat(after.string("b")).contains("two");
        assertThat(after.integer("c")).contains(3L);
        assertThat(after.uuid("id")).contains(id);
        assertThat(after.date("createdAt")).isEqualTo(before.date("createdAt"));
        assertThat(after.date("updatedAt")).isPresent();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void updateOfAMissingOrDeletedRecordFails(String kind) {
        BlazeDBClient db = db(kind);
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> db.update(missing, record("x", 1)))
                .isInstanceOf(RecordNotFoundException.class)
                .hasMessageContaining(missing.toString());
        UUID id = db.insert(record("x", 1));
        db.delete(id);
        assertThatThrownBy(() -> db.update(id, record("y", 2))).isInstanceOf(RecordNotFoundException.class);
        assertThat(db.fetch(id)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void upsertCreatesThenMerges(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = UUID.randomUUID();
        assertThat(db.upsert(id, BlazeDataRecord.builder().put("a", "1").build())).isTrue();
        BlazeDataRecord created = db.fetch(id).orElseThrow();
        assertThat(created.uuid("id")).contains(id);
        assertThat(created.date("createdAt")).isPresent();
        assertThat(db.upsert(id, BlazeDataRecord.builder().put("b", "2").build())).isFalse();
        BlazeDataRecord merged = db.fetch(id).orElseThrow();
        assertThat(merged.string("a")).contains("1");
        assertThat(merged.string("b")).contains("2");
        assertThat(merged.date("updatedAt")).isPresent();
        assertThat(db.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void upsertUsesTheGivenIdOverTheRecordsIdField(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = UUID.randomUUID();
        db.upsert(id, record("a", 1).with("id", BlazeValue.uuid(UUID.randomUUID())));
        assertThat(db.fetch(id).orElseThrow().uuid("id")).contains(id);
        assertThat(db.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deleteIsIdempotent(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(record("a", 1));
        long seq = db.lastSequence();
        assertThat(db.delete(id)).isTrue();
        assertThat(db.delete(id)).isFalse();
        assertThat(db.delete(UUID.randomUUID())).isFalse();
        assertThat(db.lastSequence()).isEqualTo(seq + 1);
        assertThat(db.count()).isZero();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertManyReturnsIdsInOrder(String kind) {
        BlazeDBClient db = db(kind);
        List<BlazeDataRecord> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(record("b", i));
        }
        List<UUID> ids = db.insertMany(batch);
        assertThat(ids).hasSize(100).doesNotHaveDuplicates();
        for (int i = 0; i < 100; i++) {
            assertThat(db.fetch(ids.get(i)).orElseThrow().integer("n")).contains((long) i);
        }
        assertThat(db.lastSequence()).isEqualTo(100);
        assertThat(db.insertMany(List.of())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void concurrentReadersNeverSeePartOfAnInsertMany(String kind) throws Exception {
        BlazeDBClient db = db(kind);
        int batchSize = 500;
        int batches = 40;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Long> partialCounts = new CopyOnWriteArrayList<>();
        List<UUID> firstIds = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                long count = db.count();
                if (count % batchSize != 0) {
                    partialCounts.add(count);
                }
                // the first and last record of a batch are visible together or not at all
                List<UUID> ids = List.copyOf(firstIds);
                if (!ids.isEmpty() && db.fetch(ids.get(ids.size() - 1)).isEmpty()) {
                    partialCounts.add(-1L);
                }
            }
        }, "reader");
        reader.start();
        try {
            for (int b = 0; b < batches; b++) {
                List<BlazeDataRecord> batch = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    batch.add(record("b" + b, i));
                }
                List<UUID> ids = db.insertMany(batch);
                firstIds.add(ids.get(ids.size() - 1));
            }
        } finally {
            writing.set(false);
            reader.join();
        }
        assertThat(partialCounts).as("counts that saw part of a batch").isEmpty();
        assertThat(db.count()).isEqualTo((long) batchSize * batches);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void insertManyWithAFailingMemberInsertsNothing(String kind) {
        BlazeDBClient db = db(kind);
        UUID existing = db.insert(record("existing", 0));
        long seq = db.lastSequence();
        List<BlazeDataRecord> clashWithStored = List.of(record("a", 1), record("b", 2).with("id", BlazeValue.uuid(existing)),
                record("c", 3));
        assertThatThrownBy(() -> db.insertMany(clashWithStored)).isInstanceOf(DuplicateRecordException.class);
        UUID dup = UUID.randomUUID();
        List<BlazeDataRecord> clashWithinBatch = List.of(record("a", 1).with("id", BlazeValue.uuid(dup)), record("b", 2),
                record("c", 3).with("id", BlazeValue.uuid(dup)));
        assertThatThrownBy(() -> db.insertMany(clashWithinBatch)).isInstanceOf(DuplicateRecordException.class);
        List<BlazeDataRecord> tooLarge = List.of(record("a", 1),
                BlazeDataRecord.builder().put("blob", BlazeValue.data(new byte[70 << 20])).build());
        assertThatThrownBy(() -> db.insertMany(tooLarge)).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.count()).isEqualTo(1);
        assertThat(db.lastSequence()).isEqualTo(seq);
        assertThat(db.fetch(dup)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void collectionsAreIsolated(String kind) {
        BlazeDBClient db = db(kind);
        BlazeCollection users = db.collection("users");
        BlazeCollection posts = db.collection("posts");
        UUID id = UUID.randomUUID();
        users.insert(record("user", 1).with("id", BlazeValue.uuid(id)));
        posts.insert(record("post", 2).with("id", BlazeValue.uuid(id)));
        assertThat(users.fetch(id).orElseThrow().string("title")).contains("user");
        assertThat(posts.fetch(id).orElseThrow().string("title")).contains("post");
        assertThat(db.fetch(id)).isEmpty();
        assertThat(db.count()).isZero();
        assertThat(users.count()).isEqualTo(1);
        posts.delete(id);
        assertThat(users.fetch(id)).isPresent();
        assertThat(db.collections()).containsExactly("users");
        assertThat(db.collection("users")).isSameAs(users);
        assertThat(db.collection(BlazeDBClient.DEFAULT_COLLECTION).fetch(db.insert(record("d", 0)))).isPresent();
        assertThatThrownBy(() -> db.collection("")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void sequencesStartAtOneAndGrowByOnePerChange(String kind) {
        BlazeDBClient db = db(kind);
        assertThat(db.lastSequence()).isZero();
        UUID id = db.insert(record("a", 1));
        assertThat(db.lastSequence()).isEqualTo(1);
        db.update(id, record("b", 2));
        db.insertMany(List.of(record("c", 3), record("d", 4)));
        db.delete(id);
        assertThat(db.lastSequence()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aClosedHandleRefusesOperationsAndCloseIsIdempotent(String kind) {
        BlazeDBClient db = db(kind);
        UUID id = db.insert(record("a", 1));
        db.close();
        db.close();
        assertThat(db.isClosed()).isTrue();
        List<Supplier<?>> ops = List.of(() -> db.insert(record("b", 2)), () -> db.fetch(id), db::fetchAll, db::count,
                () -> db.delete(id), () -> {
                    db.update(id, record("c", 3));
                    return null;
                });
        for (Supplier<?> op : ops) {
            assertThatThrownBy(op::get).isInstanceOf(DatabaseClosedException.class);
        }
    }

    @Test
    void aPasswordShorterThanEightCharactersIsRefused(@TempDir Path dir) {
        Path file = dir.resolve("short.blazedb");
        assertThatThrownBy(() -> new BlazeDBClient("x", file, "1234567", options().build()))
                .isInstanceOf(InvalidPasswordException.class).hasMessageContaining("8");
        assertThatThrownBy(() -> BlazeDBClient.open("x", file, "short".toCharArray(), options().build()))
                .isInstanceOf(InvalidPasswordException.class);
        assertThatThrownBy(() -> new BlazeDBClient("x", file, null, options().build()))
                .isInstanceOf(InvalidPasswordException.class);
        assertThat(dir.toFile().list()).isEmpty();
        try (BlazeDBClient db = new BlazeDBClient("x", file, "12345678", options().build())) {
            assertThat(db.count()).isZero();
        }
    }

    @Test
    void nodeIdAndNameAreStableAcrossReopen(@TempDir Path dir) {
        Path file = dir.resolve("node.blazedb");
        NodeId first;
        try (BlazeDBClient db = BlazeDBClient.open("alpha", file, PASSWORD.toCharArray(), options().build())) {
            first = db.nodeId();
            assertThat(db.name()).isEqualTo("alpha");
            assertThat(db.file()).contains(file);
        }
        try (BlazeDBClient db = BlazeDBClient.open("alpha", file, PASSWORD.toCharArray(), options().build())) {
            assertThat(db.nodeId()).isEqualTo(first);
            assertThat(db.nodeId().toString()).isEqualTo(first.uuid().toString());
        }
        try (BlazeDBClient other = BlazeDBClient.open("beta", dir.resolve("other.blazedb"), PASSWORD.toCharArray(),
                options().build())) {
            assertThat(other.nodeId()).isNotEqualTo(first);
        }
        assertThat(NodeId.of(first.uuid())).isEqualTo(first);
    }

    @Test
    void theCharArrayPasswordIsNotClearedButTheStringCopyIs(@TempDir Path dir) {
        char[] password = PASSWORD.toCharArray();
        try (BlazeDBClient db = BlazeDBClient.open("x", dir.resolve("p.blazedb"), password, options().build())) {
            assertThat(db.count()).isZero();
        }
        assertThat(new String(password)).isEqualTo(PASSWORD);
    }

    @Test
    void opensWithDefaultOptionsToo(@TempDir Path dir) {
        try (BlazeDBClient db = new BlazeDBClient("defaults", dir.resolve("d.blazedb"), PASSWORD)) {
            UUID id = db.insert(record("a", 1));
            assertThat(db.fetch(id)).isPresent();
        }
        try (BlazeDBClient db = new BlazeDBClient("defaults", dir.resolve("d.blazedb"), PASSWORD)) {
            assertThat(db.count()).isEqualTo(1);
        }
    }

    @Test
    void aMissingFolderIsAStorageError(@TempDir Path dir) {
        assertThatThrownBy(() -> open(dir.resolve("no/such/folder/db.blazedb")))
                .isInstanceOf(BlazeStorageException.class);
    }
}
