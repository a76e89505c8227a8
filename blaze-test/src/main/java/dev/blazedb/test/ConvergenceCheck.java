package dev.blazedb.test;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RecordNotFoundException;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The convergence property of sync, over any transport: 3 to 5 nodes in a random topology (chain,
 * hub, full mesh, random connected pairs), random inserts, updates and deletes of a few records
 * with few fields (so concurrent edits of the same fields are common), random disconnects and
 * reconnects (while a link is down, both sides edit on) and random log compactions. After healing
 * and {@code awaitIdle}, every node must hold exactly what a reference model of per-field
 * last-writer-wins computes from all the writes that were made, with the versions the databases
 * gave them:
 * <ul>
 *   <li>the same records and fields everywhere (convergence);</li>
 *   <li>no write lost except where a newer write of the same field, or a newer delete, wins;</li>
 *   <li>a deleted record stays deleted unless a later write revived it;</li>
 *   <li>the same tombstones (delete versions) everywhere.</li>
 * </ul>
 *
 * <p>A schedule is a plain value drawn from a seeded {@link SplittableRandom}, so any property
 * harness can drive it and print the failing schedule and seed:
 * <pre>{@code
 * ConvergenceCheck check = ConvergenceCheck.over(myLinker);
 * SplittableRandom seeds = new SplittableRandom(42);
 * for (int i = 0; i < 200; i++) {
 *     long seed = seeds.nextLong();
 *     ConvergenceCheck.Schedule s = ConvergenceCheck.schedule(new SplittableRandom(seed));
 *     check.run(s);   // AssertionError: print seed and s to replay
 * }
 * }</pre>
 * Each run opens its own in-memory databases and topology and closes them.
 */
public final class ConvergenceCheck {

    private final Supplier<BlazeTopology> topologies;
    private final SyncLinker linker;

    private ConvergenceCheck(Supplier<BlazeTopology> topologies, SyncLinker linker) {
        this.topologies = Objects.requireNonNull(topologies, "topologies");
        this.linker = Objects.requireNonNull(linker, "linker");
    }

    /** The check over {@code linker}, each run on a new default {@link BlazeTopology}. */
    public static ConvergenceCheck over(SyncLinker linker) {
        return new ConvergenceCheck(BlazeTopology::new, linker);
    }

    /** The check over {@code linker}, each run on a topology from {@code topologies}. */
    public static ConvergenceCheck over(Supplier<BlazeTopology> topologies, SyncLinker linker) {
        return new ConvergenceCheck(topologies, linker);
    }


    private static final String[] FIELDS = {"a", "b", "c", "title"};
    private static final String[] COLLECTIONS = {"default", "notes"};

    /** The shape of a schedule's topology. */
    public enum Shape { CHAIN, HUB, MESH, PAIRS }

    /**
     * What a step does: write on a node (UPSERT, UPDATE, DELETE), take a link down or bring it back
     * (DISCONNECT, RECONNECT; both sides keep writing meanwhile), wait for one link to be idle
     * (SETTLE), or compact a node's log (COMPACT).
     */
    public enum Kind { UPSERT, UPDATE, DELETE, DISCONNECT, RECONNECT, SETTLE, COMPACT }

    /**
     * One step of a schedule.
     *
     * @param kind       what it does
     * @param node       the node that writes or compacts
     * @param collection index of the collection written ({@code default} or {@code notes})
     * @param record     index of the record written (one of a few fixed ids)
     * @param fields     the fields an upsert or update writes
     * @param edge       index of the link that is disconnected, reconnected or settled
     */
    public record Op(Kind kind, int node, int collection, int record, Map<String, Long> fields, int edge) {
        @Override
        public String toString() {
            return switch (kind) {
                case UPSERT, UPDATE -> kind + "@" + node + " " + COLLECTIONS[collection] + "/r" + record + " " + fields;
                case DELETE -> kind + "@" + node + " " + COLLECTIONS[collection] + "/r" + record;
                case COMPACT -> kind + "@" + node;
                default -> kind + " edge " + edge;
            };
        }
    }

    /**
     * A random schedule: {@code nodes} nodes linked by {@code edges} (pairs of node indexes, the
     * {@code shape} they form), then {@code ops} run in order.
     *
     * @param nodes number of nodes, 3 to 5
     * @param shape the shape of the links
     * @param edges the links, as {from, to} node indexes
     * @param ops   the steps
     */
    public record Schedule(int nodes, Shape shape, List<int[]> edges, List<Op> ops) {
        @Override
        public String toString() {
            return nodes + " nodes, " + shape + " " + edges.stream().map(e -> e[0] + "-" + e[1]).collect(Collectors.joining(","))
                    + "\n  " + ops.stream().map(Op::toString).collect(Collectors.joining("\n  "));
        }
    }

