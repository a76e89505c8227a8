package dev.blazedb.sync;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.NodeId;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** A topology and its databases, closed together: the fixture of the sync tests. */
final class Cluster implements AutoCloseable {

    static final String PASSWORD = "password123";
    static final Argon2Params CHEAP_KDF = Argon2Params.of(1024, 1, 1);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final BlazeTopology topology;
    final List<BlazeDBClient> dbs = new ArrayList<>();
    final List<NodeId> ids = new ArrayList<>();

    Cluster() {
        this(new BlazeTopology());
    }

    Cluster(BlazeTopology topology) {
        this.topology = topology;
    }

    /** Adds an in-memory database as a node. */
    NodeId add(String name, SyncRole role) {
        return add(BlazeDBClient.inMemory(name), name, role);
    }

    /** Adds a file database (cheap key derivation) as a node. */
    NodeId addFile(Path file, String name, SyncRole role) {
        return add(new BlazeDBClient(name, file, PASSWORD, BlazeOptions.builder().argon2(CHEAP_KDF).build()), name, role);
    }

    NodeId add(BlazeDBClient db, String name, SyncRole role) {
        dbs.add(db);
        NodeId id = topology.register(db, name, role).block(TIMEOUT);
        ids.add(id);
        return id;
    }

    BlazeDBClient db(int i) {
        return dbs.get(i);
    }

    NodeId id(int i) {
        return ids.get(i);
    }

    void awaitIdle() {
        topology.awaitIdle().block(TIMEOUT);
    }

    @Override
    public void close() {
        topology.close();
        for (BlazeDBClient db : dbs) {
            db.close();
        }
    }

    /** Every record of every collection of {@code db}, by collection and id: what convergence compares. */
    static Map<String, Map<UUID, BlazeDataRecord>> contents(BlazeDBClient db) {
        Map<String, Map<UUID, BlazeDataRecord>> out = new TreeMap<>();
        for (String c : db.collections()) {
            Map<UUID, BlazeDataRecord> m = new TreeMap<>();
            for (BlazeDataRecord r : db.collection(c).fetchAll()) {
                m.put(r.uuid("id").orElseThrow(), r);
            }
            out.put(c, m);
        }
        return out;
    }

    /** Every change in {@code db}'s log, in order (reads up to the last sequence, then stops). */
    static List<ChangeEvent> history(BlazeDBClient db) {
        long last = db.lastSequence();
        if (last == 0) {
            return List.of();
        }
        return db.changes(0).takeUntil(e -> e.sequence() >= last).collectList().block(TIMEOUT);
    }

    static BlazeDataRecord message(String text, long value) {
        return BlazeDataRecord.builder().put("message", text).put("value", value).build();
    }

    /** A record of about 100 bytes: uuid, short string, int, double, bool. */
    static BlazeDataRecord small(long n) {
        return BlazeDataRecord.builder().put("ref", BlazeValue.uuid(new UUID(n, ~n))).put("name", "user-" + n)
                .put("n", n).put("score", n * 0.5).put("active", n % 2 == 0).build();
    }

    static String describe(ChangeEvent e) {
        return e.type() + " " + e.recordId() + (e.isRemote() ? " remote from " + e.origin() : " local");
    }
}
