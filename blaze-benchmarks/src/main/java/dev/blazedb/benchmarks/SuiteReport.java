package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The report of one {@link BenchmarkSuite} run: each figure beside its bar from docs/design.md,
 * pass or miss, and the original BlazeDB guide's claim where it made one; as Markdown
 * ({@link #markdown()}) and as a JSON summary ({@link #json()}). Built from JMH JSON results only,
 * so a canned result file gives the same report as a live run.
 *
 * <p>A verdict compares the figure itself with the bar; when the figure's confidence interval
 * reaches across the bar the verdict says "within error". Figures of a {@code --quick} run are
 * marked as such, and bars that name a database size (1 M records) are not judged on another size.
 */
public final class SuiteReport {

    /** The codec bar: BlazeBinary encode + decode at least this many times faster than Jackson JSON (Map). */
    public static final double CODEC_SPEEDUP_BAR = 10;
    /** The insert bar, records/s with group commit. */
    public static final double INSERTS_PER_SECOND_BAR = 300_000;
    /** The point-read bar, reads/s. */
    public static final double READS_PER_SECOND_BAR = 300_000;
    /** The open bar for a 1 M-record database, milliseconds. */
    public static final double OPEN_MILLIS_BAR = 2_000;
    /** The database size the open and compaction figures are defined for. */
    public static final int ONE_MILLION = 1_000_000;
    /** The original BlazeDB guide's claim about BlazeBinary. */
    public static final String GUIDE_CODEC_CLAIM = "BlazeBinary 5-10x faster than JSON";

    private static final String GROUP_DURABILITY = "GROUP (group commit, fsync every 10 ms)";
    private static final Map<String, String> DURABILITY = Map.of(
            "GROUP", GROUP_DURABILITY,
            "OS", "OS (no fsync; written every 10 ms)",
            "SYNC", "SYNC (fsync per commit)");

    /** How a figure compares with its bar. */
    public enum Verdict {
        /** Meets the bar. */
        PASS("pass"),
        /** Misses the bar. */
        MISS("MISS"),
        /** No bar: reported for reference. */
        REPORT("report"),
        /** There is a bar, but this run cannot judge it (e.g. a quick run on a smaller database). */
        NOT_JUDGED("not judged"),
        /** The benchmark did not produce this figure. */
        NOT_MEASURED("not measured");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /** The word in the report. */
        public String label() {
            return label;
        }
    }

    /** Which way a bar points. */
    public enum Comparison {
        /** The figure must be at least the threshold. */
        AT_LEAST,
        /** The figure must be below the threshold. */
        BELOW,
        /** No threshold. */
        NONE
    }

    /**
     * A bar a figure is held to.
     *
     * @param text the bar as the report shows it
     * @param comparison which way it points
     * @param threshold the threshold, in the figure's unit
     */
    public record Bar(String text, Comparison comparison, double threshold) {

        /** No bar, only a note. */
        public static Bar none(String text) {
            return new Bar(text, Comparison.NONE, Double.NaN);
        }

        /** Whether {@code figure} meets the bar (for {@link Comparison#NONE}: {@link Verdict#REPORT}). */
        public Verdict judge(Estimate figure) {
            if (!figure.isMeasured()) {
                return Verdict.NOT_MEASURED;
            }
            return switch (comparison) {
                case AT_LEAST -> figure.value() >= threshold ? Verdict.PASS : Verdict.MISS;
                case BELOW -> figure.value() < threshold ? Verdict.PASS : Verdict.MISS;
                case NONE -> Verdict.REPORT;
            };
        }
    }

    /**
     * One line of a group's table.
     *
     * @param what what was measured
     * @param durability the storage durability mode the figure used, empty for codec rows
     * @param figure the figure judged against the bar
     * @param unit the figure's unit
     * @param measured the figure (and what it was derived from) as the report shows it
     * @param bar the bar
     * @param verdict how the figure compares with the bar
     * @param withinError whether the figure's confidence interval reaches across the bar
     * @param note why a bar was not judged, or empty
     * @param claim the original guide's claim and how the figure compares with it, or empty
     * @param settings JMH's settings for the figure, or empty
     */
    public record Row(String what, String durability, Estimate figure, String unit, String measured, Bar bar,
            Verdict verdict, boolean withinError, String note, String claim, String settings) {

        /** The verdict as the report shows it. */
        public String result(boolean quick) {
            boolean judged = verdict == Verdict.PASS || verdict == Verdict.MISS;
            List<String> qualifiers = new ArrayList<>();
            if (withinError) {
                qualifiers.add("within error");
            }
            if (quick && judged) {
                qualifiers.add("quick run");
            }
            return (judged ? "**" + verdict.label() + "**" : verdict.label())
                    + (qualifiers.isEmpty() ? "" : " (" + String.join("; ", qualifiers) + ")")
                    + (note.isEmpty() ? "" : ": " + note);
        }
    }

    /**
     * How the run was made.
     *
     * @param command the command that produced the figures
     * @param quick whether it was a {@code --quick} smoke run
     * @param groups the groups run ({@code codec}, {@code storage})
     * @param rawFiles the raw JMH JSON files, relative to the output directory
     * @param elapsedSeconds the wall time of the whole run
     */
    public record RunInfo(String command, boolean quick, List<String> groups, List<String> rawFiles, double elapsedSeconds) {
        /** Copies the lists. */
        public RunInfo {
            groups = List.copyOf(groups);
            rawFiles = List.copyOf(rawFiles);
        }
    }

    /**
     * What one end-to-end harness run ({@link SyncBench} on one transport, or {@link TcpBench})
     * wrote, for the suite's report.
     *
     * @param markdown its Markdown report (e.g. {@code sync-bench-memory.md}); null when it failed
     * @param json its JSON with every run; null when it failed
     * @param chartFile its latency chart relative to the output directory, or null when it draws none
     * @param command the command line it ran with
     */
    public record SyncSection(String markdown, String json, String chartFile, String command) {

        /** Whether the harness produced its report. */
        public boolean produced() {
            return markdown != null && json != null;
        }
    }

    private final RunInfo run;
    private final List<SyncSection> sync;
    private final MachineFacts machine;
    private final List<CodecReport.RecordSummary> codec;
    private final List<CodecSizes.Row> sizes;
    private final List<Row> codecRows;
    private final List<Row> storageRows;

    private SuiteReport(RunInfo run, MachineFacts machine, List<CodecReport.RecordSummary> codec, List<CodecSizes.Row> sizes,
            List<Row> codecRows, List<Row> storageRows, List<SyncSection> sync) {
        this.run = run;
        this.sync = sync;
        this.machine = machine;
        this.codec = codec;
        this.sizes = sizes;
        this.codecRows = codecRows;
        this.storageRows = storageRows;
    }

    /** The report of {@code results}, the JMH results of every group in {@code run.groups()}. */
    public static SuiteReport of(RunInfo run, MachineFacts machine, List<JmhResult> results, List<CodecSizes.Row> sizes) {
        return of(run, machine, results, sizes, List.of());
    }

    /**
     * The report of {@code results}, the JMH results of every group in {@code run.groups()}, and
     * of the end-to-end harness runs ({@code sync}, one per harness run; empty when the group did
     * not run).
     */
    public static SuiteReport of(RunInfo run, MachineFacts machine, List<JmhResult> results, List<CodecSizes.Row> sizes,
                                 List<SyncSection> sync) {
        List<CodecReport.RecordSummary> codec = run.groups().contains("codec") ? CodecReport.summarise(results) : List.of();
        List<Row> codecRows = new ArrayList<>();
        for (CodecReport.RecordSummary summary : codec) {
            codecRows.addAll(codecRows(summary, run.quick(), codecSettings(results, summary.record())));
        }
        List<Row> storageRows = run.groups().contains("storage") ? storageRows(results, run.quick()) : List.of();
        return new SuiteReport(run, machine, codec, List.copyOf(sizes), List.copyOf(codecRows), List.copyOf(storageRows),
                List.copyOf(sync));
    }

    /** The codec group's rows: encode + decode against Jackson Map (the bar) and Jackson POJO (reference). */
    public List<Row> codecRows() {
        return codecRows;
    }

    /** The storage group's rows. */
    public List<Row> storageRows() {
        return storageRows;
    }

    /** Whether every figure the run should have produced was produced. */
    public boolean complete() {
        return java.util.stream.Stream.concat(codecRows.stream(), storageRows.stream())
                .noneMatch(r -> r.verdict() == Verdict.NOT_MEASURED)
                && (!run.groups().contains("sync") || !sync.isEmpty() && sync.stream().allMatch(SyncSection::produced));
    }

    private static String codecSettings(List<JmhResult> results, String record) {
        return results.stream().filter(r -> r.isIn(CodecBenchmark.class) && record.equals(r.param("record", "")))
                .map(JmhResult::settings).findFirst().orElse("");
    }

    private static List<Row> codecRows(CodecReport.RecordSummary s, boolean quick, String settings) {
        Bar bar = new Bar(String.format(Locale.ROOT, ">= %.0fx Jackson JSON, encode + decode (design.md)", CODEC_SPEEDUP_BAR),
                Comparison.AT_LEAST, CODEC_SPEEDUP_BAR);
        Bar reference = Bar.none("none: reference (Jackson's fastest binding; the bar is against Map)");
        return List.of(
                codecRow(s, CodecReport.JACKSON_MAP, "Jackson (Map)", bar, quick, settings),
                codecRow(s, CodecReport.JACKSON_POJO, "Jackson (POJO)", reference, quick, settings));
    }

    private static Row codecRow(CodecReport.RecordSummary s, String codec, String name, Bar bar, boolean quick, String settings) {
        Estimate speedup = s.encodeDecodeSpeedup(codec);
        String measured = String.format(Locale.ROOT, "BlazeBinary %s, %s %s: **%s**",
                s.encodeDecodeNanos(CodecReport.BLAZE).format("%,.0f", "ns"), name, s.encodeDecodeNanos(codec).format("%,.0f", "ns"),
                speedup.format("%.1f", "x"));
        Verdict verdict = bar.judge(speedup);
        String claim = GUIDE_CODEC_CLAIM + ": " + claimComparison(speedup);
        return new Row(s.record() + " record: encode + decode, BlazeBinary vs " + name, "", speedup, "x", measured, bar,
                verdict, withinError(verdict, bar, speedup), "", claim, settings);
    }

    private static String claimComparison(Estimate speedup) {
        if (!speedup.isMeasured()) {
            return "n/a";
        }
        if (speedup.value() > 10) {
            return "beyond it";
        }
        return speedup.value() >= 5 ? "within it" : "short of it";
    }

    private static boolean withinError(Verdict verdict, Bar bar, Estimate figure) {
        return (verdict == Verdict.PASS || verdict == Verdict.MISS) && figure.straddles(bar.threshold());
    }

    private static List<Row> storageRows(List<JmhResult> results, boolean quick) {
        List<Row> rows = new ArrayList<>();
        Bar insertBar = new Bar(String.format(Locale.ROOT, ">= %,.0f K/s with group commit (design.md)", INSERTS_PER_SECOND_BAR / 1e3),
                Comparison.AT_LEAST, INSERTS_PER_SECOND_BAR);
        for (String durability : List.of("GROUP", "OS")) {
            Bar bar = durability.equals("GROUP") ? insertBar : Bar.none("none: reference (the bar is for group commit)");
            rows.add(throughputRow(find(results, StorageBenchmark.Insert.class, "insert",
                            r -> durability.equals(r.param("durability", ""))),
                    "insert, 1 thread, ~100-byte records", DURABILITY.get(durability), "inserts/s", bar));
        }
        Bar readBar = new Bar(String.format(Locale.ROOT, ">= %,.0f K/s (design.md)", READS_PER_SECOND_BAR / 1e3),
                Comparison.AT_LEAST, READS_PER_SECOND_BAR);
        for (int threads : new int[] {1, 2}) {
            Optional<JmhResult> result = find(results, StorageBenchmark.PointRead.class, "pointRead", r -> r.threads() == threads);
            rows.add(throughputRow(result, String.format(Locale.ROOT, "point read, random id, %s records, %d thread%s (total)",
                            count(recordCount(result)), threads, threads == 1 ? "" : "s"),
                    GROUP_DURABILITY + "; reads do not wait for it", "reads/s", readBar));
        }
        Bar openBar = new Bar(String.format(Locale.ROOT, "< %.0f s for 1 M records", OPEN_MILLIS_BAR / 1e3), Comparison.BELOW, OPEN_MILLIS_BAR);
        for (String kdf : List.of("cheap", "default")) {
            Optional<JmhResult> result = find(results, StorageBenchmark.Open1M.class, "open", r -> kdf.equals(r.param("kdf", "")));
            String cost = kdf.equals("cheap") ? "cheap Argon2id (1 MiB, t=1)" : "default Argon2id (64 MiB, t=3)";
            rows.add(timeRow(result, String.format(Locale.ROOT, "open + count + close, %s records with checkpoint, %s, warm JVM",
                    count(recordCount(result)), cost), GROUP_DURABILITY + " when written", openBar, quick, ""));
        }
        Optional<JmhResult> compact = find(results, StorageBenchmark.Compact1M.class, "compact", r -> true);
        long compactRecords = recordCount(compact);
        String rate = compact.map(r -> String.format(Locale.ROOT, " (%,.0f K live records/s)",
                compactRecords / (millis(r).value() / 1e3) / 1e3)).orElse("");
        rows.add(timeRow(compact, String.format(Locale.ROOT, "compaction, %s live records + %s superseded versions",
                        count(compactRecords), count(compactRecords / 2)),
                GROUP_DURABILITY + ", synced first", Bar.none("none: report"), quick, rate));
        return rows;
    }

    private static Optional<JmhResult> find(List<JmhResult> results, Class<?> state, String method, Predicate<JmhResult> test) {
        return results.stream().filter(r -> r.isIn(state) && r.method().equals(method) && test.test(r)).findFirst();
    }

    /** The {@code records} parameter of a storage result; 1 M (the benchmarks' default) when it is absent. */
    private static long recordCount(Optional<JmhResult> result) {
        return result.map(r -> Long.parseLong(r.param("records", Integer.toString(ONE_MILLION)))).orElse((long) ONE_MILLION);
    }

    /** {@code 1 M}, {@code 100 K}, or the plain number. */
    static String count(long n) {
        if (n >= ONE_MILLION && n % ONE_MILLION == 0) {
            return n / ONE_MILLION + " M";
        }
        return n >= 1000 && n % 1000 == 0 ? n / 1000 + " K" : Long.toString(n);
    }

    private static Row throughputRow(Optional<JmhResult> result, String what, String durability, String unit, Bar bar) {
        Estimate figure = result.map(SuiteReport::opsPerSecond).orElse(Estimate.MISSING);
        Verdict verdict = bar.judge(figure);
        return new Row(what, durability, figure, unit, figure.format("%,.0f", unit), bar, verdict,
                withinError(verdict, bar, figure), "", "", result.map(JmhResult::settings).orElse(""));
    }

    private static Row timeRow(Optional<JmhResult> result, String what, String durability, Bar bar, boolean quick, String extra) {
        Estimate figure = result.map(SuiteReport::millis).orElse(Estimate.MISSING);
        Verdict verdict = bar.judge(figure);
        String note = "";
        long records = recordCount(result);
        if (bar.comparison() != Comparison.NONE && figure.isMeasured() && records != ONE_MILLION) {
            verdict = Verdict.NOT_JUDGED;
            note = (quick ? "quick run, " : "") + count(records) + " records";
        }
        return new Row(what, durability, figure, "ms", figure.isMeasured() ? figure.format("%,.1f", "ms") + extra : "n/a", bar, verdict,
                withinError(verdict, bar, figure), note, "", result.map(JmhResult::settings).orElse(""));
    }

    /** A throughput result in operations per second. */
    static Estimate opsPerSecond(JmhResult r) {
        double perSecond = switch (r.scoreUnit()) {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            default -> throw new IllegalArgumentException("not a throughput unit: " + r.scoreUnit() + " in " + r.benchmark());
        };
        return Estimate.of(r.score() * perSecond, r.scoreError() * perSecond);
    }

    /** A time-per-operation result in milliseconds. */
    static Estimate millis(JmhResult r) {
        double toMillis = switch (r.scoreUnit()) {
            case "s/op" -> 1e3;
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IllegalArgumentException("not a time unit: " + r.scoreUnit() + " in " + r.benchmark());
        };
        return Estimate.of(r.score() * toMillis, r.scoreError() * toMillis);
    }

    /** The report in Markdown. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# BlazeDB benchmark results\n\n");
        if (run.quick()) {
            md.append("> **Quick smoke run**: short iterations and small databases. The figures only show that the suite "
                    + "works; do not quote them.\n\n");
        }
        md.append("Produced by `").append(run.command()).append("`").append(String.format(Locale.ROOT, " in %.1f min.%n%n", run.elapsedSeconds() / 60));
        md.append("Machine: ").append(machine.describe()).append(".\n\n");
        md.append("Errors are JMH's 99.9 % confidence intervals (score ± error; a range where the interval is not symmetric). "
                + "Ratios were measured side by side in one run; their range combines the intervals of both sides. "
                + "\"within error\" means the interval reaches across the bar. The machine is shared: expect ±20 % between runs.\n");
        if (run.groups().contains("codec")) {
            md.append("\n## Codec: BlazeBinary against Jackson JSON\n\n");
            md.append("| what | measured | bar | result | original guide |\n|---|---|---|---|---|\n");
            for (Row r : codecRows) {
                md.append(cells(r.what(), r.measured(), r.bar().text(), r.result(run.quick()), r.claim()));
            }
            for (CodecReport.RecordSummary s : codec) {
                md.append("\n### ").append(s.record()).append(" record, each benchmark\n\n").append(CodecReport.markdown(s));
            }
            md.append("\n### Encoded sizes (bytes)\n\n").append(CodecSizes.markdown(sizes));
            md.append("\nJMH settings: ").append(codecRows.isEmpty() ? "n/a" : codecRows.get(0).settings()).append(" per benchmark.\n");
        }
        if (run.groups().contains("storage")) {
            md.append("\n## Storage engine\n\n");
            md.append("| what | durability | measured | bar | result | original guide |\n|---|---|---|---|---|---|\n");
            for (Row r : storageRows) {
                md.append(cells(r.what(), r.durability(), r.measured(), r.bar().text(), r.result(run.quick()), "no claim"));
            }
            md.append("\nJMH settings:\n\n");
            for (Row r : storageRows) {
                md.append("- ").append(r.what()).append(r.durability().startsWith("OS") ? " (OS)" : "").append(": ")
                        .append(r.settings().isEmpty() ? "not run" : r.settings()).append('\n');
            }
        }
        if (run.groups().contains("sync")) {
            md.append("\n## End-to-end sync (SyncBench, TcpBench)\n");
            for (SyncSection section : sync) {
                md.append("\nRan as `").append(section.command()).append("`.\n\n");
                if (!section.produced()) {
                    md.append("The harness produced no figures; see its output above.\n");
                    continue;
                }
                String body = section.markdown(); // its "###" title is a subsection of this one
                md.append(body);
                String chart = section.chartFile();
                if (chart != null && !body.contains(chart)) {
                    md.append("\nLatency distribution: [").append(chart).append("](").append(chart).append(")\n");
                }
            }
        }
        if (!run.rawFiles().isEmpty()) {
            md.append("\nRaw JMH results: ").append(String.join(", ", run.rawFiles().stream().map(f -> "`" + f + "`").toList())).append('\n');
        }
        return md.toString();
    }

    private static String cells(String... cells) {
        StringBuilder line = new StringBuilder("|");
        for (String cell : cells) {
            line.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        return line.append('\n').toString();
    }

    /** The summary as JSON: how the run was made, the machine, every row and the sizes. */
    public String json() {
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ObjectNode root = mapper.createObjectNode();
        root.put("command", run.command());
        root.put("quick", run.quick());
        root.putPOJO("groups", run.groups());
        number(root, "elapsedSeconds", run.elapsedSeconds());
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("cpu", machine.cpu());
        m.put("os", machine.os());
        m.put("jvm", machine.jvm());
        m.put("jmh", machine.jmh());
        m.put("maxHeapMiB", machine.maxHeapMiB());
        m.put("started", machine.started().toString());
        number(m, "loadAverageBefore", machine.loadBefore());
        number(m, "loadAverageAfter", machine.loadAfter());
        if (run.groups().contains("codec")) {
            ObjectNode codecNode = root.putObject("codec");
            rows(codecNode.putArray("rows"), codecRows);
            ArrayNode sizeNodes = codecNode.putArray("sizes");
            for (CodecSizes.Row s : sizes) {
                sizeNodes.addObject().put("record", s.record()).put("blazeBinaryV1", s.blazeV1()).put("blazeBinaryV2", s.blazeV2())
                        .put("jsonMap", s.jsonMap()).put("jsonPojo", s.jsonPojo());
            }
            ArrayNode perMethod = codecNode.putArray("throughput");
            for (CodecReport.RecordSummary s : codec) {
                s.throughput().forEach((method, e) -> estimate(perMethod.addObject().put("record", s.record()).put("method", method)
                        .put("unit", "ops/s"), e));
            }
        }
        if (run.groups().contains("storage")) {
            rows(root.putObject("storage").putArray("rows"), storageRows);
        }
        if (run.groups().contains("sync")) {
            ArrayNode harnesses = root.putArray("sync");
            for (SyncSection section : sync) {
                ObjectNode node = harnesses.addObject();
                node.put("command", section.command());
                node.put("chart", section.chartFile());
                try {
                    node.set("harness", section.produced() ? mapper.readTree(section.json()) : null);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the harness wrote JSON that does not parse: " + section.command(), e);
                }
            }
        }
        root.putPOJO("rawFiles", run.rawFiles());
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rows(ArrayNode array, List<Row> rows) {
        for (Row r : rows) {
            ObjectNode node = array.addObject();
            node.put("what", r.what());
            if (!r.durability().isEmpty()) {
                node.put("durability", r.durability());
            }
            estimate(node.put("unit", r.unit()), r.figure());
            node.put("measured", r.measured());
            ObjectNode bar = node.putObject("bar").put("text", r.bar().text()).put("comparison", r.bar().comparison().name());
            number(bar, "threshold", r.bar().threshold());
            node.put("verdict", r.verdict().name());
            node.put("withinError", r.withinError());
            if (!r.note().isEmpty()) {
                node.put("note", r.note());
            }
            if (!r.claim().isEmpty()) {
                node.put("guideClaim", r.claim());
            }
            node.put("settings", r.settings());
        }
    }

    private static ObjectNode estimate(ObjectNode node, Estimate e) {
        number(node, "value", e.value());
        number(node, "low", e.low());
        number(node, "high", e.high());
        return node;
    }

    /** Puts a number, or null for NaN and infinities (JSON has neither). */
    private static void number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** The codec summaries the report was built from. */
    public List<CodecReport.RecordSummary> codec() {
        return Collections.unmodifiableList(codec);
    }
}
