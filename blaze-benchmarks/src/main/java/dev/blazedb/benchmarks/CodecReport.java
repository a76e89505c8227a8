package dev.blazedb.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises {@link CodecBenchmark} results: the median score of each benchmark over one or more
 * JMH JSON result files, as a Markdown table of ops/s and ns/op, and the ratios of BlazeBinary to
 * Jackson for encode + decode combined. {@link BenchmarkSuite} uses the same summary.
 *
 * <p>Run: {@code java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecReport codec.json [more.json ...]}.
 */
public final class CodecReport {

    /** The method-name prefix of BlazeBinary's benchmarks. */
    public static final String BLAZE = "blaze";
    /** The method-name prefix of Jackson's Map-binding benchmarks. */
    public static final String JACKSON_MAP = "jacksonMap";
    /** The method-name prefix of Jackson's POJO-binding benchmarks. */
    public static final String JACKSON_POJO = "jacksonPojo";

    /** The records {@link CodecBenchmark} measures, in report order. */
    public static final List<String> RECORDS = List.of("standard", "large");

    private static final List<String> METHODS = List.of(
            "blazeEncode", "blazeDecode", "blazeRoundTrip",
            "jacksonMapEncode", "jacksonMapDecode", "jacksonMapRoundTrip",
            "jacksonPojoEncode", "jacksonPojoDecode", "jacksonPojoRoundTrip");

    private CodecReport() {
    }

    /**
     * The codec figures of one record: per benchmark method, the median throughput (ops/s) over
     * the runs and the median of their errors.
     *
     * @param record {@code standard} or {@code large}
     * @param runs the largest number of runs any method of this record had
     * @param throughput ops/s by method name; methods not run are absent
     */
    public record RecordSummary(String record, int runs, Map<String, Estimate> throughput) {

        /** Copies {@code throughput}. */
        public RecordSummary {
            throughput = Collections.unmodifiableMap(new LinkedHashMap<>(throughput));
        }

        /** Whether no method of this record was run. */
        public boolean isEmpty() {
            return throughput.isEmpty();
        }

        /** Operations per second of one method, {@link Estimate#MISSING} if it was not run. */
        public Estimate throughput(String method) {
            return throughput.getOrDefault(method, Estimate.MISSING);
        }

        /** Nanoseconds per operation of one method. */
        public Estimate nanosPerOp(String method) {
            return throughput(method).reciprocal(1e9);
        }

        /** Encode time plus decode time, in nanoseconds, of one codec ({@link #BLAZE}, ...). */
        public Estimate encodeDecodeNanos(String codec) {
            return nanosPerOp(codec + "Encode").plus(nanosPerOp(codec + "Decode"));
        }

        /** How many times faster BlazeBinary encodes + decodes than {@code codec}: its time over BlazeBinary's. */
        public Estimate encodeDecodeSpeedup(String codec) {
            return encodeDecodeNanos(codec).dividedBy(encodeDecodeNanos(BLAZE));
        }

        /** BlazeBinary's round-trip throughput over {@code codec}'s. */
        public Estimate roundTripSpeedup(String codec) {
            return throughput(BLAZE + "RoundTrip").dividedBy(throughput(codec + "RoundTrip"));
        }
    }

    /** The figures of each record of {@link #RECORDS}, from {@link CodecBenchmark} results; other results are ignored. */
    public static List<RecordSummary> summarise(List<JmhResult> results) {
        Map<String, List<JmhResult>> byKey = new TreeMap<>();
        for (JmhResult result : results) {
            if (result.isIn(CodecBenchmark.class)) {
                byKey.computeIfAbsent(result.param("record", "?") + "/" + result.method(), k -> new ArrayList<>()).add(result);
            }
        }
        List<RecordSummary> summaries = new ArrayList<>();
        for (String record : RECORDS) {
            Map<String, Estimate> throughput = new LinkedHashMap<>();
            int runs = 0;
            for (String method : METHODS) {
                List<JmhResult> runsOfMethod = byKey.get(record + "/" + method);
                if (runsOfMethod != null) {
                    runs = Math.max(runs, runsOfMethod.size());
                    throughput.put(method, Estimate.of(median(runsOfMethod.stream().map(JmhResult::score).toList()),
                            median(runsOfMethod.stream().map(JmhResult::scoreError).toList())));
                }
            }
            summaries.add(new RecordSummary(record, runs, throughput));
        }
        return summaries;
    }

    /**
     * The Markdown summary of one record: a table of each method run (ops/s and ns/op, with
     * errors) and the encode + decode and round-trip ratios.
     */
    public static String markdown(RecordSummary summary) {
        StringBuilder md = new StringBuilder();
        md.append("| benchmark | ops/s | ns/op |\n|---|---:|---:|\n");
        for (String method : METHODS) {
            if (summary.throughput().containsKey(method)) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", method,
                        summary.throughput(method).format("%,.0f"), summary.nanosPerOp(method).format("%,.1f")));
            }
        }
        md.append(String.format(Locale.ROOT, "%nencode + decode: BlazeBinary %s, Jackson Map %s (%s), Jackson POJO %s (%s)%n",
                summary.encodeDecodeNanos(BLAZE).format("%,.0f", "ns"),
                summary.encodeDecodeNanos(JACKSON_MAP).format("%,.0f", "ns"), summary.encodeDecodeSpeedup(JACKSON_MAP).format("%.2f", "x"),
                summary.encodeDecodeNanos(JACKSON_POJO).format("%,.0f", "ns"), summary.encodeDecodeSpeedup(JACKSON_POJO).format("%.2f", "x")));
        if (summary.throughput().containsKey(BLAZE + "RoundTrip")) {
            md.append(String.format(Locale.ROOT, "round trip throughput: %s Jackson Map, %s Jackson POJO%n",
                    summary.roundTripSpeedup(JACKSON_MAP).format("%.2f", "x"), summary.roundTripSpeedup(JACKSON_POJO).format("%.2f", "x")));
        }
        return md.toString();
    }

    /** Prints the summary of the given JMH JSON result files. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: CodecReport result.json [more.json ...]");
            System.exit(2);
        }
        List<JmhResult> results = new ArrayList<>();
        for (String file : args) {
            results.addAll(JmhResult.read(Path.of(file)));
        }
        for (RecordSummary summary : summarise(results)) {
            System.out.printf("%n### %s record (median of %d run(s))%n%n", summary.record(), summary.runs());
            System.out.print(markdown(summary));
        }
    }

    /** The median of some values, NaN if there are none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
