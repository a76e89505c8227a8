package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far the standard record's encode + decode can go below BlazeBinary's: the codecs of
 * {@link StandardRecordCodec}, written for exactly that record's layout, measured beside
 * {@link BlazeBinary} and Jackson (Map binding) by CPU time, as {@link CodecCpuTime} measures
 * (batches alternating in a JVM of their own, twice). The figures behind docs/decisions/0005.
 *
 * <p>Run (about half a minute): {@code java -cp blaze-benchmarks/target/benchmarks.jar
 * dev.blazedb.benchmarks.CodecBound}. Prints the median and the 10th percentile of each
 * operation and, for each codec, encode + decode against Jackson's.
 */
public final class CodecBound {

    /** The codecs measured, by the prefix of their operations' names. */
    static final List<String> CODECS = List.of("blazeBinary", "layoutLoop", "layoutStraight");
    static final String JACKSON = CodecReport.JACKSON_MAP;

    private CodecBound() {
    }

    /** Prints the figures; with {@link CodecCpuTime#CHILD}, measures them in this JVM. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals(CodecCpuTime.CHILD)) {
            child();
            return;
        }
        Map<String, double[]> nanos = new LinkedHashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            CodecCpuTime.parse(CodecCpuTime.runChild(CodecBound.class), nanos);
        }
        System.out.println(report(nanos));
    }

    private static void child() throws Exception {
        BlazeDataRecord record = BenchmarkRecords.standard();
        byte[] blaze = BlazeBinary.encode(record);
        for (byte[] encoded : List.of(StandardRecordCodec.encodeLoop(record), StandardRecordCodec.encodeStraight(record))) {
            if (!Arrays.equals(encoded, blaze)) {
                throw new IllegalStateException("a layout encoder does not write BlazeBinary's bytes");
            }
        }
        if (!record.equals(StandardRecordCodec.decodeLoop(blaze)) || !record.equals(StandardRecordCodec.decodeStraight(blaze))) {
            throw new IllegalStateException("a layout decoder does not give back the record");
        }
        Map<String, Object> map = BenchmarkRecords.toJava(record);
        JsonMapper mapper = CodecBenchmark.jsonMapper();
        ObjectWriter writer = mapper.writerFor(new TypeReference<Map<String, Object>>() { });
        ObjectReader reader = mapper.readerFor(new TypeReference<Map<String, Object>>() { });
        byte[] json = writer.writeValueAsBytes(map);
        Map<String, CodecCpuTime.Op> ops = new LinkedHashMap<>();
        ops.put("blazeBinaryEncode", () -> BlazeBinary.encode(record));
        ops.put("blazeBinaryDecode", () -> BlazeBinary.decode(blaze));
        ops.put("layoutLoopEncode", () -> StandardRecordCodec.encodeLoop(record));
        ops.put("layoutLoopDecode", () -> StandardRecordCodec.decodeLoop(blaze));
        ops.put("layoutStraightEncode", () -> StandardRecordCodec.encodeStraight(record));
        ops.put("layoutStraightDecode", () -> StandardRecordCodec.decodeStraight(blaze));
        ops.put(JACKSON + "Encode", () -> writer.writeValueAsBytes(map));
        ops.put(JACKSON + "Decode", () -> reader.readValue(json));
        CodecCpuTime.printResults(CodecCpuTime.measure(ManagementFactory.getThreadMXBean(), ops,
                CodecCpuTime.ROUNDS, CodecCpuTime.WARM_UP_NANOS, CodecCpuTime.JIT_QUIET_NANOS));
    }

    /**
     * A Markdown table of each operation's median and 10th percentile, then each codec's encode +
     * decode against Jackson's.
     *
     * @param nanos CPU nanoseconds per operation, one value per batch, by operation name
     */
    static String report(Map<String, double[]> nanos) {
        StringBuilder out = new StringBuilder("Standard record, CPU time per operation (median and 10th percentile over the batches):\n\n");
        out.append("| operation | batches | median ns | p10 ns |\n|---|---:|---:|---:|\n");
        Map<String, double[]> stats = new LinkedHashMap<>();
        nanos.forEach((name, values) -> {
            double[] s = CodecCpuTime.medianAndTenth(values);
            stats.put(name, s);
            out.append(String.format(Locale.ROOT, "| %s | %d | %,.1f | %,.1f |%n", name, values.length, s[0], s[1]));
        });
        out.append('\n');
        double[] jackson = CodecCpuTime.sum(stats, JACKSON);
        for (String codec : CODECS) {
            double[] ours = CodecCpuTime.sum(stats, codec);
            if (ours != null && jackson != null) {
                out.append(String.format(Locale.ROOT, "%s: encode + decode %,.1f ns, %s %,.0f ns: %.1fx (p10: %.1fx)%n",
                        codec, ours[0], JACKSON, jackson[0], jackson[0] / ours[0], jackson[1] / ours[1]));
            }
        }
        return out.toString();
    }
}
