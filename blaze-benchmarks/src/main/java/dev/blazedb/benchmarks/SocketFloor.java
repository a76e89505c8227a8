package dev.blazedb.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The floor under the sync latency over sockets on this machine: the same open-loop sender as
 * {@link SyncBench}'s latency scenario (same rate, same yielding wait, latency from each
 * message's due time), but with nothing of BlazeDB in the path, over four routes:
 *
 * <ul>
 *   <li>{@link Route#THREADS}: no socket at all; the sender hands each message's number to a
 *       thread, which hands it to another that records its arrival, each woken with {@code
 *       LockSupport.unpark}: the two wake-ups of the Netty route without any system call of
 *       the message's own, what this machine's scheduler alone costs;</li>
 *   <li>{@link Route#NETTY}: a 100-byte message written by the sending thread to a Reactor Netty
 *       connection (which hands it to the connection's event loop, as a sync session's frames
 *       are), read by the server's event loop, which records its arrival: two thread wake-ups
 *       per message, what the sync path over a socket adds storage, the change feed and the
 *       codec to;</li>
 *   <li>{@link Route#JDK_HANDOFF}: plain JDK socket channels in blocking mode; the sender hands
 *       each message to a writer thread through a bounded queue, and a reader thread blocked in
 *       {@code read} records its arrival: the same two wake-ups without Netty;</li>
 *   <li>{@link Route#JDK_DIRECT}: the same channels, but the sending thread writes the message
 *       itself: one wake-up per message (the reader's), the least any transport whose receiver
 *       sleeps between messages can cost.</li>
 * </ul>
 *
 * <p>Comparing the routes tells a wake-up's price on this machine from what sockets, Netty or
 * BlazeDB add. The threads route runs once, the others over each socket of {@code --transports}.
 *
 * <pre>
 * java -Xmx3g -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.SocketFloor
 *     [--transports uds,tcp] [--routes threads,netty,jdk-handoff,jdk-direct] [--rate 10000] [--seconds 5]
 *     [--warmup-seconds 3] [--runs 3] [--out DIR]
 * </pre>
 */
public final class SocketFloor {

    private static final int MESSAGE = 100;

    private SocketFloor() {
    }

    /** How a message travels from the sending thread to the thread that records its arrival. */
    public enum Route {
        /** No socket: the sender wakes a thread, which wakes the one that records the arrival. */
        THREADS("threads", "no socket: sender -> thread -> thread", 2),
        /** Through a Reactor Netty connection: the client's event loop writes, the server's reads. */
        NETTY("netty", "Reactor Netty: sender -> event loop -> socket -> event loop", 2),
        /** JDK blocking channels: the sender hands the message to a writer thread; a reader thread reads. */
        JDK_HANDOFF("jdk-handoff", "JDK sockets: sender -> writer thread -> socket -> reader thread", 2),
        /** JDK blocking channels: the sender writes itself; a reader thread reads. */
        JDK_DIRECT("jdk-direct", "JDK sockets: sender writes -> socket -> reader thread", 1);

        final String option;
        final String description;
        final int wakeUps;

        Route(String option, String description, int wakeUps) {
            this.option = option;
            this.description = description;
            this.wakeUps = wakeUps;
        }

        static Route of(String option) {
            for (Route r : values()) {
                if (r.option.equals(option)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("route must be threads, netty, jdk-handoff or jdk-direct: " + option);
        }

        /** Whether the route goes through a socket; {@link #THREADS} does not, and runs with transport {@code none}. */
        boolean usesSocket() {
            return this != THREADS;
        }
    }

    /** One-way latency percentiles of bare messages, in microseconds. */
    public record Floor(String transport, String route, int rate, long count, double p50, double p90, double p99, double p999,
            double max) {
    }

    /** Sends message number {@code i} from the calling thread; closing it frees the sockets and threads. */
    private interface Sender extends AutoCloseable {
        void send(int i) throws IOException, InterruptedException;

        @Override
        void close() throws IOException;
    }

    /**
     * Runs the open loop over {@code transport} ({@code uds} or {@code tcp}; {@code none} for
     * {@link Route#THREADS}) and {@code route} for {@code warmupSeconds} unreported, then {@code
     * seconds} measured.
     */
    public static Floor measure(String transport, Route route, int rate, double seconds, double warmupSeconds)
            throws IOException, InterruptedException {
        int warm = (int) (warmupSeconds * rate);
        int total = warm + (int) (seconds * rate);
        long[] arrivedAt = new long[total];
        CountDownLatch all = new CountDownLatch(1);
        Receiver receiver = new Receiver(arrivedAt, all);
        if (route.usesSocket() ? !transport.equals("uds") && !transport.equals("tcp") : !transport.equals("none")) {
            throw new IllegalArgumentException("route " + route.option + " needs transport "
                    + (route.usesSocket() ? "uds or tcp" : "none") + ": " + transport);
        }
        Path dir = route.usesSocket() ? Files.createTempDirectory("blaze-floor") : null;
        Path socket = dir == null ? null : dir.resolve("floor.sock");
        try (Sender sender = switch (route) {
                case THREADS -> new ThreadsSender(receiver);
                case NETTY -> new NettySender(transport, socket, receiver);
                case JDK_HANDOFF, JDK_DIRECT -> new JdkSender(transport, socket, receiver, route == Route.JDK_HANDOFF, total);
            }) {
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime() + 1_000_000;
            for (int i = 0; i < total; i++) {
                SyncBench.waitUntil(start + i * interval);
                sender.send(i);
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every message arrived within 60 s");
            }
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (int i = warm; i < total; i++) {
                long latency = arrivedAt[i] - (start + i * interval);
                if (latency < 0) {
                    // Sent at or after its due time, so counted ahead of the bytes that carry it.
                    throw new IllegalStateException("message " + i + " counted as arrived before it was sent");
                }
                h.recordValue(latency);
            }
            return new Floor(transport, route.option, rate, h.getTotalCount(), SyncBench.us(h.getValueAtPercentile(50)),
                    SyncBench.us(h.getValueAtPercentile(90)), SyncBench.us(h.getValueAtPercentile(99)),
                    SyncBench.us(h.getValueAtPercentile(99.9)), SyncBench.us(h.getMaxValue()));
        } finally {
            if (dir != null) {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
            }
        }
    }

    /**
     * Two threads in a row, each parked until the one before it publishes a higher message number
     * and unparks it; the second records the arrivals. A stage forwards every number up to the
     * latest it sees at once, so nothing queues and nothing is lost.
     */
    private static final class ThreadsSender implements Sender {
        private final Stage first;
        private final Stage second;

        ThreadsSender(Receiver receiver) {
            second = new Stage("floor-thread-2", null, receiver);
            first = new Stage("floor-thread-1", second, null);
            second.start();
            first.start();
        }

        @Override
        public void send(int i) {
            first.publish(i);
        }

        @Override
        public void close() {
            first.interrupt();
            second.interrupt();
            try {
                first.join(10_000);
                second.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static final class Stage extends Thread {
            private final AtomicLong latest = new AtomicLong(-1);
            private final Stage next;
            private final Receiver receiver;

            Stage(String name, Stage next, Receiver receiver) {
                super(name);
                setDaemon(true);
                this.next = next;
                this.receiver = receiver;
            }

            void publish(long i) {
                latest.set(i);
                LockSupport.unpark(this);
            }

            @Override
            public void run() {
                long done = -1;
                while (!isInterrupted()) {
                    long now = latest.get();
                    if (now == done) {
                        LockSupport.park(this);
                        continue;
                    }
                    if (next != null) {
                        next.publish(now);
                    } else {
                        receiver.received((int) (now - done) * MESSAGE);
                    }
                    done = now;
                }
            }
        }
    }

    /** A Reactor Netty server and a client connection to it; the server's event loop counts what arrives. */
    private static final class NettySender implements Sender {
        private final DisposableServer server;
        private final Connection client;
        private final Channel channel;

        NettySender(String transport, Path socket, Receiver receiver) {
            SocketAddress address = transport.equals("uds")
                    ? Epoll.isAvailable() ? new DomainSocketAddress(socket.toString()) : UnixDomainSocketAddress.of(socket)
                    : new InetSocketAddress("127.0.0.1", 0);
            server = TcpServer.create().bindAddress(() -> address)
                    .handle((in, out) -> in.receive().doOnNext(chunk -> receiver.received(chunk.readableBytes())).then())
                    .bindNow(Duration.ofSeconds(10));
            client = TcpClient.create().remoteAddress(server::address).connectNow(Duration.ofSeconds(10));
            channel = client.channel();
        }

        @Override
        public void send(int i) {
            ByteBuf message = Unpooled.buffer(MESSAGE).writeLong(i).writeZero(MESSAGE - Long.BYTES);
            channel.writeAndFlush(message);
        }

        @Override
        public void close() {
            client.disposeNow(Duration.ofSeconds(10));
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    /**
     * Plain JDK socket channels in blocking mode: a reader thread blocked in {@code read} counts
     * what arrives; messages are written by the sending thread itself, or by a writer thread it
     * hands them to through a bounded queue.
     */
    private static final class JdkSender implements Sender {
        private final ServerSocketChannel server;
        private final SocketChannel client;
        private final SocketChannel accepted;
        private final Thread reader;
        private final Thread writer;
        private final BlockingQueue<Integer> handOff;
        private final ByteBuffer message = ByteBuffer.allocateDirect(MESSAGE);

        JdkSender(String transport, Path socket, Receiver receiver, boolean viaWriterThread, int total) throws IOException {
            if (transport.equals("uds")) {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
                client = SocketChannel.open(server.getLocalAddress());
            } else {
                server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                client = SocketChannel.open(server.getLocalAddress());
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            accepted = server.accept();
            reader = new Thread(() -> read(receiver), "floor-reader");
            reader.start();
            if (viaWriterThread) {
                handOff = new ArrayBlockingQueue<>(Math.min(total, 1 << 16));
                writer = new Thread(this::writeHandedOff, "floor-writer");
                writer.start();
            } else {
                handOff = null;
                writer = null;
            }
        }

        private void read(Receiver receiver) {
            ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
            try {
                while (!receiver.allArrived()) {
                    int n = accepted.read(in);
                    if (n < 0) {
                        return;
                    }
                    in.clear();
                    receiver.received(n);
                }
            } catch (IOException closed) {
                // the run is over or failed; the sender's wait for every message reports which
            }
        }

        private void writeHandedOff() {
            try {
                while (true) {
                    write(handOff.take());
                }
            } catch (InterruptedException | IOException stop) {
                // closed at the end of the run
            }
        }

        private void write(int i) throws IOException {
            message.clear();
            message.putLong(0, i);
            while (message.hasRemaining()) {
                client.write(message);
            }
        }

        @Override
        public void send(int i) throws IOException, InterruptedException {
            if (handOff != null) {
                handOff.put(i);
            } else {
                write(i);
            }
        }

        @Override
        public void close() throws IOException {
            if (writer != null) {
                writer.interrupt();
            }
            client.close();
            accepted.close();
            server.close();
            try {
                if (writer != null) {
                    writer.join(10_000);
                }
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts whole messages in the byte stream; a message has arrived when its last byte has. */
    private static final class Receiver {
        private final long[] arrivedAt;
        private final int total;
        private final CountDownLatch all;
        private long bytes;
        private int arrived;

        Receiver(long[] arrivedAt, CountDownLatch all) {
            this.arrivedAt = arrivedAt;
            this.total = arrivedAt.length;
            this.all = all;
        }

        /** Records {@code n} more bytes received now; called by one thread only. */
        void received(int n) {
            long now = System.nanoTime();
            bytes += n;
            while (arrived < total && bytes >= (long) (arrived + 1) * MESSAGE) {
                arrivedAt[arrived++] = now;
            }
            if (arrived == total) {
                all.countDown();
            }
        }

        boolean allArrived() {
            return arrived == total;
        }
    }

    /**
     * Runs {@code --runs} rounds over each transport and route and writes {@code socket-floor.md}
     * and {@code socket-floor.json} to {@code --out}.
     *
     * @param args {@code [--transports uds,tcp] [--routes netty,jdk-handoff,jdk-direct] [--rate 10000] [--seconds 5]
     *     [--warmup-seconds 3] [--runs 3] [--out DIR]}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = SyncBench.namedArguments(args, List.of("transports", "routes", "rate", "seconds", "warmup-seconds",
                "runs", "out"));
        List<String> transports = List.of(o.getOrDefault("transports", "uds,tcp").split(","));
        List<Route> routes = Arrays.stream(o.getOrDefault("routes", "threads,netty,jdk-handoff,jdk-direct").split(",")).map(Route::of).toList();
        int rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup-seconds", "3"));
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        Path out = Path.of(o.getOrDefault("out", "target/socket-floor"));
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("\n### The floor: bare threads and sockets, nothing of BlazeDB (SocketFloor)\n\n");
        md.append(SyncBench.fmt("The latency scenario's sender (open loop at %,d messages/s, the same yielding wait, latency from "
                + "each message's due time, %.0f s measured after %.0f s, median of %d runs) sending 100-byte messages in the "
                + "same process, over four routes: no socket at all (the sender wakes a thread that wakes the one recording "
                + "each arrival: what the scheduler alone costs); a Reactor Netty connection (the client's event loop writes, "
                + "the server's event loop records each arrival: two thread wake-ups per message, the path a sync session's "
                + "frames take); plain JDK blocking sockets with the same two wake-ups (the sender hands each message to a "
                + "writer thread, a reader thread records it); and plain JDK sockets with one wake-up (the sender writes "
                + "itself). What the sync latency over a socket cannot go below on this machine.%n%n", rate, seconds, warmup,
                runs));
        md.append("| socket | route | wake-ups | p50 | p90 | p99 | p99.9 | max | runs' p99 |\n|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder json = new StringBuilder("{\n  \"rate\": ").append(rate).append(",\n  \"floors\": [\n");
        boolean firstRun = true;
        List<Map.Entry<String, Route>> pairs = new ArrayList<>();
        routes.stream().filter(r -> !r.usesSocket()).forEach(r -> pairs.add(Map.entry("none", r)));
        for (String t : transports) {
            routes.stream().filter(Route::usesSocket).forEach(r -> pairs.add(Map.entry(t, r)));
        }
        for (Map.Entry<String, Route> pair : pairs) {
            String t = pair.getKey();
            Route route = pair.getValue();
            List<Floor> fs = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                Floor f = measure(t, route, rate, seconds, warmup);
                System.out.printf("%s %s floor at %,d/s, run %d: p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n",
                        t, route.option, f.rate(), r + 1, f.p50(), f.p90(), f.p99(), f.p999(), f.max());
                fs.add(f);
                json.append(firstRun ? "" : ",\n").append(SyncBench.fmt("    {\"transport\": \"%s\", \"route\": \"%s\", "
                        + "\"count\": %d, \"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, \"p999\": %.1f, \"max\": %.1f}",
                        t, route.option, f.count(), f.p50(), f.p90(), f.p99(), f.p999(), f.max()));
                firstRun = false;
            }
            md.append(SyncBench.fmt("| %s | %s | %d | %.1f us | %.1f us | %.1f us | %.1f us | %.1f us | %s |%n",
                    socketName(t), route.description, route.wakeUps,
                    SyncBench.median(fs, Floor::p50), SyncBench.median(fs, Floor::p90), SyncBench.median(fs, Floor::p99),
                    SyncBench.median(fs, Floor::p999), SyncBench.median(fs, Floor::max),
                    fs.stream().map(f -> SyncBench.fmt("%.0f", f.p99())).collect(Collectors.joining(", "))));
        }
        json.append("\n  ]\n}\n");
        Files.writeString(out.resolve("socket-floor.md"), md);
        Files.writeString(out.resolve("socket-floor.json"), json);
        System.out.print(md);
        System.out.println("written: " + out.resolve("socket-floor.md") + ", " + out.resolve("socket-floor.json"));
    }

    /** The report's name for a transport option. */
    static String socketName(String transport) {
        return switch (transport) {
            case "uds" -> "Unix socket";
            case "tcp" -> "TCP loopback";
            default -> "none";
        };
    }
}
