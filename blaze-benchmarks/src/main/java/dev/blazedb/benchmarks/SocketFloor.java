package dev.blazedb.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The floor under the sync latency over sockets on this machine: the same open-loop sender as
 * {@link SyncBench}'s latency scenario (same rate, same yielding wait, latency from each
 * message's due time), but with nothing of BlazeDB in the path: a 100-byte message written by
 * the sending thread to a Reactor Netty connection (which hands it to the connection's event
 * loop, as a sync session's frames are), read by the server's event loop, which records its
 * arrival. The sync path over a socket adds storage, the change feed and the codec to exactly
 * these two thread wake-ups per change.
 *
 * <pre>
 * java -Xmx3g -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.SocketFloor
 *     [--transports uds,tcp] [--rate 10000] [--seconds 5] [--warmup-seconds 3] [--runs 3] [--out DIR]
 * </pre>
 */
public final class SocketFloor {

    private static final int MESSAGE = 100;

    private SocketFloor() {
    }

    /** One-way latency percentiles of bare messages, in microseconds. */
    public record Floor(String transport, int rate, long count, double p50, double p90, double p99, double p999, double max) {
    }

    /**
     * Runs the open loop over {@code transport} ({@code uds} or {@code tcp}) for {@code warmupSeconds}
     * unreported, then {@code seconds} measured.
     */
    public static Floor measure(String transport, int rate, double seconds, double warmupSeconds) throws IOException, InterruptedException {
        int warm = (int) (warmupSeconds * rate);
        int total = warm + (int) (seconds * rate);
        long[] arrivedAt = new long[total];
        CountDownLatch all = new CountDownLatch(1);
        Path dir = Files.createTempDirectory("blaze-floor");
        SocketAddress address = switch (transport) {
            case "uds" -> Epoll.isAvailable() ? new DomainSocketAddress(dir.resolve("floor.sock").toString())
                    : UnixDomainSocketAddress.of(dir.resolve("floor.sock"));
            case "tcp" -> new InetSocketAddress("127.0.0.1", 0);
            default -> throw new IllegalArgumentException("transport must be uds or tcp: " + transport);
        };
        DisposableServer server = TcpServer.create().bindAddress(() -> address)
                .handle((in, out) -> in.receive().doOnNext(new Receiver(arrivedAt, total, all)::chunk).then())
                .bindNow(Duration.ofSeconds(10));
        Connection client = TcpClient.create().remoteAddress(server::address).connectNow(Duration.ofSeconds(10));
        try {
            Channel channel = client.channel();
            long interval = 1_000_000_000L / rate;
            long[] dueAt = new long[total];
            long start = System.nanoTime() + 1_000_000;
            for (int i = 0; i < total; i++) {
                ByteBuf message = Unpooled.buffer(MESSAGE).writeLong(i).writeZero(MESSAGE - Long.BYTES);
                long due = start + i * interval;
                SyncBench.waitUntil(due);
                dueAt[i] = due;
                channel.writeAndFlush(message);
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every message arrived within 60 s");
            }
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (int i = warm; i < total; i++) {
                h.recordValue(Math.max(0, arrivedAt[i] - dueAt[i]));
            }
            return new Floor(transport, rate, h.getTotalCount(), SyncBench.us(h.getValueAtPercentile(50)),
                    SyncBench.us(h.getValueAtPercentile(90)), SyncBench.us(h.getValueAtPercentile(99)),
                    SyncBench.us(h.getValueAtPercentile(99.9)), SyncBench.us(h.getMaxValue()));
        } finally {
            client.disposeNow(Duration.ofSeconds(10));
            server.disposeNow(Duration.ofSeconds(10));
            Files.deleteIfExists(dir.resolve("floor.sock"));
            Files.deleteIfExists(dir);
        }
    }

    /** Counts whole messages in the byte stream; a message has arrived when its last byte has. */
    private static final class Receiver {
        private final long[] arrivedAt;
        private final int total;
        private final CountDownLatch all;
        private long bytes;
        private int arrived;

        Receiver(long[] arrivedAt, int total, CountDownLatch all) {
            this.arrivedAt = arrivedAt;
            this.total = total;
            this.all = all;
        }

        void chunk(ByteBuf chunk) {
            long now = System.nanoTime();
            bytes += chunk.readableBytes();
            while (arrived < total && bytes >= (long) (arrived + 1) * MESSAGE) {
                arrivedAt[arrived++] = now;
            }
            if (arrived == total) {
                all.countDown();
            }
        }
    }

    /**
     * Runs {@code --runs} rounds over each transport and writes {@code socket-floor.md} and
     * {@code socket-floor.json} to {@code --out}.
     *
     * @param args {@code [--transports uds,tcp] [--rate 10000] [--seconds 5] [--warmup-seconds 3] [--runs 3] [--out DIR]}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = SyncBench.namedArguments(args, List.of("transports", "rate", "seconds", "warmup-seconds", "runs", "out"));
        List<String> transports = List.of(o.getOrDefault("transports", "uds,tcp").split(","));
        int rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup-seconds", "3"));
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        Path out = Path.of(o.getOrDefault("out", "target/socket-floor"));
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("\n### The floor: bare Reactor Netty sockets (SocketFloor)\n\n");
        md.append(SyncBench.fmt("The latency scenario's sender (open loop at %,d messages/s, the same yielding wait, latency from "
                + "each message's due time, %.0f s measured after %.0f s, median of %d runs) writing 100-byte messages to a "
                + "Reactor Netty connection in the same process; the server's event loop records each arrival. Nothing of "
                + "BlazeDB is in the path: this is what two thread wake-ups per message cost on this machine, and what the "
                + "sync latency over the same socket cannot go below.%n%n", rate, seconds, warmup, runs));
        md.append("| socket | p50 | p90 | p99 | p99.9 | max | runs' p99 |\n|---|---|---|---|---|---|---|\n");
        StringBuilder json = new StringBuilder("{\n  \"rate\": ").append(rate).append(",\n  \"floors\": [\n");
        boolean firstRun = true;
        for (String t : transports) {
            List<Floor> fs = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                Floor f = measure(t, rate, seconds, warmup);
                System.out.printf("%s floor at %,d/s, run %d: p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n",
                        t, f.rate(), r + 1, f.p50(), f.p90(), f.p99(), f.p999(), f.max());
                fs.add(f);
                json.append(firstRun ? "" : ",\n").append(SyncBench.fmt("    {\"transport\": \"%s\", \"count\": %d, \"p50\": %.1f, "
                        + "\"p90\": %.1f, \"p99\": %.1f, \"p999\": %.1f, \"max\": %.1f}", t, f.count(), f.p50(), f.p90(), f.p99(),
                        f.p999(), f.max()));
                firstRun = false;
            }
            md.append(SyncBench.fmt("| %s | %.1f us | %.1f us | %.1f us | %.1f us | %.1f us | %s |%n", t.equals("uds") ? "Unix socket" : "TCP loopback",
                    SyncBench.median(fs, Floor::p50), SyncBench.median(fs, Floor::p90), SyncBench.median(fs, Floor::p99), SyncBench.median(fs, Floor::p999),
                    SyncBench.median(fs, Floor::max), fs.stream().map(f -> SyncBench.fmt("%.0f", f.p99())).collect(Collectors.joining(", "))));
        }
        json.append("\n  ]\n}\n");
        Files.writeString(out.resolve("socket-floor.md"), md);
        Files.writeString(out.resolve("socket-floor.json"), json);
        System.out.print(md);
        System.out.println("written: " + out.resolve("socket-floor.md") + ", " + out.resolve("socket-floor.json"));
    }
}
