package dev.blazedb.test;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SecurityContext;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A topology and its databases, closed together: the fixture of sync tests. Nodes are numbered in
 * the order they were added; {@link #link(int, int, SyncPolicy)} connects two of them with the
 * cluster's {@link SyncLinker}, so one scenario runs over any transport.
 *
 * <pre>{@code
 * try (SyncCluster c = new SyncCluster(new BlazeTopology(), SyncLinker.local())) {
 *     c.add("master", SyncRole.SERVER);
 *     c.add("replica", SyncRole.CLIENT);
 *     SyncConnection conn = c.link(0, 1, ConnectionMode.READ_ONLY);
 *     UUID id = c.db(0).insert(SyncCluster.message("hello", 1));
 *     conn.awaitIdle().block(SyncCluster.TIMEOUT);
 *     assertThat(c.db(1).fetch(id)).isPresent();
 * }
 * }</pre>
 *
 * <p>Its methods block (with {@link #TIMEOUT}): call them from test threads, not from a
 * non-blocking one. Not thread-safe: one test drives one cluster.
 */
public class SyncCluster implements AutoCloseable {

    /** The password of file databases created by {@link #addFile}. */
    public static final String PASSWORD = "password123";
    /** A deliberately cheap key derivation, so tests that open many files stay fast. */
    public static final Argon2Params CHEAP_KDF = Argon2Params.of(1024, 1, 1);
    /** How long any single blocking step of the kit may take before the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BlazeTopology topology;
    private final SyncLinker linker;
    private final List<BlazeDBClient> dbs = new ArrayList<>();
    private final List<NodeId> ids = new ArrayList<>();

    /** A cluster on a new default topology, linking with {@link SyncLinker#local()}. */
    public SyncCluster() {
        this(new BlazeTopology());
    }

    /** A cluster on {@code topology} (closed with the cluster), linking with {@link SyncLinker#local()}. */
    public SyncCluster(BlazeTopology topology) {
        this(topology, SyncLinker.local());
    }

    /** A cluster on {@code topology} (closed with the cluster) that links nodes with {@code linker}. */
    public SyncCluster(BlazeTopology topology, SyncLinker linker) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.linker = Objects.requireNonNull(linker, "linker");
    }

    /** The topology every node is registered in. */
    public BlazeTopology topology() {
        return topology;
    }

    /** How this cluster links nodes. */
    public SyncLinker linker() {
        return linker;
    }

    /** Adds an in-memory database as a node; returns its id. */
    public NodeId add(String name, SyncRole role) {
        return add(BlazeDBClient.inMemory(name), name, role);
    }

    /** Adds a file database (password {@link #PASSWORD}, cheap key derivation) as a node. */
    public NodeId addFile(Path file, String name, SyncRole role) {
        return add(new BlazeDBClient(name, file, PASSWORD, BlazeOptions.builder().argon2(CHEAP_KDF).build()), name, role);
    }

    /** Registers {@code db} (closed with the cluster) as a node. */
    public NodeId add(BlazeDBClient db, String name, SyncRole role) {
        return add(db, name, role, null);
    }

    /**
     * Registers {@code db} (closed with the cluster) as a node whose peers see it as {@code context}
     * (null: the topology's default, see {@link BlazeTopology#register(BlazeDBClient, String, SyncRole)}).
     */
    public NodeId add(BlazeDBClient db, String name, SyncRole role, SecurityContext context) {
        dbs.add(db);
        NodeId id = topology.register(db, name, role, context).block(TIMEOUT);
        ids.add(id);
        return id;
    }

    /** The database of node {@code i}. */
    public BlazeDBClient db(int i) {
        return dbs.get(i);
    }

    /** The id of node {@code i}. */
    public NodeId id(int i) {
        return ids.get(i);
    }

    /** The number of nodes. */
    public int size() {
        return dbs.size();
    }

    /** The databases, in node order. */
    public List<BlazeDBClient> databases() {
        return Collections.unmodifiableList(dbs);
    }

    /** Links node {@code from} to node {@code to} with {@code mode}; returns once the handshake is done. */
    public SyncConnection link(int from, int to, ConnectionMode mode) {
        return link(from, to, SyncPolicy.of(mode));
    }

    /** Links node {@code from} to node {@code to} with {@code policy}; returns once the handshake is done. */
    public SyncConnection link(int from, int to, SyncPolicy policy) {
        return linker.link(topology, id(from), id(to), policy).block(TIMEOUT);
    }

    /** Waits until every connection of the topology is idle, relays included. */
    public void awaitIdle() {
        topology.awaitIdle().block(TIMEOUT);
    }

    /** Closes the topology, then every database. */
    @Override
    public void close() {
        topology.close();
        for (BlazeDBClient db : dbs) {
            db.close();
        }
    }

    /** Every record of every collection of {@code db}, by collection and id: what convergence compares. */
    public static Map<String, Map<UUID, BlazeDataRecord>> contents(BlazeDBClient db) {
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

    /** Every change still in {@code db}'s log, in order (reads up to the last sequence, then stops). */
    public static List<ChangeEvent> history(BlazeDBClient db) {
        long last = db.lastSequence();
        if (last == 0) {
            return List.of();
        }
        return db.changes(0).takeUntil(e -> e.sequence() >= last).collectList().block(TIMEOUT);
    }

    /** The guide's record: {@code message} and {@code value}. */
    public static BlazeDataRecord message(String text, long value) {
        return BlazeDataRecord.builder().put("message", text).put("value", value).build();
    }

    /** A record of about 100 bytes: uuid, short string, int, double, bool, all derived from {@code n}. */
    public static BlazeDataRecord small(long n) {
        return BlazeDataRecord.builder().put("ref", BlazeValue.uuid(new UUID(n, ~n))).put("name", "user-" + n)
                .put("n", n).put("score", n * 0.5).put("active", n % 2 == 0).build();
    }

    /** A one-line description of a change, for assertion messages. */
    public static String describe(ChangeEvent e) {
        return e.type() + " " + e.recordId() + (e.isRemote() ? " remote from " + e.origin() : " local");
    }

    @Override
    public String toString() {
        return "SyncCluster" + ids;
    }
}
