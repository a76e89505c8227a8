package dev.blazedb.benchmarks;

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
 * {@link CodecCpuTime}.
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
 *   <li>sync ({@link SyncBench}, the end-to-end harness): in a child JVM with the flags the
 *       README quotes ({@value #SYNC_JVM_FLAGS}), 3 runs of every scenario on the memory
 *       transport; it writes its own report, JSON and latency chart
 *       ({@code sync-bench-memory-latency.png}) beside the suite's.
 * </ul>
 *
 * <p>About 10 minutes on 2 cores. {@code --quick} (about two minutes) shortens every iteration
 * and uses 100 K-record databases and one short sync run: a smoke test, not figures to quote.
 * Writes, under {@code --out} (default {@code target/bench-results}): {@code raw/*.json} (JMH's
 * own results), {@code results.json} (the summary, the sync harness's runs under {@code sync}),
 * {@code results.md} (also printed) and the sync harness's files. Exits with 1 if a
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

    /**
     * The sync harness's arguments for these settings: 3 runs of every scenario, or for
     * {@code --quick} one short run with 100 K changes and records.
     */
    static List<String> syncArguments(Settings settings) {
        List<String> args = new ArrayList<>(List.of("--out", settings.out().toString()));
        if (settings.quick()) {
            args.addAll(List.of("--runs", "1", "--latency-seconds", "2", "--warmup-seconds", "1", "--changes", "100000", "--warmup-changes", "20000",
                    "--initial", "100000"));
        } else {
            args.addAll(List.of("--runs", "3"));
        }
        return args;
    }

    /** The child JVM's command line that runs the sync harness with these settings. */
    static List<String> syncCommand(Settings settings) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(SYNC_JVM_FLAGS.split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SyncBench.class.getName()));
        command.addAll(syncArguments(settings));
        return command;
    }

    /**
     * Runs the sync harness in a child JVM (its output shows as it goes) and reads back what it
     * wrote; null when it failed.
     */
    static SuiteReport.SyncSection runSync(Settings settings) throws IOException {
        Process child = new ProcessBuilder(syncCommand(settings)).inheritIO().start();
        int exit;
        try {
            exit = child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the sync harness ran", e);
        }
        Path md = settings.out().resolve("sync-bench-memory.md");
        Path json = settings.out().resolve("sync-bench-memory.json");
        if (exit != 0 || !Files.exists(md) || !Files.exists(json)) {
            System.err.println("The sync harness failed (exit " + exit + ")");
            return null;
        }
        return new SuiteReport.SyncSection(Files.readString(md, StandardCharsets.UTF_8), Files.readString(json, StandardCharsets.UTF_8),
                "sync-bench-memory-latency.png", "java " + SYNC_JVM_FLAGS + " -cp blaze-benchmarks/target/benchmarks.jar "
                + SyncBench.class.getName() + " " + String.join(" ", syncArguments(settings)));
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
        SuiteReport.SyncSection sync = null;
        if (settings.groups().contains("sync")) {
            System.out.printf("%n=== BenchmarkSuite sync harness (SyncBench, child JVM %s)%n", SYNC_JVM_FLAGS);
            long stepStart = System.nanoTime();
            Files.deleteIfExists(settings.out().resolve("sync-bench-memory.md"));
            Files.deleteIfExists(settings.out().resolve("sync-bench-memory.json"));
            sync = runSync(settings);
            if (sync == null) {
                failed.add("sync");
            }
            System.out.printf("=== BenchmarkSuite sync took %.0f s%n", (System.nanoTime() - stepStart) / 1e9);
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
