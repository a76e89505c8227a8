package dev.blazedb.benchmarks;

import static dev.blazedb.benchmarks.SyncBench.fmt;
import static dev.blazedb.benchmarks.SyncBench.num;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.tls.ServerTrust;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.Transports;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * TCP-only measurements beside {@link SyncBench}: the cost of a connection's handshake and the
 * fan-out of one server to many spokes, on loopback, all in one JVM.
 *
 * <pre>
 * java -Xmx3g -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.TcpBench \
 *   --handshakes 300     sequential connects per kind (after 1000 warm-up ones)
 *   --spokes 10,100,1000 spoke counts for the fan-out
 *   --rounds 50          single changes timed to reach every spoke (after 5 warm-up ones)
 *   --changes 10000      changes of the bulk fan-out (0 to skip it)
 *   --out target/tcp-bench   where tcp-bench.md and tcp-bench.json go
 * </pre>
 *
 * <ul>
 *   <li><b>Handshake</b>: sequential connects to a {@link BlazeServer}'s port, each timed from
 *       {@code connect()} to the secure connection being handed out: TCP connect, TLS 1.3,
 *       ephemeral ECDH, HKDF, both token proofs. Plain (no TLS) and TLS + E2E. HdrHistogram,
 *       p50 / p99 / max.</li>
 *   <li><b>Fan-out</b> (TLS + E2E): a server with K spoke clients (in-memory databases, one
 *       topology, one JVM). One change written on the server, timed until every spoke's
 *       {@code changes()} has emitted it (docs/benchmarks.md: "time until a change reaches all"),
 *       p50 / p99 / max over the rounds; then {@code changes} records written in batches of 1000,
 *       timed until every spoke has all of them (changes delivered per second = K x changes /
 *       time). Also reported: how long the K connects took, the heap in use and the file
 *       descriptors open with K spokes connected (2 sockets per spoke: both ends are here).</li>
 * </ul>
 *
 * Fan-out to 1000 spokes needs about 2,100 file descriptors ({@code ulimit -n}) and a heap of a
 * few hundred MiB; Reactor Netty's event loops (max(cores, 4) threads) serve both ends.
 */
