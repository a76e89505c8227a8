package dev.blazedb.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a figure was measured on: a benchmark result means little without the machine, the JVM,
 * the date and how busy the machine was.
 *
 * @param cores the processors available to the JVM
 * @param cpu the CPU model, or {@code "unknown"}
 * @param os operating system name, version and architecture
 * @param jvm the JVM's name and runtime version
 * @param jmh the JMH version
 * @param maxHeapMiB the host JVM's maximum heap (forks use the same defaults unless told otherwise)
 * @param started when the run started (UTC, to the second)
 * @param loadBefore the one-minute load average before the run, NaN if unknown
 * @param loadAfter the one-minute load average after the run, NaN until known
 */
public record MachineFacts(int cores, String cpu, String os, String jvm, String jmh, long maxHeapMiB,
        Instant started, double loadBefore, double loadAfter) {

    /** The facts of this machine and JVM, now; {@link #loadAfter()} is NaN until {@link #finished()}. */
    public static MachineFacts probe() {
        return new MachineFacts(
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                jmhVersion(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                loadAverage(),
                Double.NaN);
    }

    /** These facts with the load average after the run. */
    public MachineFacts finished() {
        return new MachineFacts(cores, cpu, os, jvm, jmh, maxHeapMiB, started, loadBefore, loadAverage());
    }

    /** One line for a report. */
    public String describe() {
        return String.format(Locale.ROOT, "%d cores (%s), %s, %s, JMH %s, default max heap %,d MiB; started %s; "
                + "load average (1 min) %s before, %s after",
                cores, cpu, os, jvm, jmh, maxHeapMiB, started, load(loadBefore), load(loadAfter));
    }

    private static String load(double load) {
        return Double.isNaN(load) ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }

    private static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /**
     * JMH's version, or {@code "n/a"} where JMH is not on the class path: the sync harness also
     * runs inside the {@code blaze} command, which does not ship JMH.
     */
    static String jmhVersion() {
        try {
            return (String) Class.forName("org.openjdk.jmh.util.Version").getMethod("getPlainVersion").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
