package dev.blazedb.benchmarks;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.Durability;
import dev.blazedb.NodeId;
import dev.blazedb.SyncRole;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;

/**
 * Node B of {@code SyncBench --transport uds-process}: a database in a process of its own that
 * connects to A's Unix socket and times the changes that arrive. The harness starts it
 * ({@link SyncBench.PeerProcess}) and drives it with one command per line on its standard
 * input; it answers on its standard output.
 *
 * <pre>
 * open memory | open file PATH DURABILITY   a new database B (closing the previous one) -> ok
 * connect SOCKET                            connectCrossApp to A, returns after the handshake -> ok
 * expect N FILE|-                           counts remote changes from now on -> ok; once N arrived:
 *                                           done LAST_NANOS CPU_NANOS COUNT, where LAST_NANOS is
 *                                           System.nanoTime() at the N-th, CPU_NANOS this process's
 *                                           CPU time since "expect" and COUNT B's record count; with
 *                                           FILE, the arrival time of record i (its count field minus
 *                                           1,000,003) as N big-endian longs, written before "done"
 * close                                     closes B and its topology -> ok
 * exit                                      ends the process (also when standard input closes)
 * </pre>
 *
 * <p>Arrival times are {@code System.nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC}: one
 * clock for every process of the machine, so the harness subtracts its own send times from them.
 * Lines {@code arrived N} report progress; {@code error MESSAGE} a failed command.
 */
public final class SyncBenchPeer {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final PrintStream out;
    private BlazeDBClient db;
    private BlazeTopology topology;
    private NodeId node;
    private Disposable expecting;

    private SyncBenchPeer(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the command loop on standard input and output.
     *
     * @param args none
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        SyncBenchPeer peer = new SyncBenchPeer(out);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            try {
                if (w[0].equals("exit")) {
                    break;
                }
                peer.command(w);
            } catch (RuntimeException | IOException e) {
                peer.say("error " + e.toString().replace('\n', ' '));
            }
        }
        peer.close();
        System.exit(0);
    }

    private synchronized void say(String line) {
        out.println(line);
    }

    private void command(String[] w) throws IOException {
        switch (w[0]) {
            case "open" -> {
                close();
                if (w[1].equals("memory")) {
                    db = BlazeDBClient.inMemory("B");
                } else {
                    Durability d = switch (w[3]) {
                        case "sync" -> Durability.SYNC;
                        case "os" -> Durability.OS;
                        default -> Durability.group();
                    };
                    db = new BlazeDBClient("B", Path.of(w[2]), "sync-bench-password",
                            BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).durability(d).build());
                }
                topology = new BlazeTopology();
                node = topology.register(db, "B", SyncRole.CLIENT).block(TIMEOUT);
                say("ok");
            }
            case "connect" -> {
                topology.connectCrossApp(node, w[1], ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
                say("ok");
            }
            case "expect" -> {
                expect(Integer.parseInt(w[1]), w[2].equals("-") ? null : Path.of(w[2]));
                say("ok");
            }
            case "close" -> {
                close();
                say("ok");
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    private void expect(int n, Path file) {
        if (expecting != null) {
            expecting.dispose();
        }
        long[] times = file == null ? null : new long[n];
        AtomicLong arrived = new AtomicLong();
        long cpu0 = SyncBench.processCpuNanos();
        BlazeDBClient b = db;
        expecting = b.changes().filter(ChangeEvent::isRemote).subscribe(e -> {
            long now = System.nanoTime();
            if (times != null) {
                int i = (int) (e.record().orElseThrow().integer("count").orElseThrow() - 1_000_003L);
                if (i >= 0 && i < n) {
                    times[i] = now;
                }
            }
            long k = arrived.incrementAndGet();
            if (k % 16_384 == 0 && k < n) {
                say("arrived " + k);
            }
            if (k == n) {
                long cpu = SyncBench.processCpuNanos() - cpu0;
                // Off the thread that applies changes: writing the file is blocking I/O.
                Thread t = new Thread(() -> finish(now, cpu, times, file, b), "sync-bench-peer-done");
                t.start();
            }
        });
    }

    private void finish(long last, long cpu, long[] times, Path file, BlazeDBClient b) {
        try {
            if (file != null) {
                try (OutputStream os = Files.newOutputStream(file);
                     DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
                    for (long t : times) {
                        data.writeLong(t);
                    }
                }
            }
            say("done " + last + " " + cpu + " " + b.count());
        } catch (IOException | RuntimeException e) {
            say("error " + e);
        }
    }

    private void close() {
        if (expecting != null) {
            expecting.dispose();
            expecting = null;
        }
        if (topology != null) {
            topology.close();
            topology = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }
}