public final class TcpBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String TOKEN = "tcp-bench-token";
    private static final int HANDSHAKE_WARMUP = 1000;
    private static final int ROUND_WARMUP = 5;
    /** design.md's handshake bar: p99 at most 10 ms. */
    private static final double HANDSHAKE_P99_BAR_MS = 10;

    /** The command line's usage line. */
    public static final String USAGE = "usage: TcpBench [--handshakes 300] [--spokes 10,100,1000] [--rounds 50]"
            + " [--changes 10000] [--out target/tcp-bench]";
    private static final List<String> OPTION_NAMES = List.of("handshakes", "spokes", "rounds", "changes", "out");

    private TcpBench() {
    }

    /**
     * The options; see the class comment.
     *
     * @param handshakes timed connects per kind
     * @param spokes the spoke counts of the fan-out
     * @param rounds single changes timed per spoke count
     * @param changes changes of the bulk fan-out, 0 for none
     * @param out where the report goes
     */
    public record Options(int handshakes, List<Integer> spokes, int rounds, int changes, Path out) {

        /**
         * Parses {@code --name value} pairs; absent ones take the defaults of the class comment.
         *
         * @param args the command line
         * @return the options
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String... args) {
            Map<String, String> m = SyncBench.namedArguments(args, OPTION_NAMES);
            Options o;
            try {
                o = new Options(SyncBench.Options.intOf(m, "handshakes", 300),
                        Stream.of(m.getOrDefault("spokes", "10,100,1000").split(",")).map(String::trim)
                                .map(Integer::parseInt).toList(),
                        SyncBench.Options.intOf(m, "rounds", 50), SyncBench.Options.intOf(m, "changes", 10_000),
                        Path.of(m.getOrDefault("out", "target/tcp-bench")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + e.getMessage(), e);
            }
            if (o.handshakes < 1 || o.rounds < 1 || o.changes < 0 || o.spokes.isEmpty() || o.spokes.stream().anyMatch(k -> k < 1)) {
                throw new IllegalArgumentException("--handshakes, --rounds and every --spokes count must be positive, --changes"
                        + " at least 0");
            }
            return o;
        }
    }

    /**
     * One kind of handshake.
     *
     * @param tls whether TLS 1.3 (and E2E sealing) was on
     * @param count timed handshakes
     * @param p50Ms median, ms
     * @param p99Ms 99th percentile, ms
     * @param maxMs slowest, ms
     */
    public record Handshake(boolean tls, int count, double p50Ms, double p99Ms, double maxMs) {
        String what() {
            return tls ? "TCP + TLS 1.3 + ECDH + token proofs (E2E)" : "TCP + ECDH + token proofs (no TLS)";
        }
    }

    /**
     * Fan-out to one number of spokes.
     *
     * @param spokes K
     * @param connectSeconds how long connecting all K took (32 at a time)
     * @param heapMiB heap in use with K spokes connected, after a collection
     * @param openFiles file descriptors open with K spokes connected (-1 where unknown)
     * @param rounds single changes timed
     * @param p50Ms a change to every spoke, median, ms
     * @param p99Ms 99th percentile, ms
     * @param maxMs slowest, ms
     * @param changes changes of the bulk fan-out (0: not run)
     * @param seconds time until every spoke held them all
     * @param deliveredPerSecond K x changes / seconds
     */
    public record FanOut(int spokes, double connectSeconds, long heapMiB, long openFiles, int rounds, double p50Ms,
                         double p99Ms, double maxMs, int changes, double seconds, double deliveredPerSecond) {
    }

    /**
     * What a run produced.
     *
     * @param options the options it ran with
     * @param machine what it ran on
     * @param handshakes plain, then TLS
     * @param fanOuts one per spoke count
     */
    public record Result(Options options, MachineFacts machine, List<Handshake> handshakes, List<FanOut> fanOuts) {

        /** The Markdown report's file. */
        public Path markdownFile() {
            return options.out.resolve("tcp-bench.md");
        }

        /** The JSON file. */
        public Path jsonFile() {
            return options.out.resolve("tcp-bench.json");
        }

        /** Writes the Markdown and the JSON to the options' directory. */
        public void write() throws IOException {
            Files.createDirectories(options.out);
            Files.writeString(markdownFile(), markdown(), StandardCharsets.UTF_8);
            Files.writeString(jsonFile(), json(), StandardCharsets.UTF_8);
        }

        /** The Markdown report. */
        public String markdown() {
            StringBuilder sb = new StringBuilder("### TCP: handshake and fan-out\n\n");
            sb.append(fmt("Loopback, one JVM, in-memory databases. Machine: %s.%n%n", machine.describe()));
            sb.append("| metric | bar (design.md) | original guide's claim | measured | meets the bar |\n");
            sb.append("|---|---|---|---|---|\n");
            for (Handshake h : handshakes) {
                SyncBench.row(sb, fmt("handshake, %s, p50 / p99 / max of %d", h.what(), h.count), fmt("p99 <= %.0f ms",
                        HANDSHAKE_P99_BAR_MS), "(none)", fmt("%.2f / %.2f / %.2f ms", h.p50Ms, h.p99Ms, h.maxMs),
                        h.p99Ms <= HANDSHAKE_P99_BAR_MS);
            }
            sb.append("\nFan-out over TLS + E2E: one change written on the server until every spoke's `changes()` has it; "
                    + "then a bulk of changes (insertMany of 1000) until every spoke holds them all.\n\n");
            sb.append("| spokes | connect all | heap / open files | one change to all: p50 / p99 / max | bulk changes | "
                    + "bulk to all | changes delivered/s |\n|---|---|---|---|---|---|---|\n");
            for (FanOut f : fanOuts) {
                sb.append(fmt("| %d | %.2f s | %d MiB / %s | %.2f / %.2f / %.2f ms (%d rounds) | %,d | %s | %s |%n", f.spokes,
                        f.connectSeconds, f.heapMiB, f.openFiles < 0 ? "?" : Long.toString(f.openFiles), f.p50Ms, f.p99Ms,
                        f.maxMs, f.rounds, f.changes, f.changes == 0 ? "-" : fmt("%.2f s", f.seconds),
                        f.changes == 0 ? "-" : fmt("%,.0f", f.deliveredPerSecond)));
            }
            return sb.toString();
        }

        /** Every figure as JSON. */
        public String json() {
            StringBuilder sb = new StringBuilder("{\n  \"harness\": \"TcpBench\",\n");
            sb.append("  \"machine\": \"").append(machine.describe().replace("\"", "'")).append("\",\n");
            sb.append(fmt("  \"options\": {\"handshakes\": %d, \"spokes\": [%s], \"rounds\": %d, \"changes\": %d},%n",
                    options.handshakes, options.spokes.stream().map(String::valueOf).collect(Collectors.joining(", ")),
                    options.rounds, options.changes));
            sb.append("  \"handshakes\": [\n");
            for (int i = 0; i < handshakes.size(); i++) {
                Handshake h = handshakes.get(i);
                sb.append(fmt("    {\"tls\": %b, \"count\": %d, \"p50Millis\": %s, \"p99Millis\": %s, \"maxMillis\": %s}%s%n",
                        h.tls, h.count, num(h.p50Ms, 3), num(h.p99Ms, 3), num(h.maxMs, 3), i == handshakes.size() - 1 ? "" : ","));
            }
            sb.append("  ],\n  \"fanOut\": [\n");
            for (int i = 0; i < fanOuts.size(); i++) {
                FanOut f = fanOuts.get(i);
                sb.append(fmt("    {\"spokes\": %d, \"connectSeconds\": %s, \"heapMiB\": %d, \"openFiles\": %d, \"rounds\": %d,"
                        + " \"p50Millis\": %s, \"p99Millis\": %s, \"maxMillis\": %s, \"changes\": %d, \"seconds\": %s,"
                        + " \"deliveredPerSecond\": %s}%s%n", f.spokes, num(f.connectSeconds, 3), f.heapMiB, f.openFiles,
                        f.rounds, num(f.p50Ms, 3), num(f.p99Ms, 3), num(f.maxMs, 3), f.changes, num(f.seconds, 3),
                        num(f.deliveredPerSecond, 0), i == fanOuts.size() - 1 ? "" : ","));
            }
            sb.append("  ]\n}\n");
            return sb.toString();
        }
    }

    /**
     * Runs the measurements (see the class comment), printing each as it ends, then writes the
     * report.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws IOException {
        Options o = SyncBench.optionsOrExit(args, USAGE, Options::parse);
        if (o == null) {
            return;
        }
        System.out.println("TcpBench on " + MachineFacts.probe().describe());
        Result result = run(o);
        result.write();
        System.out.println();
        System.out.println(result.markdown());
        System.out.println("written: " + result.markdownFile() + ", " + result.jsonFile());
    }

    /**
     * Runs every measurement of {@code o}.
     *
     * @param o the options
     * @return the figures
     */
    public static Result run(Options o) {
        MachineFacts machine = MachineFacts.probe();
        List<Handshake> handshakes = new ArrayList<>();
        for (boolean tls : new boolean[] {false, true}) {
            Handshake h = handshake(o.handshakes, tls);
            System.out.println(fmt("handshake, %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms", h.what(), h.p50Ms, h.p99Ms, h.maxMs));
            handshakes.add(h);
        }
        List<FanOut> fanOuts = new ArrayList<>();
        for (int k : o.spokes) {
            FanOut f = fanOut(k, o.rounds, o.changes);
            System.out.println(fmt("fan-out to %d spokes: connected in %.2f s (%d MiB heap, %d files); one change to all: p50 %.2f ms,"
                    + " p99 %.2f ms; %,d changes to all in %.2f s", k, f.connectSeconds, f.heapMiB, f.openFiles, f.p50Ms,
                    f.p99Ms, f.changes, f.seconds));
            fanOuts.add(f);
        }
        return new Result(o, machine.finished(), handshakes, fanOuts);
    }

    static Handshake handshake(int count, boolean secure) {
        try (BlazeDBClient db = BlazeDBClient.inMemory("HandshakeServer");
             BlazeServer server = BlazeServer.builder().database("HandshakeServer").host("127.0.0.1").localDB(db)
                     .authToken(TOKEN).tls(secure).build()) {
            server.start().block(TIMEOUT);
            Map<String, Object> options = secure
                    ? Map.of("tls", true, "trustManager", ServerTrust.pinned(server.tlsFingerprint(), "bench"))
                    : Map.of();
            ClientTransport raw = Transports.clientTransport("tcp", "127.0.0.1:" + server.port(), options);
            SecureSession.Config config = SecureSession.Config.builder(NodeId.random(), "HandshakeClient").token(TOKEN)
                    .encryption(secure ? EncryptionMode.E2E_ONLY : EncryptionMode.SMART_PROXY).build();
            ClientTransport client = SecureSession.client(raw, config);
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int i = 0; i < count + HANDSHAKE_WARMUP; i++) {
                long t0 = System.nanoTime();
                DuplexConnection c = client.connect().block(TIMEOUT);
                long t = System.nanoTime() - t0;
                if (i >= HANDSHAKE_WARMUP) {
                    h.recordValue(t);
                }
                c.dispose();
                c.onClose().block(TIMEOUT);
            }
            return new Handshake(secure, count, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
        }
    }

    /**
     * What the spokes' {@code changes()} subscribers count: remote changes arriving, until
     * {@code target} of them have (then the time is taken and the latch opened).
     */
    private static final class Phase {
        final long target;
        final AtomicLong arrived = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        volatile long doneAt;

        Phase(long target) {
            this.target = target;
        }

        void arrived() {
            if (arrived.incrementAndGet() == target) {
                doneAt = System.nanoTime();
                done.countDown();
            }
        }

        long await(long startedAt, String what) {
            try {
                if (!done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(what + ": " + arrived.get() + " of " + target + " arrived within " + TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return doneAt - startedAt;
        }
    }

    static FanOut fanOut(int spokes, int rounds, int changes) {
        List<BlazeDBClient> dbs = new ArrayList<>();
        Disposable.Composite subscriptions = Disposables.composite();
        try (BlazeDBClient hub = BlazeDBClient.inMemory("Hub");
             BlazeServer server = BlazeServer.builder().database("Hub").host("127.0.0.1").localDB(hub).authToken(TOKEN)
                     .maxConnections(spokes + 16).handshakeTimeout(Duration.ofSeconds(60)).build();
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(TIMEOUT);
            RemoteNode remote = RemoteNode.builder("127.0.0.1", server.port(), "Hub").authToken(TOKEN)
                    .pinnedFingerprint(server.tlsFingerprint()).handshakeTimeout(Duration.ofSeconds(60)).build();
            Phase[] phase = {new Phase(Long.MAX_VALUE)};
            for (int i = 0; i < spokes; i++) {
                BlazeDBClient db = BlazeDBClient.inMemory("Spoke-" + i);
                dbs.add(db);
                subscriptions.add(db.changes().filter(ChangeEvent::isRemote).subscribe(e -> phase[0].arrived()));
            }
            long c0 = System.nanoTime();
            // 32 handshakes at a time: a burst of 1000 TLS handshakes would only queue on 2 cores.
            Flux.fromIterable(dbs)
                    .flatMap(db -> topology.register(db, db.name(), SyncRole.CLIENT)
                            .flatMap(id -> topology.connectRemote(id, remote, new SyncPolicy())), 32)
                    .blockLast(TIMEOUT);
            double connectSeconds = (System.nanoTime() - c0) / 1e9;
            System.gc();
            long heapMiB = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
            long openFiles = openFiles();

            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (int r = 0; r < rounds + ROUND_WARMUP; r++) {
                Phase p = new Phase(spokes);
                phase[0] = p;
                BlazeDataRecord record = BenchmarkRecords.standard(r);
                long t0 = System.nanoTime();
                hub.insert(record);
                long t = p.await(t0, "round " + r);
                if (r >= ROUND_WARMUP) {
                    h.recordValue(t);
                }
            }
            double seconds = Double.NaN;
            if (changes > 0) {
                Phase p = new Phase((long) spokes * changes);
                phase[0] = p;
                List<BlazeDataRecord> batch = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < changes; i++) {
                    batch.add(BenchmarkRecords.standard(1_000_000L + i));
                    if (batch.size() == 1000 || i == changes - 1) {
                        hub.insertMany(batch);
                        batch = new ArrayList<>();
                    }
                }
                seconds = p.await(t0, "bulk fan-out") / 1e9;
            }
            return new FanOut(spokes, connectSeconds, heapMiB, openFiles, rounds, ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), changes, seconds,
                    changes > 0 ? spokes * (double) changes / seconds : Double.NaN);
        } finally {
            subscriptions.dispose();
            dbs.forEach(BlazeDBClient::close);
        }
    }

    /** File descriptors open in this process (Linux), or -1. */
    private static long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
