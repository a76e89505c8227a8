package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The encode and decode operations of {@link CodecBenchmark} timed by the CPU time of the
 * measuring thread rather than by the wall clock: a companion to the JMH figures for a shared,
 * overloaded machine. A thread that waits for a core accrues no CPU time, so the load of other
 * processes shifts these figures far less than JMH's; what remains (caches and memory bandwidth
 * shared with others) is why each figure is the median of many short batches, why BlazeBinary
 * and Jackson alternate batch by batch in one JVM, and why the whole sequence runs twice. Each
 * record and Jackson binding has JVMs of its own (see {@link #main}). Garbage collection runs on
 * other threads and is not counted; the JMH figures include it.
 *
 * <p>Run (about a minute, longer on a loaded machine): {@code java -cp blaze-benchmarks/target/benchmarks.jar
 * dev.blazedb.benchmarks.CodecCpuTime}. Prints, per record and operation, the median and the 10th
 * percentile of the CPU nanoseconds per operation over 80 batches of about 2 ms (40 in each of
 * two JVMs, after a warm-up of at least 5 s and until the JIT has been idle for 1 s), and the encode + decode ratios of Jackson (Map and POJO
 * binding) to BlazeBinary measured beside it.
 */
public final class CodecCpuTime {

    /**
     * Keeps the JIT from dropping the results: a plain field, as a volatile store would add a
     * fence to every operation, a larger share of the shorter ones.
     */
    static Object sink;

    static final long WARM_UP_NANOS = 5_000_000_000L;
    static final int ROUNDS = 40;
    private static final long BATCH_NANOS = 2_000_000L;
    static final long JIT_QUIET_NANOS = 1_000_000_000L;
    private static final long MAX_WARM_UP_NANOS = 60_000_000_000L;

    private CodecCpuTime() {
    }

    /** One timed operation. */
    @FunctionalInterface
    interface Op {
        /** Runs the operation once. */
        Object run() throws Exception;
    }

    /** The Jackson bindings BlazeBinary is measured beside, each in JVMs of its own. */
    static final List<String> JACKSON = List.of(CodecReport.JACKSON_MAP, CodecReport.JACKSON_POJO);

    /**
     * Prints the figures. BlazeBinary and one Jackson binding on one record run side by side in a
     * JVM of their own, so that neither the other record nor the other binding pollutes their
     * type profiles (JMH forks a JVM per benchmark for the same reason); the sequence of JVMs
     * runs twice, so that a change in the machine's load touches every pair.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals(CHILD)) {
            child(args[1], args[2]);
            return;
        }
        Map<String, double[]> nanos = new LinkedHashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            for (String record : CodecReport.RECORDS) {
                for (String jackson : JACKSON) {
                    parse(runChild(CodecCpuTime.class, record, jackson), nanos);
                }
            }
        }
        System.out.println(report(nanos));
    }

    static final String CHILD = "--child";

    /**
     * Runs {@code main}'s {@code main(CHILD, args...)} in a JVM of its own and returns what it
     * printed. -Xbatch: the measuring thread waits for each compilation, so a JIT thread starved
     * of CPU by other processes cannot leave the code half-optimised; a fixed, pre-touched heap
     * keeps the kernel's page faults (system time, which thread CPU time includes) out of the
     * batches.
     */
    static String runChild(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xbatch", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), main.getName(), CHILD));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the measuring JVM " + main.getSimpleName() + " " + String.join(" ", args) + " failed");
        }
        return output;
    }

    private static final String RESULT = "RESULT";

    /**
     * Measures encode and decode of one record with BlazeBinary and with one Jackson binding,
     * interleaved, and prints a {@link #RESULT} line for each operation.
     */
    private static void child(String record, String jackson) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure the CPU time of a thread");
        }
        boolean standard = "standard".equals(record);
        BlazeDataRecord data = standard ? BenchmarkRecords.standard() : BenchmarkRecords.large();
        JsonMapper mapper = CodecBenchmark.jsonMapper();
        Map<String, Op> ops = new LinkedHashMap<>();
        String prefix = record + " " + jackson + " ";
        byte[] blaze = BlazeBinary.encode(data);
        ops.put(prefix + CodecReport.BLAZE + "Encode", () -> BlazeBinary.encode(data));
        ops.put(prefix + CodecReport.BLAZE + "Decode", () -> BlazeBinary.decode(blaze));
        Object value;
        ObjectWriter writer;
        ObjectReader reader;
        if (jackson.equals(CodecReport.JACKSON_MAP)) {
            value = BenchmarkRecords.toJava(data);
            writer = mapper.writerFor(new TypeReference<Map<String, Object>>() { });
            reader = mapper.readerFor(new TypeReference<Map<String, Object>>() { });
        } else {
            value = standard ? JsonModels.Standard.of(data) : JsonModels.Large.of(data);
            writer = mapper.writerFor(value.getClass());
            reader = mapper.readerFor(value.getClass());
        }
        byte[] json = writer.writeValueAsBytes(value);
        ops.put(prefix + jackson + "Encode", () -> writer.writeValueAsBytes(value));
        ops.put(prefix + jackson + "Decode", () -> reader.readValue(json));
        printResults(measure(threads, ops, ROUNDS, WARM_UP_NANOS, JIT_QUIET_NANOS));
    }

    /** Prints a {@link #RESULT} line per operation, for {@link #parse}. */
    static void printResults(Map<String, double[]> nanos) {
        nanos.forEach((name, values) -> {
            StringBuilder line = new StringBuilder(RESULT).append(' ').append(name.replace(' ', '/'));
            for (double nanosPerOp : values) {
                line.append(' ').append(nanosPerOp);
            }
            System.out.println(line);
        });
    }

    /** Adds a child's {@link #RESULT} lines to {@code nanos}, after the rounds already there. */
    static void parse(String output, Map<String, double[]> nanos) {
        for (String line : output.split("\\R")) {
            String[] parts = line.trim().split(" ");
            if (parts.length < 2 || !parts[0].equals(RESULT)) {
                continue;
            }
            String name = parts[1].replace('/', ' ');
            double[] values = new double[parts.length - 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = Double.parseDouble(parts[i + 2]);
            }
            nanos.merge(name, values, (a, b) -> {
                double[] both = Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                return both;
            });
        }
    }

    /** CPU nanoseconds per operation, one value per round, by operation name. */
    static Map<String, double[]> measure(ThreadMXBean threads, Map<String, Op> ops, int rounds, long warmUpNanos,
            long jitQuietNanos) throws Exception {
        Map<String, Integer> batch = new LinkedHashMap<>();
        // On a loaded machine the JIT's threads get little CPU: warm up for at least
        // warmUpNanos and then until the JIT has compiled nothing for jitQuietNanos (within a limit),
        // else the batches would time interpreted or half-optimised code.
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long begin = System.nanoTime();
        long lastCompilation = begin;
        long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
        long now;
        do {
            for (Map.Entry<String, Op> op : ops.entrySet()) {
                long start = threads.getCurrentThreadCpuTime();
                int n = 0;
                do {
                    for (int i = 0; i < 100; i++) {
                        sink = op.getValue().run();
                    }
                    n += 100;
                } while (threads.getCurrentThreadCpuTime() - start < BATCH_NANOS);
                batch.put(op.getKey(), n); // a batch of about BATCH_NANOS of CPU time
            }
            now = System.nanoTime();
            if (watchJit && jit.getTotalCompilationTime() != compiled) {
                compiled = jit.getTotalCompilationTime();
                lastCompilation = now;
            }
        } while (now - begin < warmUpNanos || now - lastCompilation < jitQuietNanos && now - begin < MAX_WARM_UP_NANOS);
        Map<String, double[]> nanos = new LinkedHashMap<>();
        ops.keySet().forEach(name -> nanos.put(name, new double[rounds]));
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Op> op : ops.entrySet()) {
                int n = batch.get(op.getKey());
                Op run = op.getValue();
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sink = run.run();
                }
                nanos.get(op.getKey())[round] = (threads.getCurrentThreadCpuTime() - start) / (double) n;
            }
        }
        return nanos;
    }

    /**
     * A Markdown report of per-operation medians and 10th percentiles, by record and by the
     * Jackson binding measured beside, and the encode + decode ratios of each pair.
     *
     * @param nanos CPU nanoseconds per operation, one value per batch, by {@code "record binding operation"}
     */
    static String report(Map<String, double[]> nanos) {
        StringBuilder out = new StringBuilder();
        out.append("CPU time per operation (median and 10th percentile over the batches):\n\n");
        out.append("| record | JVMs shared with | operation | batches | median ns | p10 ns |\n|---|---|---|---:|---:|---:|\n");
        Map<String, double[]> stats = new LinkedHashMap<>();
        nanos.forEach((name, values) -> {
            double[] s = medianAndTenth(values);
            stats.put(name, s);
            String[] parts = name.split(" ");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %,.1f | %,.1f |%n",
                    parts[0], parts[1], parts[2], values.length, s[0], s[1]));
        });
        out.append('\n');
        for (String record : CodecReport.RECORDS) {
            for (String jackson : JACKSON) {
                double[] blaze = sum(stats, record + " " + jackson + " " + CodecReport.BLAZE);
                double[] other = sum(stats, record + " " + jackson + " " + jackson);
                if (blaze != null && other != null) {
                    out.append(String.format(Locale.ROOT,
                            "%s record, encode + decode: BlazeBinary %,.0f ns, %s %,.0f ns: %.1fx (p10: %.1fx)%n",
                            record, blaze[0], jackson, other[0], other[0] / blaze[0], other[1] / blaze[1]));
                }
            }
        }
        return out.toString();
    }

    /** {median, 10th percentile} of the values. */
    static double[] medianAndTenth(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], sorted[sorted.length / 10]};
    }

    /** Encode plus decode: {median, p10}, or null if either was not measured. */
    static double[] sum(Map<String, double[]> stats, String prefix) {
        double[] encode = stats.get(prefix + "Encode");
        double[] decode = stats.get(prefix + "Decode");
        return encode == null || decode == null ? null : new double[] {encode[0] + decode[0], encode[1] + decode[1]};
    }
}
