package dev.blazedb.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark of a JMH JSON result file ({@code -rf json}), with the fields the reports use.
 * This is the one place that reads JMH's JSON.
 *
 * @param benchmark the full benchmark name, e.g. {@code dev.blazedb.benchmarks.StorageBenchmark.Insert.insert}
 * @param mode JMH's short mode name: {@code thrpt}, {@code avgt}, {@code ss}, ...
 * @param threads the number of benchmark threads (a throughput is the sum over them)
 * @param forks the number of forks
 * @param warmupIterations warm-up iterations per fork
 * @param warmupTime warm-up iteration time as JMH writes it, e.g. {@code "2 s"}
 * @param measurementIterations measurement iterations per fork
 * @param measurementTime measurement iteration time as JMH writes it
 * @param params the {@code @Param} values
 * @param score the primary score
 * @param scoreError half the width of the 99.9 % confidence interval, NaN if unknown
 * @param scoreUnit e.g. {@code ops/s} or {@code ms/op}
 */
public record JmhResult(String benchmark, String mode, int threads, int forks,
        int warmupIterations, String warmupTime, int measurementIterations, String measurementTime,
        Map<String, String> params, double score, double scoreError, String scoreUnit) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Copies {@code params}. */
    public JmhResult {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The benchmark method's name, the last part of {@link #benchmark()}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Whether the benchmark is declared in {@code type} (or one of its nested classes). */
    public boolean isIn(Class<?> type) {
        // JMH names nested classes with '.', Class.getName() with '$'
        return benchmark.startsWith(type.getName().replace('$', '.') + ".");
    }

    /** A {@code @Param} value, or {@code fallback} when the benchmark has no such parameter. */
    public String param(String name, String fallback) {
        return params.getOrDefault(name, fallback);
    }

    /** The score and its confidence interval. */
    public Estimate estimate() {
        return Estimate.of(score, scoreError);
    }

    /** JMH's settings in short: {@code "1 fork, 3 x 2 s warm-up, 5 x 2 s measured, 2 threads"}. */
    public String settings() {
        String warmup = warmupIterations == 0 ? "no warm-up" : iterations(warmupIterations, warmupTime) + " warm-up";
        String measured = iterations(measurementIterations, measurementTime) + " measured";
        return forks + (forks == 1 ? " fork, " : " forks, ") + warmup + ", " + measured
                + (threads == 1 ? ", 1 thread" : ", " + threads + " threads");
    }

    private static String iterations(int count, String time) {
        // single-shot modes write "single-shot" (or nothing) instead of an iteration time
        return time.isEmpty() || time.startsWith("single") ? count + " single-shot" : count + " x " + time;
    }

    /** Reads a JMH JSON result file. */
    public static List<JmhResult> read(Path file) throws IOException {
        return parse(MAPPER.readTree(file.toFile()));
    }

    /** Parses the text of a JMH JSON result file. */
    public static List<JmhResult> parse(String json) throws IOException {
        return parse(MAPPER.readTree(json));
    }

    private static List<JmhResult> parse(JsonNode runs) {
        if (runs == null || !runs.isArray()) {
            throw new IllegalArgumentException("not a JMH JSON result file: the top level must be an array");
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode run : runs) {
            Map<String, String> params = new LinkedHashMap<>();
            run.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode metric = run.path("primaryMetric");
            results.add(new JmhResult(
                    run.path("benchmark").asText(),
                    run.path("mode").asText(),
                    run.path("threads").asInt(1),
                    run.path("forks").asInt(1),
                    run.path("warmupIterations").asInt(0),
                    run.path("warmupTime").asText(""),
                    run.path("measurementIterations").asInt(0),
                    run.path("measurementTime").asText(""),
                    params,
                    metric.path("score").asDouble(Double.NaN),
                    // JMH writes an unknown error as the string "NaN"
                    metric.path("scoreError").asDouble(Double.NaN),
                    metric.path("scoreUnit").asText("")));
        }
        return results;
    }
}
