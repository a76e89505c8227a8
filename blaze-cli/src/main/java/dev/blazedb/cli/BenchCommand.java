package dev.blazedb.cli;

import dev.blazedb.benchmarks.SyncBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blaze bench}: the end-to-end sync harness ({@link SyncBench}, docs/benchmarks.md) with
 * a progress bar, then its report: a Markdown table beside the bars, a JSON file with every run
 * and a PNG chart of the latency distribution.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Measures sync end to end on the memory transport: insert on database A until database B's change "
                    + "stream shows the change. Latency (open loop, HdrHistogram, coordinated-omission corrected), "
                    + "throughput (single inserts and insertMany), and the initial sync of records A held before the "
                    + "connection, each beside its bar.",
            "Writes sync-bench-memory.md, .json and -latency.png to --out. Takes about two minutes per run "
                    + "with the defaults; --quick is a short smoke run (not figures to quote).",
            "The README's figures use: java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:+UseG1GC -jar blaze.jar bench"
        })
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "One short run: 2 s of latency, 100,000 changes and records.")
    private boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Repetitions; the report gives medians (default 3, --quick 1).")
    private Integer runs;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "Open-loop latency rate (default 10000).")
    private Integer rate;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "Measured seconds per latency run (default 10).")
    private Double latencySeconds;

    @Option(names = "--warmup-seconds", paramLabel = "S", description = "Warm-up seconds before each latency run (default 3).")
    private Double warmupSeconds;

    @Option(names = "--changes", paramLabel = "N", description = "Changes per throughput run (default 1000000).")
    private Integer changes;

    @Option(names = "--warmup-changes", paramLabel = "N",
            description = "Changes per unreported warm-up throughput run (default 200000, --quick 20000).")
    private Integer warmupChanges;

    @Option(names = "--batch", paramLabel = "N", description = "Records per insertMany in the batched run (default 1000).")
    private Integer batch;

    @Option(names = "--initial", paramLabel = "N", description = "Records A holds before the connection (default 1000000).")
    private Integer initial;

    @Option(names = "--scenarios", paramLabel = "LIST", description = "Which scenarios: latency,throughput,initial (default all).")
    private String scenarios;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default target/sync-bench).")
    private Path out;

    /** The harness's arguments for these options. */
    List<String> harnessArguments() {
        List<String> args = new ArrayList<>();
        add(args, "--runs", runs != null ? runs : quick ? Integer.valueOf(1) : null);
        add(args, "--rate", rate);
        add(args, "--latency-seconds", latencySeconds != null ? latencySeconds : quick ? Double.valueOf(2) : null);
        add(args, "--warmup-seconds", warmupSeconds != null ? warmupSeconds : quick ? Double.valueOf(1) : null);
        add(args, "--changes", changes != null ? changes : quick ? Integer.valueOf(100_000) : null);
        add(args, "--warmup-changes", warmupChanges != null ? warmupChanges : quick ? Integer.valueOf(20_000) : null);
        add(args, "--batch", batch);
        add(args, "--initial", initial != null ? initial : quick ? Integer.valueOf(100_000) : null);
        add(args, "--scenarios", scenarios);
        add(args, "--out", out);
        return args;
    }

    private static void add(List<String> args, String name, Object value) {
        if (value != null) {
            args.add(name);
            args.add(value.toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        SyncBench.Options options;
        try {
            options = SyncBench.Options.parse(harnessArguments().toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        stdout.println("Sync benchmark on the " + options.transport() + " transport, " + options.describeStorage() + "; "
                + options.runs() + (options.runs() == 1 ? " run" : " runs") + " of " + String.join(", ", options.scenarios()));
        if (quick) {
            stdout.println("--quick: a smoke test, not figures to quote.");
        }
        stdout.flush();
        SyncBench.Result result;
        try (ProgressBar bar = new ProgressBar(stdout)) {
            result = SyncBench.run(options, bar);
        }
        result.write();
        stdout.println();
        stdout.print(result.markdown());
        stdout.println();
        stdout.println("Wrote " + result.markdownFile() + ", " + result.jsonFile()
                + (options.scenarios().contains("latency") ? " and " + result.chartFile() : ""));
        stdout.flush();
        return ExitCodes.OK;
    }

    /**
     * The progress display: one line per scenario, redrawn four times a second by its own
     * daemon thread (so the measured loop never waits for the terminal), replaced by the
     * scenario's result when it ends.
     */
    static final class ProgressBar implements SyncBench.Progress, AutoCloseable {
        private static final int WIDTH = 30;
        private final PrintWriter out;
        private final Thread ticker;
        private String step;
        private long units;
        private LongSupplier done;
        private volatile boolean closed;

        ProgressBar(PrintWriter out) {
            this.out = out;
            this.ticker = new Thread(this::tick, "blaze-bench-progress");
            this.ticker.setDaemon(true);
            this.ticker.start();
        }

        /** The bar of {@code step} at {@code done} of {@code units}. */
        static String line(String step, long done, long units) {
            double f = units <= 0 ? 0 : Math.min(1, Math.max(0, (double) done / units));
            int filled = (int) Math.round(f * WIDTH);
            return String.format(Locale.ROOT, "  %-30s [%s%s] %3.0f%%  %,d / %,d", step, "#".repeat(filled),
                    ".".repeat(WIDTH - filled), f * 100, done, units);
        }

        @Override
        public synchronized void begin(String step, long units, LongSupplier done) {
            this.step = step;
            this.units = units;
            this.done = done;
            draw();
        }

        @Override
        public synchronized void end(String step, String result) {
            this.step = null;
            out.print("\r\033[K");
            out.println("  " + result);
            out.flush();
        }

        private synchronized void draw() {
            if (step != null) {
                out.print("\r" + line(step, done.getAsLong(), units));
                out.flush();
            }
        }

        private void tick() {
            while (!closed) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                draw();
            }
        }

        @Override
        public void close() {
            closed = true;
            ticker.interrupt();
        }
    }
}
