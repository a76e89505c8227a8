package dev.blazedb.benchmarks;

import dev.blazedb.benchmarks.SuiteReport.SyncSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every JMH benchmark the README quotes, in one command, with a report of each figure beside its
 * bar. This is the only source of the README's JMH figures; the codec's CPU-time figures come from
 * {@link CodecCpuTime}, and its bound (codecs written for one record's layout) from {@link CodecBound}.
 *
 * <pre>
 * java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.BenchmarkSuite [--quick] [--only codec|storage|sync] [--out DIR]
 * </pre>
 *
 * <ul>
 *   <li>codec ({@link CodecBenchmark}): every method on the standard and the large record, 1 fork,
 *       5 x 1 s warm-up, 5 x 1 s measured, forks run with {@link #CODEC_JVM_ARGS} (a shared,
 *       loaded machine starves the JIT's threads: see {@link CodecCpuTime}); plus the encoded sizes
 *       ({@link CodecSizes}).
 *   <li>storage ({@link StorageBenchmark}), 1 fork each, with the settings of its Javadoc: insert
 *       with GROUP and OS durability and point reads with 1 and 2 threads (3 x 2 s warm-up,
 *       5 x 2 s measured), open of a 1 M-record database with cheap and default key derivation
 *       (1 warm-up, 5 measured), compaction of 1 M records (3 measured).
 *   <li>sync: the end-to-end harness ({@link SyncBench}) on every transport of
 *       {@link #SYNC_TRANSPORTS} (memory, Unix socket in one process and between two, TCP plain
 *       and TLS + E2E), 3 runs of every scenario each, then {@link TcpBench} (handshake cost,
 *       fan-out to 10, 100 and 1000 spokes), then {@link SocketFloor} (the same latency sender over
 *       bare threads and sockets, nothing of BlazeDB: the floor under the socket figures); each in a child JVM of its own with the flags the
 *       README quotes ({@value #SYNC_JVM_FLAGS}; TcpBench a 6 GiB heap); each writes its own report, JSON and (SyncBench)
 *       latency chart beside the suite's.
 * </ul>
 *
 * <p>About 25 minutes on 2 cores (the sync group about 12). {@code --quick} (about two minutes) shortens every iteration
 * and uses 100 K-record databases and one short sync run: a smoke test, not figures to quote.
 * Writes, under {@code --out} (default {@code target/bench-results}): {@code raw/*.json} (JMH's
 * own results), {@code results.json} (the summary, the sync harness's runs under {@code sync}),
 * {@code results.md} (also printed) and the harnesses' files. Exits with 1 if a
 * benchmark failed to produce its figure, 2 on a bad command line; a missed bar is a result, not
 * a failure.
 */
public final class BenchmarkSuite {

    /** The command that runs the suite, as the report quotes it. */
    static final String COMMAND = "java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.BenchmarkSuite";

    private static final String USAGE = "usage: " + COMMAND + " [--quick] [--only codec|storage|sync] [--out DIR]";
    /** The groups, in the order they run. */
    static final List<String> GROUPS = List.of("codec", "storage", "sync");
    /**
     * The JVM flags of the sync harness's child JVM (the README's SyncBench command uses the same).
     * A fixed, pre-touched heap: in-memory databases grow the heap for the whole run, and without
     * it every new heap page is a page fault on the inserting thread (about 2x the throughput,
     * side by side). G1 with transparent huge pages rather than ZGC (JDK 17's ZGC heap is shared
     * memory, which gets no huge pages here, and marks the whole heap each cycle): the record
     * index's random lookups miss the TLB far less, and the process spent about half the CPU time
     * per change, measured side by side, with no worse tail latency.
     */
    static final String SYNC_JVM_FLAGS = "-Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:+UseG1GC";
    /** {@link TcpBench}'s: the same with a larger heap, for 1000 spokes' in-memory databases and connections. */
    static final String TCP_BENCH_JVM_FLAGS = SYNC_JVM_FLAGS.replace("3g", "6g");
    private static final String PACKAGE = "^dev\\.blazedb\\.benchmarks\\.";

    /**
     * The codec forks' JVM options: -Xbatch makes the benchmark thread wait for each compilation,
     * so that warm-up ends with the codecs compiled even when other processes starve the JIT's
     * threads; a fixed, pre-touched heap keeps first-touch page faults out of the measurements.
     */
    static final String[] CODEC_JVM_ARGS = {"-Xbatch", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"};

    private BenchmarkSuite() {
    }

    /**
     * The command line.
     *
     * @param quick a short smoke run
     * @param groups the groups to run, in order: {@code codec}, {@code storage}
     * @param out the output directory
     */
    record Settings(boolean quick, List<String> groups, Path out) {

        /** Parses the arguments; throws {@link IllegalArgumentException} with a message on a bad one. */
        static Settings parse(String... args) {
            boolean quick = false;
            List<String> groups = GROUPS;
            Path out = Path.of("target", "bench-results");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--only" -> {
                        String group = value(args, ++i, "--only");
                        if (!GROUPS.contains(group)) {
                            throw new IllegalArgumentException("--only takes codec, storage or sync, not " + group);
                        }
                        groups = List.of(group);
                    }
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            return new Settings(quick, groups, out);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        /** The command line that gives these settings, for the report. */
        String command() {
            StringBuilder command = new StringBuilder(COMMAND);
            if (quick) {
                command.append(" --quick");
            }
            if (groups.size() == 1) {
                command.append(" --only ").append(groups.get(0));
            }
            if (!out.equals(Path.of("target", "bench-results"))) {
                command.append(" --out ").append(out);
            }
            return command.toString();
        }
    }

    /**
     * One JMH run: its benchmarks and settings.
     *
     * @param name names the raw result file
     * @param options JMH's options, without the result file
     */
    record Step(String name, ChainedOptionsBuilder options) {
        /** The raw result file's name. */
        String file() {
            return name + ".json";
        }
    }

    /** The JMH runs of these settings, in order. */
    static List<Step> plan(Settings settings) {
        boolean quick = settings.quick();
        List<Step> steps = new ArrayList<>();
        if (settings.groups().contains("codec")) {
            steps.add(new Step("codec", quick
                    ? timed(PACKAGE + "CodecBenchmark\\.(blaze|jacksonMap|jacksonPojo)(Encode|Decode)$", 1, 3, TimeValue.milliseconds(200))
                    : timed(PACKAGE + "CodecBenchmark\\.", 5, 5, TimeValue.seconds(1)).jvmArgsAppend(CODEC_JVM_ARGS)));
        }
        if (settings.groups().contains("storage")) {
            String smallDatabase = "100000";
            TimeValue time = quick ? TimeValue.milliseconds(500) : TimeValue.seconds(2);
            int warmups = quick ? 1 : 3;
            int iterations = quick ? 3 : 5; // JMH gives no error for fewer than 3
            steps.add(new Step("storage-insert", timed(PACKAGE + "StorageBenchmark\\.Insert\\.insert$", warmups, iterations, time)
                    .param("durability", "GROUP", "OS")));
            for (int threads : new int[] {1, 2}) {
                ChainedOptionsBuilder read = timed(PACKAGE + "StorageBenchmark\\.PointRead\\.pointRead$", warmups, iterations, time)
                        .threads(threads);
                steps.add(new Step("storage-pointread-" + threads + "t", quick ? read.param("records", smallDatabase) : read));
            }
            ChainedOptionsBuilder open = base(PACKAGE + "StorageBenchmark\\.Open1M\\.open$")
                    .warmupIterations(1).measurementIterations(quick ? 3 : 5).param("kdf", "cheap", "default");
            steps.add(new Step("storage-open", quick ? open.param("records", smallDatabase) : open));
            ChainedOptionsBuilder compact = base(PACKAGE + "StorageBenchmark\\.Compact1M\\.compact$")
                    .warmupIterations(0).measurementIterations(quick ? 1 : 3);
            steps.add(new Step("storage-compact", quick ? compact.param("records", smallDatabase) : compact));
        }
        return steps;
    }

    /** The transports the sync group measures, in order, each with {@link SyncBench} in a JVM of its own. */
    static final List<String> SYNC_TRANSPORTS = List.of("memory", "uds", "uds-process", "tcp", "tcp-tls-e2e");

    /**
     * The sync harness's arguments for one transport: 3 runs of every scenario (300 K changes per
     * throughput run, 1 M records for the initial sync, 5 s of latency), or for {@code --quick}
     * one short run with 100 K changes and records.
     */
    static List<String> syncArguments(Settings settings, String transport) {
        List<String> args = new ArrayList<>(List.of("--transport", transport, "--out", settings.out().toString()));
        if (settings.quick()) {
            args.addAll(List.of("--runs", "1", "--latency-seconds", "2", "--warmup-seconds", "1", "--changes", "100000",
                    "--warmup-changes", "20000", "--initial", "100000"));
        } else {
            args.addAll(List.of("--runs", "3", "--latency-seconds", "5", "--changes", "300000"));
        }
        return args;
    }

    /**
     * {@link TcpBench}'s arguments: handshakes, and fan-out to 10, 100 and 1000 spokes (10 and 100 for
     * {@code --quick}) with a bulk of 1000 changes (10 K would be 10 M deliveries at 1000 spokes).
     */
    static List<String> tcpBenchArguments(Settings settings) {
        List<String> args = new ArrayList<>(List.of("--out", settings.out().toString()));
        if (settings.quick()) {
            args.addAll(List.of("--handshakes", "50", "--spokes", "10,100", "--rounds", "10", "--changes", "1000"));
        } else {
            args.addAll(List.of("--spokes", "10,100,1000", "--changes", "1000"));
        }
        return args;
    }

    /** The JVM flags a harness runs with. */
    static String jvmFlags(Class<?> harness) {
        return harness == TcpBench.class ? TCP_BENCH_JVM_FLAGS : SYNC_JVM_FLAGS;
    }

    /** The child JVM's command line that runs {@code harness} with {@code args}. */
    static List<String> harnessCommand(Class<?> harness, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmFlags(harness).split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), harness.getName()));
        command.addAll(args);
        return command;
    }

    /** Every harness run of the sync group: SyncBench on each transport, then TcpBench, then SocketFloor. */
    static List<SyncSection> runSync(Settings settings) throws IOException {
        List<SyncSection> sections = new ArrayList<>();
        for (String transport : SYNC_TRANSPORTS) {
            String name = "sync-bench-" + transport;
            sections.add(runHarness(SyncBench.class, syncArguments(settings, transport), settings.out(), name,
                    name + "-latency.png"));
        }
        sections.add(runHarness(TcpBench.class, tcpBenchArguments(settings), settings.out(), "tcp-bench", null));
        List<String> floor = new ArrayList<>(List.of("--out", settings.out().toString()));
        if (settings.quick()) {
            floor.addAll(List.of("--runs", "1", "--seconds", "2", "--warmup-seconds", "1"));
        }
        sections.add(runHarness(SocketFloor.class, floor, settings.out(), "socket-floor", null));
        return sections;
    }

    /**
     * Runs a harness in a child JVM (its output shows as it goes) and reads back the
     * {@code name}.md and {@code name}.json it wrote to {@code out}.
     */
    private static SyncSection runHarness(Class<?> harness, List<String> args, Path out, String name, String chart)
            throws IOException {
        Path md = out.resolve(name + ".md");
        Path json = out.resolve(name + ".json");
        Files.deleteIfExists(md);
        Files.deleteIfExists(json);
        System.out.printf("%n=== BenchmarkSuite %s (child JVM %s)%n", name, jvmFlags(harness));
        long start = System.nanoTime();
        Process child = new ProcessBuilder(harnessCommand(harness, args)).inheritIO().start();
        int exit;
        try {
            exit = child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + name + " ran", e);
        }
        System.out.printf("=== BenchmarkSuite %s took %.0f s%n", name, (System.nanoTime() - start) / 1e9);
        String command = "java " + jvmFlags(harness) + " -cp blaze-benchmarks/target/benchmarks.jar " + harness.getName() + " "
                + String.join(" ", args);
        if (exit != 0 || !Files.exists(md) || !Files.exists(json)) {
            System.err.println(name + " failed (exit " + exit + ")");
            return new SyncSection(null, null, chart, command);
        }
        return new SyncSection(Files.readString(md, StandardCharsets.UTF_8), Files.readString(json, StandardCharsets.UTF_8), chart,
                command);
    }

    private static ChainedOptionsBuilder base(String include) {
        return new OptionsBuilder().include(include).forks(1).shouldFailOnError(false);
    }

    private static ChainedOptionsBuilder timed(String include, int warmups, int iterations, TimeValue time) {
        return base(include).warmupIterations(warmups).warmupTime(time).measurementIterations(iterations).measurementTime(time);
    }

    /** Runs the suite; see the class comment. */
    public static void main(String[] args) throws IOException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        MachineFacts machine = MachineFacts.probe();
        long start = System.nanoTime();
        Path rawDir = settings.out().resolve("raw");
        Files.createDirectories(rawDir);
        List<Step> steps = plan(settings);
        List<String> failed = new ArrayList<>();
        List<JmhResult> results = new ArrayList<>();
        List<String> rawFiles = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Path raw = rawDir.resolve(step.file());
            Files.deleteIfExists(raw);
            System.out.printf("%n=== BenchmarkSuite [%d/%d] %s%n", i + 1, steps.size(), step.name());
            long stepStart = System.nanoTime();
            try {
                Collection<RunResult> run = new Runner(step.options().resultFormat(ResultFormatType.JSON).result(raw.toString()).build()).run();
                if (run.isEmpty()) {
                    failed.add(step.name());
                }
            } catch (RunnerException e) {
                e.printStackTrace();
                failed.add(step.name());
            }
            System.out.printf("=== BenchmarkSuite %s took %.0f s%n", step.name(), (System.nanoTime() - stepStart) / 1e9);
            if (Files.exists(raw)) {
                results.addAll(JmhResult.read(raw));
                rawFiles.add(settings.out().relativize(raw).toString());
            }
        }
        List<SyncSection> sync = List.of();
        if (settings.groups().contains("sync")) {
            sync = runSync(settings);
            for (SyncSection section : sync) {
                if (!section.produced()) {
                    failed.add(section.command());
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        SuiteReport report = SuiteReport.of(
                new SuiteReport.RunInfo(settings.command(), settings.quick(), settings.groups(), rawFiles, elapsed),
                machine.finished(), results, settings.groups().contains("codec") ? CodecSizes.measure() : List.of(), sync);
        String markdown = report.markdown();
        Files.writeString(settings.out().resolve("results.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(settings.out().resolve("results.json"), report.json(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(markdown);
        System.out.printf(Locale.ROOT, "%nWrote %s, %s and %s%n", settings.out().resolve("results.md"),
                settings.out().resolve("results.json"), rawDir);
        if (!failed.isEmpty() || !report.complete()) {
            System.err.println("Some benchmarks produced no figure" + (failed.isEmpty() ? "" : ": " + failed)
                    + "; see the JMH output above.");
            System.exit(1);
        }
    }
}