    /**
     * A random schedule drawn from {@code r}: 3 to 5 nodes, 15 to 49 steps over 2 to 5 records of
     * two collections, with few fields so that concurrent edits of the same fields are common.
     */
    public static Schedule schedule(SplittableRandom r) {
        int n = 3 + r.nextInt(3);
        Shape shape = Shape.values()[r.nextInt(Shape.values().length)];
        List<int[]> edges = new ArrayList<>();
        switch (shape) {
            case CHAIN -> {
                for (int i = 1; i < n; i++) {
                    edges.add(new int[] {i - 1, i});
                }
            }
            case HUB -> {
                for (int i = 1; i < n; i++) {
                    edges.add(new int[] {0, i});
                }
            }
            case MESH -> {
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        edges.add(new int[] {i, j});
                    }
                }
            }
            case PAIRS -> {
                // a random spanning tree plus a few random extra pairs
                for (int i = 1; i < n; i++) {
                    edges.add(new int[] {r.nextInt(i), i});
                }
                for (int k = r.nextInt(3); k > 0; k--) {
                    int a = r.nextInt(n);
                    int b = r.nextInt(n);
                    if (a != b && edges.stream().noneMatch(e -> e[0] == Math.min(a, b) && e[1] == Math.max(a, b)
                            || e[1] == Math.min(a, b) && e[0] == Math.max(a, b))) {
                        edges.add(new int[] {Math.min(a, b), Math.max(a, b)});
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        List<Op> ops = new ArrayList<>();
        int steps = 15 + r.nextInt(35);
        int records = 2 + r.nextInt(4);
        for (int s = 0; s < steps; s++) {
            int roll = r.nextInt(100);
            Kind kind = roll < 35 ? Kind.UPSERT : roll < 53 ? Kind.UPDATE : roll < 67 ? Kind.DELETE
                    : roll < 79 ? Kind.DISCONNECT : roll < 91 ? Kind.RECONNECT : roll < 95 ? Kind.SETTLE : Kind.COMPACT;
            Map<String, Long> fields = new TreeMap<>();
            if (kind == Kind.UPSERT || kind == Kind.UPDATE) {
                int k = 1 + r.nextInt(2);
                for (int i = 0; i < k; i++) {
                    fields.put(FIELDS[r.nextInt(FIELDS.length)], (long) r.nextInt(1000));
                }
            }
            ops.add(new Op(kind, r.nextInt(n), r.nextInt(COLLECTIONS.length), r.nextInt(records), fields, r.nextInt(edges.size())));
        }
        return new Schedule(n, shape, edges, ops);
    }

    /** One write made on a node, matched afterwards with its change event. */
    private record Write(int node, Op op, boolean created) {
    }

    /**
     * Runs {@code s} on a new cluster and checks the outcome.
     *
     * @throws AssertionError naming what differs when the nodes did not converge to the model
     */
    public void run(Schedule s) {
        UUID[] ids = new UUID[8];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new UUID(0x0190_0000_0000_7000L | i, 0x8000_0000_0000_0000L | i);
        }
        try (SyncCluster c = new SyncCluster(topologies.get(), linker)) {
            // Every change of every node, as it commits: the log may be compacted under us.
            List<List<ChangeEvent>> seen = new ArrayList<>();
            for (int i = 0; i < s.nodes(); i++) {
                c.add("node" + i, i == 0 ? SyncRole.SERVER : SyncRole.CLIENT);
                List<ChangeEvent> events = new CopyOnWriteArrayList<>();
                c.db(i).changes().subscribe(events::add);
                seen.add(events);
            }
            Map<Integer, SyncConnection> links = new HashMap<>();
            for (int e = 0; e < s.edges().size(); e++) {
                links.put(e, connect(c, s.edges().get(e)));
            }
            List<Write> writes = new ArrayList<>();
            for (Op op : s.ops()) {
                BlazeDBClient db = op.node() < s.nodes() ? c.db(op.node()) : null;
                UUID id = ids[op.record()];
                String coll = COLLECTIONS[op.collection()];
                switch (op.kind()) {
                    case UPSERT -> {
                        boolean created = db.collection(coll).upsert(id, record(op.fields()));
                        writes.add(new Write(op.node(), op, created));
                    }
                    case UPDATE -> {
                        try {
                            db.collection(coll).update(id, record(op.fields()));
                            writes.add(new Write(op.node(), op, false));
                        } catch (RecordNotFoundException notThere) {
                            // nothing written
                        }
                    }
                    case DELETE -> {
                        if (db.collection(coll).delete(id)) {
                            writes.add(new Write(op.node(), op, false));
                        }
                    }
                    case DISCONNECT -> {
                        SyncConnection l = links.get(op.edge());
                        if (l != null) {
                            l.disconnect().block(TIMEOUT);
                            links.remove(op.edge());
                        }
                    }
                    case RECONNECT -> {
                        if (!links.containsKey(op.edge())) {
                            links.put(op.edge(), connect(c, s.edges().get(op.edge())));
                        }
                    }
                    case COMPACT -> db.compact();
                    case SETTLE -> {
                        SyncConnection l = links.get(op.edge());
                        if (l != null) {
                            l.awaitIdle().block(TIMEOUT);
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
            // heal
            for (int e = 0; e < s.edges().size(); e++) {
                if (!links.containsKey(e)) {
                    links.put(e, connect(c, s.edges().get(e)));
                }
            }
            c.awaitIdle();
            check(c, s, writes, seen);
        }
    }

    private static SyncConnection connect(SyncCluster c, int[] edge) {
        return c.link(edge[0], edge[1], ConnectionMode.BIDIRECTIONAL);
    }

    private static BlazeDataRecord record(Map<String, Long> fields) {
        BlazeDataRecord.Builder b = BlazeDataRecord.builder();
        fields.forEach(b::put);
        return b.build();
    }

    // ------------------------------------------------------------------------------------------
    // The reference model

    private record Version(long hlc, NodeId node) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int cmp = Long.compare(hlc, o.hlc);
            return cmp != 0 ? cmp : node.compareTo(o.node);
        }
    }

    private record Key(String collection, UUID id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int cmp = collection.compareTo(o.collection);
            return cmp != 0 ? cmp : id.compareTo(o.id);
        }
    }

    private static final class Expected {
        Version deletedAt;
        final Map<String, Version> versions = new HashMap<>();
        final Map<String, BlazeValue> values = new HashMap<>();

        void write(Version v, Map<String, BlazeValue> fields) {
            fields.forEach((k, val) -> {
                Version old = versions.get(k);
                if (old == null || v.compareTo(old) > 0) {
                    versions.put(k, v);
                    values.put(k, val);
                }
            });
        }

        BlazeDataRecord live(UUID id) {
            TreeMap<String, BlazeValue> out = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
            versions.forEach((k, v) -> {
                if (deletedAt == null || v.compareTo(deletedAt) > 0) {
                    out.put(k, values.get(k));
                }
            });
            if (out.isEmpty()) {
                return null;
            }
            out.put("id", BlazeValue.uuid(id));
            return new BlazeDataRecord(out);
        }
    }

    private static void check(SyncCluster c, Schedule s, List<Write> writes, List<List<ChangeEvent>> seen) {
        // Each node's own writes, in order, with the versions the database gave them.
        Map<Integer, List<ChangeEvent>> local = new HashMap<>();
        for (int i = 0; i < s.nodes(); i++) {
            assertThat(seen.get(i)).as("node %d's feed saw every change", i).hasSize((int) c.db(i).lastSequence());
            local.put(i, seen.get(i).stream().filter(e -> !e.isRemote()).collect(Collectors.toList()));
        }
        Map<Key, Expected> model = new TreeMap<>();
        Map<Integer, Integer> cursor = new HashMap<>();
        for (Write w : writes) {
            int k = cursor.merge(w.node(), 1, Integer::sum) - 1;
            ChangeEvent e = local.get(w.node()).get(k);
            Key key = new Key(COLLECTIONS[w.op().collection()], e.recordId());
            assertThat(e.collection()).isEqualTo(key.collection());
            Version v = new Version(e.timestamp(), e.origin());
            Expected x = model.computeIfAbsent(key, kk -> new Expected());
            if (w.op().kind() == Kind.DELETE) {
                assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                x.deletedAt = x.deletedAt == null || v.compareTo(x.deletedAt) > 0 ? v : x.deletedAt;
                continue;
            }
            BlazeDataRecord after = e.record().orElseThrow();
            Set<String> written = new HashSet<>();
            if (w.created()) {
                written.addAll(after.fields().keySet());
            } else {
                written.addAll(w.op().fields().keySet());
                written.add("updatedAt");
            }
            written.remove("id");
            Map<String, BlazeValue> fields = new LinkedHashMap<>();
            for (String f : written) {
                fields.put(f, after.get(f).orElseThrow());
            }
            x.write(v, fields);
        }
        for (int i = 0; i < s.nodes(); i++) {
            assertThat(local.get(i)).as("node %d wrote exactly the writes the schedule made", i)
                    .hasSize(cursor.getOrDefault(i, 0));
        }
        // What every node must hold.
        Map<String, Map<UUID, BlazeDataRecord>> expectedLive = new TreeMap<>();
        Map<Key, Version> expectedTombstones = new TreeMap<>();
        model.forEach((key, x) -> {
            BlazeDataRecord r = x.live(key.id());
            if (r != null) {
                expectedLive.computeIfAbsent(key.collection(), k -> new TreeMap<>()).put(key.id(), r);
            } else if (x.deletedAt != null) {
                expectedTombstones.put(key, x.deletedAt);
            }
        });
        for (int i = 0; i < s.nodes(); i++) {
            BlazeDBClient db = c.db(i);
            assertThat(SyncCluster.contents(db)).as("records and fields of node %d", i).isEqualTo(expectedLive);
            Map<Key, Version> tombstones = new TreeMap<>();
            Map<Key, ChangeEvent> last = new HashMap<>();
            for (ChangeEvent e : seen.get(i)) {
                last.put(new Key(e.collection(), e.recordId()), e);
            }
            last.forEach((key, e) -> {
                if (e.type() == ChangeType.DELETE) {
                    tombstones.put(key, new Version(e.timestamp(), e.origin()));
                }
            });
            assertThat(tombstones).as("tombstones of node %d", i).isEqualTo(expectedTombstones);
        }
    }
}
