package dev.blazedb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.storage.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/** Shared helpers for the database tests. */
public final class TestSupport {

    /** A password long enough. */
    public static final String PASSWORD = "correct horse battery staple";

    /** Cheap key derivation so tests stay fast. */
    public static final Argon2Params CHEAP_KDF = Argon2Params.of(1024, 1, 1);

    private TestSupport() {
    }

    /** Options with cheap key derivation. */
    public static BlazeOptions.Builder options() {
        return BlazeOptions.builder().argon2(CHEAP_KDF);
    }

    /** Opens (or creates) {@code file} with cheap options. */
    public static BlazeDBClient open(Path file) {
        return new BlazeDBClient("test", file, PASSWORD, options().build());
    }

    /** Opens (or creates) {@code file} with {@code options}. */
    public static BlazeDBClient open(Path file, BlazeOptions options) {
        return new BlazeDBClient("test", file, PASSWORD, options);
    }

    /** The engine behind a client. */
    public static StorageEngine engine(BlazeDBClient db) {
        return InternalAccess.engine(db);
    }

    /**
     * Asserts that {@code db} holds exactly {@code expected}: its count, each record by id, and
     * {@code fetchAll} (in any order); {@code what} names the case in a failure.
     */
    public static void assertContent(BlazeDBClient db, Map<UUID, BlazeDataRecord> expected, String what) {
        assertThat(db.count()).as(what).isEqualTo(expected.size());
        for (Map.Entry<UUID, BlazeDataRecord> e : expected.entrySet()) {
            assertThat(db.fetch(e.getKey())).as(what).contains(e.getValue());
        }
        assertThat(db.fetchAll()).as(what).containsExactlyInAnyOrderElementsOf(expected.values());
    }

    /** {@link #assertContent(BlazeDBClient, Map, String)} with no name for the case. */
    public static void assertContent(BlazeDBClient db, Map<UUID, BlazeDataRecord> expected) {
        assertContent(db, expected, "database content");
    }

    /** A small record. */
    public static BlazeDataRecord record(String title, long n) {
        return BlazeDataRecord.builder().put("title", title).put("n", n).build();
    }

    /** A record of about 100 bytes encoded. */
    public static BlazeDataRecord hundredBytes(long n) {
        return BlazeDataRecord.builder()
                .put("name", "user-" + n)
                .put("email", "user" + n + "@example.com")
                .put("age", n % 90)
                .put("score", n * 0.5)
                .put("status", BlazeValue.string(n % 2 == 0 ? "active" : "inactive-account"))
                .build();
    }

    /** SHA-256 of every regular file under {@code dir}, by relative path. */
    public static Map<String, String> hashFolder(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    out.put(rel + "/", "dir");
                } else {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    out.put(rel, HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)))
                            + " " + Files.getLastModifiedTime(p).toMillis());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Flips one bit of the byte at {@code position} of {@code file}. */
    public static void flipByte(Path file, long position) {
        try {
            byte[] b = Files.readAllBytes(file);
            b[(int) position] ^= 0x10;
            Files.write(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code haystack} contains {@code needle}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
