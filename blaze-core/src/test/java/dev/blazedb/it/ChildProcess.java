package dev.blazedb.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a main class from the test classpath, with its output captured line by line
 * and its standard input open for commands. Shared with other modules' ITs through blaze-core's
 * test-jar (which holds only this class).
 */
public final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Object signal = new Object();
    private final Thread outReader;
    private final Thread errReader;

    private ChildProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), line -> {
            stdout.add(line);
            synchronized (signal) {
                signal.notifyAll();
            }
        });
        this.errReader = pump(process.getErrorStream(), line -> stderr.append(line).append('\n'));
    }

    /** Starts {@code java -cp <this JVM's classpath> mainClass args}. */
    public static ChildProcess start(Class<?> mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        cmd.addAll(List.of(args));
        try {
            return new ChildProcess(new ProcessBuilder(cmd).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process died
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until a line matching {@code p} arrives; fails on timeout or when the child exits first. */
    public String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        synchronized (signal) {
            for (;;) {
                for (; checked < stdout.size(); checked++) {
                    if (p.test(stdout.get(checked))) {
                        return stdout.get(checked);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for child output; stderr:\n" + stderr);
                }
                if (!process.isAlive() && !outReader.isAlive() && checked >= stdout.size()) {
                    throw new AssertionError("child exited with " + process.exitValue() + "; stderr:\n" + stderr);
                }
                signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Waits until at least {@code n} lines matching {@code p} have arrived. */
    public void awaitCount(Predicate<String> p, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (stdout.stream().filter(p).count() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + n + " lines; stderr:\n" + stderr);
                }
                if (!process.isAlive() && !outReader.isAlive()) {
                    throw new AssertionError("child exited with " + process.exitValue() + "; stderr:\n" + stderr);
                }
                signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Kills the child with SIGKILL and waits until it is gone and its output fully read. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child did not die");
        }
        outReader.join(10_000);
        errReader.join(10_000);
    }

    /** Waits for a normal exit. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit; stderr:\n" + stderr);
        }
        outReader.join(10_000);
        errReader.join(10_000);
        return process.exitValue();
    }

    /** Writes {@code line} and a newline to the child's standard input. */
    public void send(String line) {
        try {
            java.io.OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the child; stderr:\n" + stderr, e);
        }
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The lines the child printed so far. */
    public List<String> stdout() {
        return stdout;
    }

    /** What the child wrote to its standard error so far. */
    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
