package dev.blazedb.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises {@link CodecBenchmark} results: the median score of each benchmark over one or more
 * JMH JSON result files, as a Markdown table of ops/s and ns/op, and the ratios of BlazeBinary to
 * Jackson for encode + decode combined.
 *
 * <p>Run: {@code java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecReport codec.json [more.json ...]}.
 */
public final class CodecReport {

    private static final String[] METHODS = {
        "blazeEncode", "blazeDecode", "blazeRoundTrip",
        "jacksonMapEncode", "jacksonMapDecode", "jacksonMapRoundTrip",
        "jacksonPojoEncode", "jacksonPojoDecode", "jacksonPojoRoundTrip",
    };

    private CodecReport() {
    }

    /** Prints the summary of the given JMH JSON result files. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: CodecReport result.json [more.json ...]");
            System.exit(2);
        }
        JsonMapper mapper = JsonMapper.builder().build();
        Map<String, List<Double>> scores = new TreeMap<>();
        for (String file : args) {
            for (JsonNode run : mapper.readTree(Path.of(file).toFile())) {
                String name = run.get("benchmark").asText();
                String method = name.substring(name.lastIndexOf('.') + 1);
                String record = run.path("params").path("record").asText("?");
                scores.computeIfAbsent(record + "/" + method, k -> new ArrayList<>())
                        .add(run.get("primaryMetric").get("score").asDouble());
            }
        }
        for (String record : new String[] {"standard", "large"}) {
            System.out.printf("%n### %s record (median of %d run(s))%n%n", record, args.length);
            System.out.println("| benchmark | ops/s | ns/op |");
            System.out.println("|---|---:|---:|");
            for (String method : METHODS) {
                double ops = median(scores.get(record + "/" + method));
                System.out.printf("| %s | %,.0f | %.0f |%n", method, ops, 1e9 / ops);
            }
            double blaze = nanos(scores, record, "blazeEncode") + nanos(scores, record, "blazeDecode");
            double map = nanos(scores, record, "jacksonMapEncode") + nanos(scores, record, "jacksonMapDecode");
            double pojo = nanos(scores, record, "jacksonPojoEncode") + nanos(scores, record, "jacksonPojoDecode");
            System.out.printf("%nencode + decode: BlazeBinary %.0f ns, Jackson Map %.0f ns (%.2fx), Jackson POJO %.0f ns (%.2fx)%n",
                    blaze, map, map / blaze, pojo, pojo / blaze);
            double roundTrip = median(scores.get(record + "/blazeRoundTrip"));
            System.out.printf("round trip throughput: %.2fx Jackson Map, %.2fx Jackson POJO%n",
                    roundTrip / median(scores.get(record + "/jacksonMapRoundTrip")),
                    roundTrip / median(scores.get(record + "/jacksonPojoRoundTrip")));
        }
    }

    private static double nanos(Map<String, List<Double>> scores, String record, String method) {
        return 1e9 / median(scores.get(record + "/" + method));
    }

    private static double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
