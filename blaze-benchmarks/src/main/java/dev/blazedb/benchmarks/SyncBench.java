package dev.blazedb.benchmarks;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.EncryptionMode;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncPolicy;
import dev.blazedb.transport.tcp.BlazeServer;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.Durability;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import reactor.core.Disposable;

/**
 * The end-to-end sync harness of docs/benchmarks.md: two databases connected by a topology,
 * measured from an insert on A until B's {@code changes()} emits the remote change.
 *
 * <pre>
 * java -Xmx3g -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.SyncBench [options]
 *   --transport memory      memory; uds (a Unix domain socket between the two databases, both in
 *                           this process; the socket lives in a private temporary directory);
 *                           uds-process (the same socket, with B in a second JVM: see below);
 *                           tcp (loopback, no TLS, frames not sealed) or tcp-tls-e2e
 *                           (loopback, TLS 1.3 and AES-256-GCM end to end): a BlazeServer serves A
 *   --runs 3                repetitions; the report gives medians and keeps every run in the JSON
 *   --rate 10000            open-loop latency: changes per second
 *   --latency-seconds 10    measured seconds per latency run (after --warmup-seconds 3)
 *   --changes 1000000       changes per throughput run
 *   --warmup-changes 200000 changes of one unreported single and one batched throughput run
 *                           before the measured ones (0: none), so the JIT has compiled the path
 *   --batch 1000            records per insertMany in the batched throughput run
 *   --initial 1000000       records A holds before the connection exists (initial sync)
 *   --storage memory        memory (in-memory databases) or file (a temporary directory)
 *   --durability group      file storage only: sync, group or os
 *   --out target/sync-bench where the Markdown report and the JSON go
 *   --scenarios latency,throughput,initial   which scenarios to run
 * </pre>
 *
 * <p>Latency is open loop: change i is due at {@code start + i / rate}; the sender waits for that
 * moment (spinning, but yielding its core to any other runnable thread: on two cores a sender
 * that keeps one busy leaves the sync pipeline's threads one core to share, and they queue) and
 * inserts. The reported latency of change i is measured from its due time, not from when it was
 * sent (docs/benchmarks.md): a sender that falls behind its schedule therefore counts the delay
 * in the latency of every change it sent late, which is the coordinated-omission correction of an
 * open-loop sender. The JSON and the per-run table also give, for comparison, the other common
 * correction, {@code recordValueWithExpectedInterval(arrival - send, 1 / rate)}; it assumes a
 * sender blocked by each change, which is wrong for a transport where {@code insert} returns
 * before the change reaches B (sockets): there every latency above one interval adds phantom
 * samples, and one stall of 300 ms adds three thousand of them at 10 K changes/s.
 *
 * <p>{@code uds-process}: B runs in a child JVM ({@link SyncBenchPeer}, started once per harness
 * run with this JVM's {@code -X} / {@code -XX} options and class path); A listens with
 * {@code listenCrossApp}, B connects with {@code connectCrossApp}. The child records the
 * {@code System.nanoTime()} at which each remote change reaches B's {@code changes()} and hands
 * the times back in a file; on Linux {@code System.nanoTime()} is {@code CLOCK_MONOTONIC}, one
 * clock for all processes of the machine, so the harness computes every latency exactly as for
 * the other transports (arrival minus send time, and minus due time). Throughput ends at the
 * child's time of the last arrival; CPU time per change is both processes' together.
 *
 * <p>Records: five fields (uuid, a 32-character string, int, double, bool), 94 bytes in
 * BlazeBinary ({@link BenchmarkRecords#standard(long)}).
 */
