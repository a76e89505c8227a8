package dev.blazedb;

import static dev.blazedb.TestSupport.PASSWORD;
import static dev.blazedb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operation sequences against a map model: inserts (also with taken ids and every kind of
 * id field), batches (also failing ones), updates, upserts, deletes, compactions, checkpoints,
 * reopen with other options; after each scenario the database is reopened and compared with the
 * model, record by record, and replaying {@code changes(0)} must rebuild the same state.
 *
 * <p>Seeds are fixed so a failure reproduces; {@code -Dblazedb.seeds=N} runs N more random ones
 * and prints them.
 */
class ModelBasedTest {

    private static final List<String> COLLECTIONS = List.of("default", "a", "b");
    private static final Set<String> TIME_FIELDS = Set.of("createdAt", "updatedAt");

    @TempDir
    Path dir;

    @Test
    void randomOperationSequencesMatchAMapModelAcrossReopen() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 20; s++) {
            seeds.add(s);
        }
        int extra = Integer.getInteger("blazedb.seeds", 0);
        Random r = new Random();
        for (int i = 0; i < extra; i++) {
            seeds.add(r.nextLong());
        }
        for (long seed : seeds) {
            try {
                scenario(seed, dir.resolve("model-" + seed + ".blazedb"));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("scenario with seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static final class Model {
        final Map<String, Map<UUID, Map<String, BlazeValue>>> collections = new HashMap<>();
        final Map<String, Map<UUID, Boolean>> updated = new HashMap<>();
        long sequence;

        Map<UUID, Map<String, BlazeValue>> of(String c) {
            return collections.computeIfAbsent(c, k -> new LinkedHashMap<>());
        }
    }

    private BlazeOptions randomOptions(Random rnd) {
        BlazeOptions.Builder b = options();
        switch (rnd.nextInt(10)) {
            case 0 -> b.durability(Durability.SYNC);
            case 1, 2, 3 -> b.durability(Durability.OS);
            case 4 -> b.durability(Durability.group(Duration.ofMillis(1)));
            default -> b.durability(Durability.group());
        }
        if (rnd.nextBoolean()) {
            b.writeBufferSize(64 << 10);
        }
        if (rnd.nextBoolean()) {
            b.changeBufferSize(16);
        }
        b.checkpointOnClose(rnd.nextBoolean());
        b.checkpointInterval(rnd.nextInt(4) == 0 ? 4096 : 0);
        return b.build();
    }

    private void scenario(long seed, Path file) {
        Random rnd = new Random(seed);
        Model model = new Model();
        BlazeDBClient db = BlazeDBClient.open("model", file, PASSWORD.toCharArray(), randomOptions(rnd));
        try {
            int ops = 150 + rnd.nextInt(100);
            for (int op = 0; op < ops; op++) {
                String c = COLLECTIONS.get(rnd.nextInt(COLLECTIONS.size()));
                BlazeCollection coll = db.collection(c);
                Map<UUID, Map<String, BlazeValue>> m = model.of(c);
                int kind = rnd.nextInt(100);
                if (kind < 30) {
                    insert(rnd, coll, m, model, c);
                } else if (kind < 38) {
                    insertMany(rnd, coll, m, model, c);
                } else if (kind < 55) {
                    UUID id = pickId(rnd, m);
                    Map<String, BlazeValue> changes = randomFields(rnd, 3);
                    if (m.containsKey(id)) {
                        coll.update(id, BlazeDataRecord.of(changes));
                        merge(m.get(id), changes, id);
                        model.updated.computeIfAbsent(c, k -> new HashMap<>()).put(id, true);
                        model.sequence++;
                    } else {
                        try {
                            coll.update(id, BlazeDataRecord.of(changes));
                            fail("update of a missing record succeeded");
                        } catch (RecordNotFoundException expected) {
                            // as the model says
                        }
                    }
                } else if (kind < 68) {
                    UUID id = pickId(rnd, m);
                    Map<String, BlazeValue> fields = randomFields(rnd, 3);
                    boolean created = coll.upsert(id, BlazeDataRecord.of(fields));
                    assertThat(created).isEqualTo(!m.containsKey(id));
                    if (created) {
                        Map<String, BlazeValue> stored = new TreeMap<>(fields);
                        stored.put("id", BlazeValue.uuid(id));
                        stored.keySet().removeAll(TIME_FIELDS);
                        m.put(id, stored);
                        model.updated.computeIfAbsent(c, k -> new HashMap<>()).remove(id);
                    } else {
                        merge(m.get(id), fields, id);
                        model.updated.computeIfAbsent(c, k -> new HashMap<>()).put(id, true);
                    }
                    model.sequence++;
                } else if (kind < 80) {
                    UUID id = pickId(rnd, m);
                    boolean deleted = coll.delete(id);
                    assertThat(deleted).isEqualTo(m.remove(id) != null);
                    if (deleted) {
                        model.sequence++;
                    }
                } else if (kind < 90) {
                    UUID id = pickId(rnd, m);
                    check(coll, m, model, c, id);
                    assertThat(coll.count()).isEqualTo(m.size());
                } else if (kind < 93) {
                    db.compact();
                } else if (kind < 95) {
                    db.checkpoint();
                } else if (kind < 97) {
                    db.sync();
                } else {
                    db.close();
                    db = BlazeDBClient.open("model", file, PASSWORD.toCharArray(), randomOptions(rnd));
                }
                assertThat(db.lastSequence()).isEqualTo(model.sequence);
            }
            db.close();
            db = BlazeDBClient.open("model", file, PASSWORD.toCharArray(), options().build());
            compareAll(db, model);
            compareReplay(db, model);
        } finally {
            db.close();
        }
    }

    private void insert(Random rnd, BlazeCollection coll, Map<UUID, Map<String, BlazeValue>> m, Model model, String c) {
        Map<String, BlazeValue> fields = randomFields(rnd, 4);
        UUID wanted = null;
        int idKind = rnd.nextInt(6);
        if (idKind == 0 && !m.isEmpty()) {
            wanted = pickId(rnd, m);
            fields.put("id", BlazeValue.uuid(wanted));
        } else if (idKind == 1) {
            wanted = UUID.randomUUID();
            fields.put("id", BlazeValue.string(wanted.toString()));
        } else if (idKind == 2) {
            fields.put("id", BlazeValue.integer(rnd.nextInt()));
        }
        if (rnd.nextInt(4) == 0) {
            fields.put("createdAt", BlazeValue.date(Instant.ofEpochSecond(1_600_000_000L + rnd.nextInt(1000))));
        }
        if (wanted != null && m.containsKey(wanted)) {
            try {
                coll.insert(BlazeDataRecord.of(fields));
                fail("duplicate insert succeeded");
            } catch (DuplicateRecordException expected) {
                return;
            }
        }
        UUID id = coll.insert(BlazeDataRecord.of(fields));
        if (wanted != null) {
            assertThat(id).isEqualTo(wanted);
        }
        Map<String, BlazeValue> stored = new TreeMap<>(fields);
        stored.put("id", BlazeValue.uuid(id));
        stored.keySet().removeAll(TIME_FIELDS);
        m.put(id, stored);
        model.updated.computeIfAbsent(c, k -> new HashMap<>()).remove(id);
        model.sequence++;
    }

    private void insertMany(Random rnd, BlazeCollection coll, Map<UUID, Map<String, BlazeValue>> m, Model model, String c) {
        int n = 1 + rnd.nextInt(20);
        List<BlazeDataRecord> batch = new ArrayList<>();
        List<Map<String, BlazeValue>> fieldsList = new ArrayList<>();
        boolean poison = rnd.nextInt(4) == 0 && !m.isEmpty();
        int poisonAt = rnd.nextInt(n);
        for (int i = 0; i < n; i++) {
            Map<String, BlazeValue> f = randomFields(rnd, 3);
            if (poison && i == poisonAt) {
                f.put("id", BlazeValue.uuid(new ArrayList<>(m.keySet()).get(rnd.nextInt(m.size()))));
            }
            fieldsList.add(f);
            batch.add(BlazeDataRecord.of(f));
        }
        if (poison) {
            try {
                coll.insertMany(batch);
                fail("a batch with a taken id succeeded");
            } catch (DuplicateRecordException expected) {
                return;
            }
        }
        List<UUID> ids = coll.insertMany(batch);
        for (int i = 0; i < n; i++) {
            Map<String, BlazeValue> stored = new TreeMap<>(fieldsList.get(i));
            stored.put("id", BlazeValue.uuid(ids.get(i)));
            stored.keySet().removeAll(TIME_FIELDS);
            m.put(ids.get(i), stored);
            model.updated.computeIfAbsent(c, k -> new HashMap<>()).remove(ids.get(i));
        }
        model.sequence += n;
    }

    private static void merge(Map<String, BlazeValue> target, Map<String, BlazeValue> changes, UUID id) {
        changes.forEach((k, v) -> {
            if (!k.equals("id") && !TIME_FIELDS.contains(k)) {
                target.put(k, v);
            }
        });
        target.put("id", BlazeValue.uuid(id));
    }

    private static UUID pickId(Random rnd, Map<UUID, Map<String, BlazeValue>> m) {
        if (m.isEmpty() || rnd.nextInt(4) == 0) {
            return UUID.randomUUID();
        }
        int i = rnd.nextInt(m.size());
        for (UUID id : m.keySet()) {
            if (i-- == 0) {
                return id;
            }
        }
        throw new IllegalStateException();
    }

    private static void check(BlazeCollection coll, Map<UUID, Map<String, BlazeValue>> m, Model model, String c, UUID id) {
        var fetched = coll.fetch(id);
        if (!m.containsKey(id)) {
            assertThat(fetched).isEmpty();
            return;
        }
        BlazeDataRecord r = fetched.orElseThrow();
        assertThat(r.date("createdAt")).isPresent();
        boolean updated = model.updated.getOrDefault(c, Map.of()).getOrDefault(id, false);
        if (updated) {
            assertThat(r.date("updatedAt")).isPresent();
        }
        Map<String, BlazeValue> actual = new TreeMap<>(r.fields());
        actual.keySet().removeAll(TIME_FIELDS);
        assertThat(actual).isEqualTo(m.get(id));
    }

    private static void compareAll(BlazeDBClient db, Model model) {
        for (String c : COLLECTIONS) {
            Map<UUID, Map<String, BlazeValue>> m = model.of(c);
            BlazeCollection coll = db.collection(c);
            assertThat(coll.count()).as("count of %s", c).isEqualTo(m.size());
            for (UUID id : m.keySet()) {
                check(coll, m, model, c, id);
            }
            Set<UUID> all = new HashSet<>();
            for (BlazeDataRecord r : coll.fetchAll()) {
                all.add(r.uuid("id").orElseThrow());
            }
            assertThat(all).isEqualTo(m.keySet());
        }
        assertThat(db.lastSequence()).isEqualTo(model.sequence);
    }

    private static void compareReplay(BlazeDBClient db, Model model) {
        Map<String, Map<UUID, Map<String, BlazeValue>>> rebuilt = new HashMap<>();
        long last = db.lastSequence();
        if (last == 0) {
            return;
        }
        long[] previous = {0};
        db.changes(0).takeUntil(e -> e.sequence() >= last).doOnNext(e -> {
            assertThat(e.sequence()).isGreaterThan(previous[0]);
            previous[0] = e.sequence();
            Map<UUID, Map<String, BlazeValue>> m = rebuilt.computeIfAbsent(e.collection(), k -> new HashMap<>());
            if (e.type() == ChangeType.DELETE) {
                m.remove(e.recordId());
            } else {
                Map<String, BlazeValue> f = new TreeMap<>(e.record().orElseThrow().fields());
                f.keySet().removeAll(TIME_FIELDS);
                m.put(e.recordId(), f);
            }
        }).blockLast(Duration.ofSeconds(30));
        for (String c : COLLECTIONS) {
            assertThat(rebuilt.getOrDefault(c, Map.of())).as("replay of %s", c).isEqualTo(model.of(c));
        }
    }

    private static Map<String, BlazeValue> randomFields(Random rnd, int max) {
        Map<String, BlazeValue> f = new TreeMap<>();
        int n = 1 + rnd.nextInt(max);
        String[] names = {"title", "name", "count", "tags", "meta", "blob", "vec", "flag", "price", "when", "ünïcödé", "k"};
        for (int i = 0; i < n; i++) {
            f.put(names[rnd.nextInt(names.length)], randomValue(rnd, 0));
        }
        return f;
    }

    private static BlazeValue randomValue(Random rnd, int depth) {
        switch (rnd.nextInt(depth < 2 ? 11 : 8)) {
            case 0:
                return BlazeValue.string(randomString(rnd));
            case 1:
                return BlazeValue.integer(rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextLong());
            case 2:
                return BlazeValue.decimal(rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextGaussian() * 1e6);
            case 3:
                return BlazeValue.bool(rnd.nextBoolean());
            case 4:
                return BlazeValue.date(Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(1_000_000) * 1000L));
            case 5:
                return BlazeValue.uuid(new UUID(rnd.nextLong(), rnd.nextLong()));
            case 6: {
                byte[] b = new byte[rnd.nextInt(40)];
                rnd.nextBytes(b);
                return BlazeValue.data(b);
            }
            case 7:
                return BlazeValue.nullValue();
            case 8: {
                List<BlazeValue> list = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    list.add(randomValue(rnd, depth + 1));
                }
                return BlazeValue.array(list);
            }
            case 9: {
                Map<String, BlazeValue> map = new HashMap<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    map.put(randomString(rnd), randomValue(rnd, depth + 1));
                }
                return BlazeValue.dictionary(map);
            }
            default: {
                float[] v = new float[rnd.nextInt(8)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextFloat();
                }
                return BlazeValue.vector(v);
            }
        }
    }

    private static String randomString(Random rnd) {
        int len = rnd.nextInt(5) == 0 ? 15 + rnd.nextInt(3) : rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int k = rnd.nextInt(20);
            sb.appendCodePoint(k == 0 ? 0x1F600 + rnd.nextInt(50) : k == 1 ? 0xE9 : 'a' + rnd.nextInt(26));
        }
        return sb.toString();
    }
}
