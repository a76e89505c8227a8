package dev.blazedb;

import static dev.blazedb.TestSupport.PASSWORD;
import static dev.blazedb.TestSupport.contains;
import static dev.blazedb.TestSupport.hashFolder;
import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest, the key check, and what a wrong password may touch. */
class StorageSecurityTest {

    @Test
    void aWrongPasswordFailsAndLeavesTheFolderByteForByteUnchanged(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("secret.blazedb");
        try (BlazeDBClient db = open(file, options().checkpointInterval(1).build())) {
            for (int i = 0; i < 100; i++) {
                db.insert(TestSupport.record("r", i));
            }
            db.checkpoint();
            db.insert(TestSupport.record("after checkpoint", 1));
        }
        // A leftover of an interrupted compaction: a correct open would delete it, a wrong one must not.
        Files.write(dir.resolve("secret.blazedb.compact"), new byte[] {1, 2, 3});
        Map<String, String> before = hashFolder(dir);
        List<String> listing = list(dir);
        assertThat(listing).contains("secret.blazedb", "secret.blazedb.lock", "secret.blazedb.ckpt", "secret.blazedb.compact");

        assertThatThrownBy(() -> new BlazeDBClient("x", file, "wrong password!", options().build()))
                .isInstanceOf(InvalidPasswordException.class);
        assertThatThrownBy(() -> BlazeDBClient.open("x", file, "another wrong one".toCharArray(), options().build()))
                .isInstanceOf(InvalidPasswordException.class);

        assertThat(hashFolder(dir)).isEqualTo(before);
        assertThat(list(dir)).isEqualTo(listing);

        try (BlazeDBClient db = open(file)) {
            assertThat(db.count()).isEqualTo(101);
        }
        assertThat(list(dir)).doesNotContain("secret.blazedb.compact");
    }

    @Test
    void aWrongPasswordIsReportedEvenWhileAnotherHandleHoldsTheLock(@TempDir Path dir) {
        Path file = dir.resolve("held.blazedb");
        try (BlazeDBClient db = open(file)) {
            db.insert(TestSupport.record("a", 1));
            assertThatThrownBy(() -> new BlazeDBClient("x", file, "wrong password!", options().build()))
                    .isInstanceOf(InvalidPasswordException.class);
            assertThatThrownBy(() -> open(file)).isInstanceOf(DatabaseLockedException.class);
        }
    }

    @Test
    void noContentFieldNameOrCollectionNameAppearsInPlaintextInAnyFile(@TempDir Path dir) throws IOException {
        String secretValue = "SECRET-VALUE-7f3a9c";
        String secretField = "secretFieldName_91be";
        String secretCollection = "secretCollection_55aa";
        String secretMeta = "secretMetaKey_0c0c";
        Path file = dir.resolve("plain.blazedb");
        try (BlazeDBClient db = open(file, options().checkpointInterval(1).build())) {
            for (int i = 0; i < 50; i++) {
                db.insert(BlazeDataRecord.builder().put(secretField, secretValue + i).put("title", secretValue).build());
                db.collection(secretCollection).insert(BlazeDataRecord.builder()
                        .put("payload", BlazeValue.data(secretValue.getBytes(StandardCharsets.UTF_8))).build());
            }
            UUID id = db.insert(BlazeDataRecord.builder().put(secretField, secretValue).build());
            db.update(id, BlazeDataRecord.builder().put(secretField + "2", secretValue).build());
            db.delete(id);
            TestSupport.engine(db).putMeta(secretMeta, secretValue.getBytes(StandardCharsets.UTF_8));
            db.checkpoint();
            db.compact();
            db.insert(BlazeDataRecord.builder().put(secretField, secretValue).build());
        }
        List<byte[]> needles = new ArrayList<>();
        for (String s : List.of(secretValue, secretField, secretCollection, secretMeta, "title", "payload")) {
            needles.add(s.getBytes(StandardCharsets.UTF_8));
            needles.add(s.getBytes(StandardCharsets.UTF_16BE));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (Path f : files) {
            byte[] raw = Files.readAllBytes(f);
            for (byte[] needle : needles) {
                assertThat(contains(raw, needle))
                        .as("%s contains '%s'", f.getFileName(), new String(needle, StandardCharsets.UTF_8))
                        .isFalse();
            }
        }
        // And the data is really there.
        try (BlazeDBClient db = open(file)) {
            assertThat(db.count()).isEqualTo(51);
            assertThat(db.collection(secretCollection).count()).isEqualTo(50);
        }
    }

    @Test
    void aDamagedHeaderIsCorruptionNotAWrongPassword(@TempDir Path dir) {
        Path file = dir.resolve("hdr.blazedb");
        try (BlazeDBClient db = open(file)) {
            db.insert(TestSupport.record("a", 1));
        }
        TestSupport.flipByte(file, 30);
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(CorruptDatabaseException.class)
                .hasMessageContaining("header")
                .satisfies(e -> assertThat(((CorruptDatabaseException) e).position()).isZero());
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedWithoutBeingChanged(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "just some text, not a database");
        Map<String, String> before = hashFolder(dir);
        assertThatThrownBy(() -> open(file)).isInstanceOf(CorruptDatabaseException.class).hasMessageContaining("magic");
        assertThat(hashFolder(dir)).isEqualTo(before);
    }

    @Test
    void theDatabaseKeepsTheKdfCostItWasCreatedWith(@TempDir Path dir) {
        Path file = dir.resolve("kdf.blazedb");
        try (BlazeDBClient db = new BlazeDBClient("x", file, PASSWORD, options().argon2(Argon2Params.of(2048, 2, 2)).build())) {
            db.insert(TestSupport.record("a", 1));
        }
        // Opening with other (default, expensive) settings still uses the stored parameters.
        try (BlazeDBClient db = new BlazeDBClient("x", file, PASSWORD, options().argon2(Argon2Params.of(8192, 1, 1)).build())) {
            assertThat(db.count()).isEqualTo(1);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