public final class SyncBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private SyncBench() {
    }

    /** The command line's usage line. */
    public static final String USAGE = "usage: SyncBench [--transport memory] [--runs 3] [--rate 10000] [--latency-seconds 10]"
            + " [--warmup-seconds 3] [--changes 1000000] [--warmup-changes 200000] [--batch 1000] [--initial 1000000]"
            + " [--storage memory|file] [--durability sync|group|os] [--out target/sync-bench]"
            + " [--scenarios latency,throughput,initial]";

    private static final List<String> OPTION_NAMES = List.of("transport", "runs", "rate", "latency-seconds", "warmup-seconds",
            "changes", "warmup-changes", "batch", "initial", "storage", "durability", "out", "scenarios");
    private static final List<String> SCENARIOS = List.of("latency", "throughput", "initial");
    private static final List<String> TRANSPORTS = List.of("memory", "uds", "tcp", "tcp-tls-e2e", "uds-process");

    /**
     * A harness's command line: with {@code -h} or {@code --help} prints {@code usage} and
     * returns null; otherwise the parsed options, or, when they do not parse, prints why and the
     * usage and exits with status 2.
     */
    static <T> T optionsOrExit(String[] args, String usage, java.util.function.Function<String[], T> parse) {
        if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            return null;
        }
        try {
            return parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return null;
        }
    }

    /**
     * Parses {@code --name value} pairs, the harnesses' way of taking options.
     *
     * @param args the command line
     * @param known the option names (without {@code --})
     * @return the values by name, in the order given
     * @throws IllegalArgumentException on an unknown option or one without a value
     */
    static Map<String, String> namedArguments(String[] args, List<String> known) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument: " + a);
            }
            String name = a.substring(2);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + a);
            }
            m.put(name, args[++i]);
        }
        return m;
    }

    /**
     * The options; see the class comment.
     *
     * @param transport the transport (only {@code memory} so far)
     * @param runs repetitions
     * @param rate open-loop latency: changes per second
     * @param latencySeconds measured seconds per latency run
     * @param warmupSeconds warm-up seconds before each latency run
     * @param changes changes per throughput run
     * @param warmupChanges changes per unreported warm-up throughput run (0: none)
     * @param batch records per {@code insertMany} in the batched throughput run
     * @param initial records A holds before the connection (initial sync)
     * @param storage {@code memory} or {@code file}
     * @param durability file storage: {@code sync}, {@code group} or {@code os}
     * @param out where the report goes
     * @param scenarios which scenarios run
     */
    public record Options(String transport, int runs, int rate, double latencySeconds, double warmupSeconds, int changes,
                          int warmupChanges, int batch, int initial, String storage, String durability, Path out, List<String> scenarios) {

        /**
         * Parses {@code --name value} pairs; absent ones take the defaults of the class comment.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String... args) {
            Map<String, String> m = namedArguments(args, OPTION_NAMES);
            Options o;
            try {
                o = new Options(m.getOrDefault("transport", "memory"), intOf(m, "runs", 3), intOf(m, "rate", 10_000),
                        doubleOf(m, "latency-seconds", 10), doubleOf(m, "warmup-seconds", 3), intOf(m, "changes", 1_000_000),
                        intOf(m, "warmup-changes", 200_000), intOf(m, "batch", 1000), intOf(m, "initial", 1_000_000), m.getOrDefault("storage", "memory"),
                        m.getOrDefault("durability", "group"), Path.of(m.getOrDefault("out", "target/sync-bench")),
                        List.of(m.getOrDefault("scenarios", "latency,throughput,initial").split(",")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + e.getMessage(), e);
            }
            if (!TRANSPORTS.contains(o.transport)) {
                throw new IllegalArgumentException("--transport takes " + String.join(", ", TRANSPORTS));
            }
            if (o.runs < 1 || o.rate < 1 || o.changes < 1 || o.batch < 1 || o.initial < 1 || !(o.latencySeconds > 0)
                    || !(o.warmupSeconds >= 0) || o.warmupChanges < 0) {
                throw new IllegalArgumentException("--runs, --rate, --changes, --batch, --initial and --latency-seconds must be "
                        + "positive, --warmup-seconds and --warmup-changes at least 0");
            }
            if (!List.of("memory", "file").contains(o.storage) || !List.of("sync", "group", "os").contains(o.durability)) {
                throw new IllegalArgumentException("--storage takes memory or file, --durability sync, group or os");
            }
            for (String sc : o.scenarios) {
                if (!SCENARIOS.contains(sc)) {
                    throw new IllegalArgumentException("unknown scenario " + sc + " (latency, throughput, initial)");
                }
            }
            return o;
        }

        /** The integer option {@code k} ({@code _} allowed as a separator), or {@code def}. */
        static int intOf(Map<String, String> m, String k, int def) {
            return m.containsKey(k) ? Integer.parseInt(m.get(k).replace("_", "")) : def;
        }

        private static double doubleOf(Map<String, String> m, String k, double def) {
            return m.containsKey(k) ? Double.parseDouble(m.get(k)) : def;
        }

        /** The storage in words, for reports. */
        public String describeStorage() {
            return storage.equals("memory") ? "in-memory databases (no durability)"
                    : "file databases, " + durability.toUpperCase(Locale.ROOT) + " durability";
        }
    }

    /**
     * Two connected databases: A always in this process, B here or, for {@code uds-process}, in
     * the peer process.
     */
    private static final class Pair implements AutoCloseable {
        final BlazeDBClient a;
        /** B, when it is in this process; null with a peer process. */
        final BlazeDBClient b;
        final BlazeTopology topology = new BlazeTopology();
        final NodeId ia;
        final NodeId ib;
        final Path dir;
        final String transport;
        final PeerProcess peer;
        SyncConnection connection;
        BlazeServer server;

        Pair(Options o, boolean connect, PeerProcess peer) throws IOException {
            transport = o.transport;
            this.peer = transport.equals("uds-process") ? Objects.requireNonNull(peer, "peer") : null;
            // A private directory (rwx------) for file databases and for the Unix socket.
            dir = o.storage.equals("file") || o.transport.startsWith("uds") ? Files.createTempDirectory("sync-bench") : null;
            a = open(o, "A");
            ia = topology.register(a, "A", SyncRole.SERVER).block(TIMEOUT);
            if (this.peer != null) {
                b = null;
                ib = null;
                topology.listenCrossApp(ia, socket().toString()).block(TIMEOUT);
                this.peer.call(o.storage.equals("file") ? "open file " + dir.resolve("B.blazedb") + " " + o.durability
                        : "open memory");
            } else {
                b = open(o, "B");
                ib = topology.register(b, "B", SyncRole.CLIENT).block(TIMEOUT);
            }
            if (connect) {
                connect();
            }
        }

        private Path socket() {
            return dir.resolve("sync.sock");
        }

        /** Starts timing the arrival of records 0..n-1 on B; {@code times}: keep each arrival time. */
        Arrivals expect(int n, boolean times) throws IOException {
            return peer != null ? peer.expect(n, times ? dir.resolve("arrivals.bin") : null) : new LocalArrivals(b, n, times);
        }

        /** B's record count. */
        long countB(Arrivals arrivals) {
            return peer != null ? ((RemoteArrivals) arrivals).count : b.count();
        }

        void connect() throws IOException {
            if (peer != null) {
                peer.call("connect " + socket());
                return;
            }
            if (transport.equals("memory")) {
                connection = topology.connectLocal(ia, ib, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
                return;
            }
            if (transport.equals("uds")) {
                connection = topology.connectCrossApp(ia, ib, dir.resolve("sync.sock").toString(), ConnectionMode.BIDIRECTIONAL)
                        .block(TIMEOUT);
                return;
            }
            // TCP: a BlazeServer serves A on loopback, B connects to it as a remote node.
            boolean secure = transport.equals("tcp-tls-e2e");
            server = BlazeServer.builder().database("A").host("127.0.0.1").localDB(a).authToken("sync-bench-token")
                    .tls(secure).build();
            server.start().block(TIMEOUT);
            RemoteNode.Builder remote = RemoteNode.builder("127.0.0.1", server.port(), "A").authToken("sync-bench-token")
                    .useTLS(secure);
            if (secure) {
                remote.pinnedFingerprint(server.tlsFingerprint());
            }
            connection = topology.connectRemote(ib, remote.build(), SyncPolicy.builder()
                    .encryptionMode(secure ? EncryptionMode.E2E_ONLY : EncryptionMode.SMART_PROXY).build()).block(TIMEOUT);
        }

        private BlazeDBClient open(Options o, String name) {
            if (!o.storage.equals("file")) {
                return BlazeDBClient.inMemory(name);
            }
            Durability d = switch (o.durability) {
                case "sync" -> Durability.SYNC;
                case "os" -> Durability.OS;
                default -> Durability.group();
            };
            return new BlazeDBClient(name, dir.resolve(name + ".blazedb"), "sync-bench-password",
                    BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).durability(d).build());
        }

        @Override
        public void close() throws IOException {
            if (peer != null) {
                // B goes first, with a clean goodbye: closed the other way round it would try to reconnect.
                peer.call("close");
            }
            topology.close();
            if (server != null) {
                server.close();
            }
            a.close();
            if (b != null) {
                b.close();
            }
            if (dir != null) {
                deleteTree(dir);
            }
        }

        /** Deletes {@code dir}; a file that goes while it is walked (the socket, removed by its listener) is no error. */
        private static void deleteTree(Path dir) throws IOException {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<Path>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                        throws IOException {
                    Files.deleteIfExists(file);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof java.nio.file.NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------
    // Scenarios

    /**
     * Latency percentiles in microseconds, measured from each change's due time, and the p50 /
     * p99 / max with HdrHistogram's expected-interval correction ({@code ei}, for comparison);
     * {@code histogram} holds the latencies from the due time in nanoseconds (null when the scenario did
     * not run). {@code cpuMicrosPerChange}: the CPU time of the measured part per change, all threads
     * (sender included; with {@code uds-process} the peer's CPU time of the whole run pro rata): one
     * change at a time costs far more than in a throughput run, mostly in thread wake-ups.
     */
    public record Latency(int rate, long count, double p50, double p90, double p99, double p999, double max,
                   double eiP50, double eiP99, double eiMax, double cpuMicrosPerChange, Histogram histogram) {
    }

    /**
     * The open-loop sender's wait: returns {@code System.nanoTime()} once it is {@code due} or
     * later. It yields its core to any other runnable thread rather than spin (a spinning sender
     * keeps a core the receiving threads need, and on two cores they then queue) or sleep (a
     * sleeping thread wakes up tens of microseconds late, and here sometimes milliseconds).
     */
    static long waitUntil(long due) {
        long now;
        while ((now = System.nanoTime()) < due) {
            Thread.yield();
        }
        return now;
    }

    static Latency latency(Options o, Progress progress, PeerProcess peer) throws IOException {
        try (Pair p = new Pair(o, true, peer)) {
            long interval = 1_000_000_000L / o.rate;
            int warm = (int) (o.warmupSeconds * o.rate);
            int measured = (int) (o.latencySeconds * o.rate);
            int total = warm + measured;
            long[] sentAt = new long[total];
            long[] dueAt = new long[total];
            Histogram corrected = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            Histogram fromDue = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            Arrivals arrivals = p.expect(total, true);
            collectBeforeTheClock();
            progress.begin("latency", total, arrivals::arrived);
            long start = System.nanoTime() + 1_000_000;
            long cpuAtWarm = 0;
            for (int i = 0; i < total; i++) {
                if (i == warm) {
                    cpuAtWarm = processCpuNanos();
                }
                // made just before it is due: thousands of records made in advance would live
                // long enough to be copied by every young collection, lengthening its pauses
                BlazeDataRecord record = BenchmarkRecords.standard(i);
                long due = start + i * interval;
                dueAt[i] = due;
                sentAt[i] = waitUntil(due);
                p.a.insert(record);
            }
            long[] arrivedAt = arrivals.await("latency run");
            // The peer's CPU time covers the whole run: its measured part pro rata.
            long cpuEnd = processCpuNanos() + arrivals.peerCpuNanos() * measured / total;
            double cpuPerChange = cpuMicrosPer(cpuAtWarm, cpuEnd, measured);
            for (int i = warm; i < total; i++) {
                corrected.recordValueWithExpectedInterval(arrivedAt[i] - sentAt[i], interval);
                fromDue.recordValue(Math.max(0, arrivedAt[i] - dueAt[i]));
            }
            return new Latency(o.rate, fromDue.getTotalCount(), us(fromDue.getValueAtPercentile(50)),
                    us(fromDue.getValueAtPercentile(90)), us(fromDue.getValueAtPercentile(99)),
                    us(fromDue.getValueAtPercentile(99.9)), us(fromDue.getMaxValue()),
                    us(corrected.getValueAtPercentile(50)), us(corrected.getValueAtPercentile(99)), us(corrected.getMaxValue()),
                    cpuPerChange, fromDue);
        }
    }

    /**
     * Throughput in changes per second, and the CPU time the whole process spent per change (all
     * threads, garbage collection included): on a shared machine the wall-clock rate depends on
     * how much of a core the run got, the CPU time per change much less.
     */
    public record Throughput(int changes, int batch, double seconds, double perSecond, double cpuMicrosPerChange) {
    }

    /** CPU time of this process so far, in nanoseconds; -1 when the JVM cannot tell. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private static double cpuMicrosPer(long cpu0, long cpu1, int n) {
        return cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e3 / n;
    }

    /**
     * Collects, before a scenario's clock starts, what the harness left in the heap: earlier
     * scenarios' databases (in the old generation, they would fall to mixed collections inside
     * this run) and this scenario's pre-built inputs (left young, every young collection of the
     * run would copy them; pauses of 20-170 ms were measured). No application pays for either.
     */
    private static void collectBeforeTheClock() {
        System.gc();
    }

    static Throughput throughput(Options o, int n, int batch, Progress progress, PeerProcess peer) throws IOException {
        try (Pair p = new Pair(o, true, peer)) {
            BlazeDataRecord[] records = new BlazeDataRecord[n];
            for (int i = 0; i < n; i++) {
                records[i] = BenchmarkRecords.standard(i);
            }
            Arrivals arrivals = p.expect(n, false);
            collectBeforeTheClock();
            progress.begin(batch <= 1 ? "throughput, single inserts" : "throughput, insertMany(" + batch + ")", n,
                    arrivals::arrived);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            if (batch <= 1) {
                for (BlazeDataRecord r : records) {
                    p.a.insert(r);
                }
            } else {
                for (int i = 0; i < n; i += batch) {
                    p.a.insertMany(Arrays.asList(records).subList(i, Math.min(n, i + batch)));
                }
            }
            arrivals.await("throughput run");
            double s = (arrivals.lastNanos() - t0) / 1e9;
            long cpu1 = processCpuNanos() + arrivals.peerCpuNanos();
            return new Throughput(n, batch, s, n / s, cpuMicrosPer(cpu0, cpu1, n));
        }
    }

    /** Initial sync: seconds until B holds everything A had before the connection. */
    public record InitialSync(int records, double seconds, double perSecond, double cpuMicrosPerRecord) {
    }

    static InitialSync initialSync(Options o, Progress progress, PeerProcess peer) throws IOException {
        try (Pair p = new Pair(o, false, peer)) {
            int n = o.initial;
            List<BlazeDataRecord> chunk = new ArrayList<>(10_000);
            for (int i = 0; i < n; i++) {
                chunk.add(BenchmarkRecords.standard(i));
                if (chunk.size() == 10_000 || i == n - 1) {
                    p.a.insertMany(chunk);
                    chunk.clear();
                }
            }
            Arrivals arrivals = p.expect(n, false);
            collectBeforeTheClock();
            progress.begin("initial sync", n, arrivals::arrived);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            p.connect();
            arrivals.await("initial sync");
            double s = (arrivals.lastNanos() - t0) / 1e9;
            long cpu1 = processCpuNanos() + arrivals.peerCpuNanos();
            long count = p.countB(arrivals);
            if (count != n) {
                throw new IllegalStateException("B holds " + count + " records, expected " + n);
            }
            return new InitialSync(n, s, n / s, cpuMicrosPer(cpu0, cpu1, n));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Where B's changes are timed

    /** The remote changes B's {@code changes()} emits, timed where B is. */
    interface Arrivals {
        /** How many arrived so far (cheap, any thread; for progress). */
        long arrived();

        /**
         * Waits until all arrived.
         *
         * @return when record i arrived ({@code System.nanoTime()}), if times were asked for; else null
         */
        long[] await(String what) throws IOException;

        /** {@code System.nanoTime()} when the last one arrived (after {@link #await}). */
        long lastNanos();

        /** CPU time of the peer process while it waited (after {@link #await}); 0 in this process. */
        long peerCpuNanos();
    }

    /** The index of a benchmark record: its count field minus 1,000,003 ({@link BenchmarkRecords#standard}). */
    static int recordIndex(ChangeEvent e) {
        return (int) (e.record().orElseThrow().integer("count").orElseThrow() - 1_000_003L);
    }

    /** B in this process. */
    private static final class LocalArrivals implements Arrivals {
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicLong arrived = new AtomicLong();
        private final long[] times;
        private final Disposable subscription;
        private volatile long last;

        LocalArrivals(BlazeDBClient b, int n, boolean keepTimes) {
            long[] t = keepTimes ? new long[n] : null;
            times = t;
            subscription = b.changes().filter(ChangeEvent::isRemote).subscribe(e -> {
                long now = System.nanoTime();
                if (t != null) {
                    int i = recordIndex(e);
                    if (i >= 0 && i < n) {
                        t[i] = now;
                    }
                }
                if (arrived.incrementAndGet() == n) {
                    last = now;
                    done.countDown();
                }
            });
        }

        @Override
        public long arrived() {
            return arrived.get();
        }

        @Override
        public long[] await(String what) {
            SyncBench.await(done, what);
            subscription.dispose();
            return times;
        }

        @Override
        public long lastNanos() {
            return last;
        }

        @Override
        public long peerCpuNanos() {
            return 0;
        }
    }

    /** B in the peer process: its "done" line, and the arrival times from the file it wrote. */
    private static final class RemoteArrivals implements Arrivals {
        private final PeerProcess peer;
        private final int n;
        private final Path file;
        long last;
        long cpu;
        long count;

        RemoteArrivals(PeerProcess peer, int n, Path file) {
            this.peer = peer;
            this.n = n;
            this.file = file;
        }

        @Override
        public long arrived() {
            return peer.arrived;
        }

        @Override
        public long[] await(String what) throws IOException {
            String[] done = peer.awaitLine("done ", what).split(" ");
            last = Long.parseLong(done[1]);
            cpu = Long.parseLong(done[2]);
            count = Long.parseLong(done[3]);
            if (file == null) {
                return null;
            }
            long[] times = new long[n];
            try (java.io.DataInputStream in = new java.io.DataInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                for (int i = 0; i < n; i++) {
                    times[i] = in.readLong();
                }
            }
            Files.delete(file);
            return times;
        }

        @Override
        public long lastNanos() {
            return last;
        }

        @Override
        public long peerCpuNanos() {
            return cpu;
        }
    }

    /**
     * The child JVM that holds B for {@code uds-process} ({@link SyncBenchPeer}): one per harness
     * run, driven line by line; its standard error goes to a file shown when a command fails.
     */
    static final class PeerProcess implements AutoCloseable {
        private final Process process;
        private final java.io.Writer stdin;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Path stderr;
        private final Thread reaper;
        volatile long arrived;

        private PeerProcess(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("arrived ")) {
                            arrived = Long.parseLong(line.substring(8));
                        } else if (!line.startsWith("SLF4J")) {
                            lines.add(line);
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // the process ended
                }
                lines.add("exited");
            }, "sync-bench-peer-reader");
            reader.setDaemon(true);
            reader.start();
            reaper = new Thread(process::destroyForcibly, "sync-bench-peer-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
        }

        /** Starts the peer with this JVM's -X / -XX options and class path. */
        static PeerProcess start() throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-X")) {
                    cmd.add(arg);
                }
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SyncBenchPeer.class.getName()));
            Path err = Files.createTempFile("sync-bench-peer", ".log");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            return new PeerProcess(p, err);
        }

        /** Sends a command and waits for its "ok". */
        void call(String command) throws IOException {
            send(command);
            awaitLine("ok", command);
        }

        RemoteArrivals expect(int n, Path file) throws IOException {
            arrived = 0;
            call("expect " + n + " " + (file == null ? "-" : file.toString()));
            return new RemoteArrivals(this, n, file);
        }

        private void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        /** The next line starting with {@code prefix}; an "error" line, the end of the process or the timeout fail. */
        String awaitLine(String prefix, String what) throws IOException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try {
                for (;;) {
                    String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new IllegalStateException(what + ": the peer process did not answer in " + TIMEOUT + stderrTail());
                    }
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                    if (line.startsWith("error") || line.equals("exited")) {
                        throw new IllegalStateException(what + ": the peer process says " + line + stderrTail());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private String stderrTail() throws IOException {
            List<String> all = Files.readAllLines(stderr);
            return all.isEmpty() ? "" : "; its standard error ends with:\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        }

        @Override
        public void close() throws IOException {
            try {
                send("exit");
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            } finally {
                Runtime.getRuntime().removeShutdownHook(reaper);
                Files.deleteIfExists(stderr);
            }
        }
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(what + " did not finish in " + TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double us(long nanos) {
        return nanos / 1000.0;
    }

    // ------------------------------------------------------------------------------------------
    // Running and reporting

    /** One run of every scenario. */
    public record Run(Latency latency, Throughput single, Throughput batched, InitialSync initial) {
    }

    /**
     * Told how the harness gets on, for a progress display. {@link #begin} is called on the
     * harness's thread; {@code done} may be read from any thread (it is cheap and never blocks),
     * so a display polls it on its own thread instead of slowing the measured loop down.
     */
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = new Progress() {
        };

        /**
         * A scenario starts.
         *
         * @param step what it measures
         * @param units how many changes it waits for
         * @param done how many of them have arrived so far
         */
        default void begin(String step, long units, java.util.function.LongSupplier done) {
        }

        /** A scenario ended; {@code result} is its one-line outcome. */
        default void end(String step, String result) {
        }
    }

    /**
     * What a whole harness run produced.
     *
     * @param options the options it ran with
     * @param machine what it ran on
     * @param runs every run, in order
     */
    public record Result(Options options, MachineFacts machine, List<Run> runs) {

        /** The Markdown report's file. */
        public Path markdownFile() {
            return options.out.resolve("sync-bench-" + options.transport + ".md");
        }

        /** The JSON file with every run. */
        public Path jsonFile() {
            return options.out.resolve("sync-bench-" + options.transport + ".json");
        }

        /** The latency chart (PNG). */
        public Path chartFile() {
            return options.out.resolve(chartName(options));
        }

        /** The Markdown report. */
        public String markdown() {
            return SyncBench.markdown(options, machine, runs);
        }

        /** Every run as JSON. */
        public String json() {
            return SyncBench.json(options, machine, runs);
        }

        /** Writes the Markdown, the JSON and (when the latency scenario ran) the chart to the options' directory. */
        public void write() throws IOException {
            Files.createDirectories(options.out);
            Files.writeString(markdownFile(), markdown(), StandardCharsets.UTF_8);
            Files.writeString(jsonFile(), json(), StandardCharsets.UTF_8);
            if (options.scenarios.contains("latency")) {
                chart(options, runs, chartFile());
            }
        }
    }

    /** The chart's file name in the output directory. */
    static String chartName(Options o) {
        return "sync-bench-" + o.transport + "-latency.png";
    }

    /** Draws the latency distribution of every run, with the p50 and p99 bars. */
    static void chart(Options o, List<Run> runs, Path file) throws IOException {
        Bars bars = Bars.of(o.transport);
        List<LatencyChart.Series> series = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Latency l = runs.get(i).latency;
            if (l.histogram() != null) {
                series.add(new LatencyChart.Series(fmt("run %d: p50 %.1f us, p99 %.1f us", i + 1, l.p50, l.p99), l.histogram()));
            }
        }
        LatencyChart.write(file, fmt("Sync latency end to end, %s transport, open loop at %,d changes/s, from due time",
                o.transport, o.rate), series, List.of(new LatencyChart.Bar("p50 bar " + bars.p50Us + " us", bars.p50Us),
                new LatencyChart.Bar("p99 bar " + bars.p99Us + " us", bars.p99Us)));
    }

    /**
     * Runs the harness: every scenario of {@code o}, {@code o.runs()} times.
     *
     * @param progress told of each scenario as it starts and ends
     */
    public static Result run(Options o, Progress progress) throws IOException {
        if (!o.transport.equals("uds-process")) {
            return run(o, progress, null);
        }
        try (PeerProcess peer = PeerProcess.start()) {
            return run(o, progress, peer);
        }
    }

    private static Result run(Options o, Progress progress, PeerProcess peer) throws IOException {
        MachineFacts machine = MachineFacts.probe();
        List<Run> runs = new ArrayList<>();
        Latency noLatency = new Latency(o.rate, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, null);
        Throughput noThroughput = new Throughput(0, 0, Double.NaN, Double.NaN, Double.NaN);
        if (o.scenarios.contains("throughput") && o.warmupChanges > 0) {
            // Without this the first run measures the JIT compiling the path as much as the path.
            throughput(o, o.warmupChanges, 1, progress, peer);
            Throughput warm = throughput(o, o.warmupChanges, o.batch, progress, peer);
            progress.end("throughput", fmt("warm-up throughput runs done (%,d changes each; last: %,.0f changes/s, not reported)",
                    o.warmupChanges, warm.perSecond));
        }
        for (int r = 1; r <= o.runs; r++) {
            Latency l = noLatency;
            if (o.scenarios.contains("latency")) {
                l = latency(o, progress, peer);
                progress.end("latency", fmt("run %d latency at %,d/s: p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us"
                        + " (%.1f us CPU per change)", r, o.rate, l.p50, l.p90, l.p99, l.p999, l.max, l.cpuMicrosPerChange));
            }
            Throughput single = noThroughput;
            Throughput batched = noThroughput;
            if (o.scenarios.contains("throughput")) {
                single = throughput(o, o.changes, 1, progress, peer);
                progress.end("throughput", fmt("run %d throughput, single inserts: %,.0f changes/s (%.2f us CPU per change)", r,
                        single.perSecond, single.cpuMicrosPerChange));
                batched = throughput(o, o.changes, o.batch, progress, peer);
                progress.end("throughput", fmt("run %d throughput, insertMany(%d): %,.0f changes/s (%.2f us CPU per change)", r,
                        o.batch, batched.perSecond, batched.cpuMicrosPerChange));
            }
            InitialSync initial = new InitialSync(0, Double.NaN, Double.NaN, Double.NaN);
            if (o.scenarios.contains("initial")) {
                initial = initialSync(o, progress, peer);
                progress.end("initial", fmt("run %d initial sync of %,d records: %.2f s (%,.0f records/s, %.2f us CPU per record)", r,
                        initial.records, initial.seconds, initial.perSecond, initial.cpuMicrosPerRecord));
            }
            runs.add(new Run(l, single, batched, initial));
        }
        return new Result(o, machine.finished(), runs);
    }

    /**
     * Runs the harness from the command line (see the class comment), printing each scenario's
     * result as it ends, then the report.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) throws IOException {
        Options o = optionsOrExit(args, USAGE, Options::parse);
        if (o == null) {
            return;
        }
        System.out.println("SyncBench on " + o.transport + ", " + o.describeStorage() + "; " + MachineFacts.probe().describe());
        Result result = run(o, new Progress() {
            @Override
            public void end(String step, String line) {
                System.out.println(line);
            }
        });
        result.write();
        System.out.println();
        System.out.println(result.markdown());
        System.out.println("written: " + result.markdownFile() + ", " + result.jsonFile()
                + (o.scenarios.contains("latency") ? ", " + result.chartFile() : ""));
    }

    /** The median of {@code f} over {@code items} ({@link CodecReport#median}), NaN if there are none. */
    static <T> double median(List<T> items, java.util.function.ToDoubleFunction<T> f) {
        return CodecReport.median(items.stream().map(f::applyAsDouble).toList());
    }

    static String markdown(Options o, MachineFacts machine, List<Run> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append("### End-to-end sync, ").append(o.transport).append(" transport\n\n");
        sb.append(String.format(Locale.ROOT, "Insert on A until B's `changes()` emits the remote change; %s; median of %d runs. "
                + "Latency: open loop at %,d changes/s, %.0f s measured after %.0f s warm-up, HdrHistogram, each change "
                + "measured from its due time (coordinated omission corrected). Throughput: %,d changes, after unreported "
                + "warm-up runs of %,d. Initial sync: %,d records. Machine: %s.%n%n",
                o.describeStorage(), runs.size(), o.rate, o.latencySeconds, o.warmupSeconds, o.changes, o.warmupChanges,
                o.initial, machine.describe()));
        sb.append("| metric | bar (design.md) | original guide's claim | measured | meets the bar |\n");
        sb.append("|---|---|---|---|---|\n");
        double p50 = median(runs, r -> r.latency.p50);
        double p99 = median(runs, r -> r.latency.p99);
        double single = median(runs, r -> r.single.perSecond);
        double batched = median(runs, r -> r.batched.perSecond);
        double initial = median(runs, r -> r.initial.seconds);
        double singleCpu = median(runs, r -> r.single.cpuMicrosPerChange);
        double batchedCpu = median(runs, r -> r.batched.cpuMicrosPerChange);
        double initialCpu = median(runs, r -> r.initial.cpuMicrosPerRecord);
        Bars bars = Bars.of(o.transport);
        if (o.scenarios.contains("latency")) {
            row(sb, "latency p50", fmt("<= %d us", bars.p50Us), bars.latencyClaim, fmt("%.1f us", p50), p50 <= bars.p50Us);
            row(sb, "latency p99", fmt("<= %d us", bars.p99Us), "(none)", fmt("%.1f us", p99), p99 <= bars.p99Us);
        }
        if (o.scenarios.contains("throughput")) {
            row(sb, "throughput, single inserts", fmt(">= %d K changes/s", bars.perSecond / 1000), bars.throughputClaim,
                    fmt("%,.0f changes/s (%.2f us CPU per change)", single, singleCpu), single >= bars.perSecond);
            row(sb, "throughput, insertMany(" + o.batch + ")", fmt(">= %d K changes/s", bars.perSecond / 1000),
                    bars.throughputClaim, fmt("%,.0f changes/s (%.2f us CPU per change)", batched, batchedCpu),
                    batched >= bars.perSecond);
        }
        if (o.scenarios.contains("initial")) {
            row(sb, fmt("initial sync, %,d records", o.initial), "<= 5 s for 1 M (stated for UDS)", "(none)",
                    fmt("%.2f s (%,.0f records/s, %.2f us CPU per record)", initial, o.initial / initial, initialCpu),
                    o.initial >= 1_000_000 ? initial <= 5 : initial <= 5.0 * o.initial / 1_000_000);
        }
        if (!o.scenarios.contains("latency")) {
            return sb.toString();
        }
        sb.append("\nLatency distribution: [").append(chartName(o)).append("](").append(chartName(o)).append(")\n");
        sb.append("\nLatency distribution per run (us):\n\n");
        sb.append("| run | p50 | p90 | p99 | p99.9 | max | expected-interval correction: p50 / p99 / max | CPU per change |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < runs.size(); i++) {
            Latency l = runs.get(i).latency;
            sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f / %.1f | %.1f |%n", i + 1, l.p50, l.p90,
                    l.p99, l.p999, l.max, l.eiP50, l.eiP99, l.eiMax, l.cpuMicrosPerChange));
        }
        return sb.toString();
    }

    /** The bars of design.md and the original guide's claims, per transport. */
    record Bars(int p50Us, int p99Us, int perSecond, String latencyClaim, String throughputClaim) {
        static Bars of(String transport) {
            return switch (transport) {
                case "uds", "uds-process" -> new Bars(50, 200, 300_000, "0.3-0.5 ms", "5-20 K ops/s");
                case "tcp", "tcp-tls-e2e" -> new Bars(80, 300, 200_000, "~5 ms", "1-10 K ops/s");
                default -> new Bars(10, 50, 500_000, "< 0.1 ms", "10-50 K ops/s");
            };
        }
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    /** A row of the report's table: metric, bar, the guide's claim, measured, whether it meets the bar. */
    static void row(StringBuilder sb, String metric, String bar, String claim, String measured, boolean ok) {
        sb.append("| ").append(metric).append(" | ").append(bar).append(" | ").append(claim).append(" | ").append(measured)
                .append(" | ").append(ok ? "yes" : "**no**").append(" |\n");
    }

    /** Every run as JSON; a figure a scenario did not produce is null. */
    static String json(Options o, MachineFacts machine, List<Run> runs) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"harness\": \"SyncBench\",\n");
        sb.append("  \"transport\": \"").append(o.transport).append("\",\n");
        sb.append("  \"storage\": \"").append(o.describeStorage()).append("\",\n");
        sb.append("  \"machine\": \"").append(machine.describe().replace("\"", "'")).append("\",\n");
        sb.append(String.format(Locale.ROOT, "  \"options\": {\"runs\": %d, \"rate\": %d, \"latencySeconds\": %s, \"warmupSeconds\": %s, "
                + "\"changes\": %d, \"warmupChanges\": %d, \"batch\": %d, \"initial\": %d, \"scenarios\": \"%s\"},%n", o.runs,
                o.rate, o.latencySeconds, o.warmupSeconds, o.changes, o.warmupChanges, o.batch, o.initial,
                String.join(",", o.scenarios)));
        if (o.scenarios.contains("latency")) {
            sb.append("  \"latencyChart\": \"").append(chartName(o)).append("\",\n");
        }
        sb.append("  \"runs\": [\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            Latency l = r.latency;
            sb.append("    {\"latencyMicros\": {\"rate\": ").append(l.rate).append(", \"count\": ").append(l.count)
                    .append(", \"p50\": ").append(num(l.p50, 2)).append(", \"p90\": ").append(num(l.p90, 2))
                    .append(", \"p99\": ").append(num(l.p99, 2)).append(", \"p999\": ").append(num(l.p999, 2))
                    .append(", \"max\": ").append(num(l.max, 2)).append(", \"measuredFrom\": \"due time\"")
                    .append(", \"expectedIntervalP50\": ").append(num(l.eiP50, 2))
                    .append(", \"expectedIntervalP99\": ").append(num(l.eiP99, 2))
                    .append(", \"expectedIntervalMax\": ").append(num(l.eiMax, 2))
                    .append(", \"cpuMicrosPerChange\": ").append(num(l.cpuMicrosPerChange, 1))
                    .append("}, \"singleInsertsPerSecond\": ").append(num(r.single.perSecond, 0))
                    .append(", \"batchedInsertsPerSecond\": ").append(num(r.batched.perSecond, 0))
                    .append(", \"initialSyncSeconds\": ").append(num(r.initial.seconds, 3))
                    .append(", \"singleCpuMicrosPerChange\": ").append(num(r.single.cpuMicrosPerChange, 3))
                    .append(", \"batchedCpuMicrosPerChange\": ").append(num(r.batched.cpuMicrosPerChange, 3))
                    .append(", \"initialCpuMicrosPerRecord\": ").append(num(r.initial.cpuMicrosPerRecord, 3))
                    .append(i == runs.size() - 1 ? "}\n" : "},\n");
        }
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    /** A JSON number with {@code digits} decimals, or null (JSON has no NaN). */
    static String num(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "null";
    }
}
