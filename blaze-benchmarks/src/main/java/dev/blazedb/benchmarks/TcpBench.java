package dev.blazedb.benchmarks;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.EncryptionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.tls.ServerTrust;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.SecureSession;
import dev.blazedb.transport.Transports;
import dev.blazedb.transport.tcp.BlazeServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;

/**
 * TCP-only measurements beside {@link SyncBench}: the cost of a connection's handshake and the
 * fan-out of a server to many spokes, on loopback.
 *
 * <pre>
 * java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.TcpBench [handshakes] [changes] [spokes...]
 *   defaults: 300 handshakes, 10000 changes, spokes 10 100
 * </pre>
 *
 * <ul>
 *   <li><b>Handshake</b>: sequential connects to a {@link BlazeServer}'s port, each timed from
 *       {@code connect()} to the secure connection being handed out: TCP connect, TLS 1.3,
 *       ephemeral ECDH, HKDF, both token proofs. Plain (no TLS) and TLS + E2E; the first 20 are
 *       warm-up. HdrHistogram, p50 / p99 / max.</li>
 *   <li><b>Fan-out</b>: a server with N spoke clients (TLS + E2E, one topology); the server
 *       inserts {@code changes} records (insertMany of 1000); the time until every spoke holds
 *       all of them, and the changes delivered per second (N x changes / time).</li>
 * </ul>
 */
public final class TcpBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String TOKEN = "tcp-bench-token";

    private TcpBench() {
    }

    /**
     * Runs the measurements.
     *
     * @param args handshakes, changes, then spoke counts
     */
    public static void main(String[] args) {
        int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<Integer> spokes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            spokes.add(Integer.parseInt(args[i]));
        }
        if (spokes.isEmpty()) {
            spokes = List.of(10, 100);
        }
        System.out.println("TcpBench on " + MachineFacts.probe().describe());
        System.out.println("| measurement | p50 | p99 | max | bar |");
        System.out.println("|---|---|---|---|---|");
        handshake(handshakes, false);
        handshake(handshakes, true);
        System.out.println();
        System.out.println("| fan-out (TLS + E2E) | spokes | changes | seconds | changes delivered/s |");
        System.out.println("|---|---|---|---|---|");
        for (int n : spokes) {
            fanOut(n, changes);
        }
    }

    static void handshake(int count, boolean secure) {
        try (BlazeDBClient db = BlazeDBClient.inMemory("HandshakeServer");
             BlazeServer server = BlazeServer.builder().database("HandshakeServer").host("127.0.0.1").localDB(db)
                     .authToken(TOKEN).tls(secure).build()) {
            server.start().block(TIMEOUT);
            Map<String, Object> options = secure
                    ? Map.of("tls", true, "trustManager", ServerTrust.pinned(server.tlsFingerprint(), "bench"))
                    : Map.of();
            ClientTransport raw = Transports.clientTransport("tcp", "127.0.0.1:" + server.port(), options);
            SecureSession.Config config = SecureSession.Config.builder(NodeId.random(), "HandshakeClient").token(TOKEN)
                    .encryption(secure ? EncryptionMode.E2E_ONLY : EncryptionMode.SMART_PROXY).build();
            ClientTransport client = SecureSession.client(raw, config);
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int i = 0; i < count + 20; i++) {
                long t0 = System.nanoTime();
                DuplexConnection c = client.connect().block(TIMEOUT);
                long t = System.nanoTime() - t0;
                if (i >= 20) {
                    h.recordValue(t);
                }
                c.dispose();
                c.onClose().block(TIMEOUT);
            }
            System.out.printf(Locale.ROOT, "| handshake, %s (%d) | %.2f ms | %.2f ms | %.2f ms | p99 <= 10 ms |%n",
                    secure ? "TCP + TLS 1.3 + ECDH + token proofs (E2E)" : "TCP + ECDH + token proofs (no TLS)", count,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
        }
    }

    static void fanOut(int spokes, int changes) {
        List<BlazeDBClient> dbs = new ArrayList<>();
        try (BlazeDBClient hub = BlazeDBClient.inMemory("Hub");
             BlazeServer server = BlazeServer.builder().database("Hub").host("127.0.0.1").localDB(hub).authToken(TOKEN).build();
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(TIMEOUT);
            RemoteNode remote = RemoteNode.builder("127.0.0.1", server.port(), "Hub").authToken(TOKEN)
                    .pinnedFingerprint(server.tlsFingerprint()).handshakeTimeout(Duration.ofSeconds(60)).build();
            for (int i = 0; i < spokes; i++) {
                dbs.add(BlazeDBClient.inMemory("Spoke-" + i));
            }
            Flux.fromIterable(dbs)
                    .flatMap(db -> topology.register(db, db.name(), SyncRole.CLIENT)
                            .flatMap(id -> topology.connectRemote(id, remote, new SyncPolicy())), 32)
                    .blockLast(TIMEOUT);
            List<BlazeDataRecord> batch = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                batch.add(BenchmarkRecords.standard(i));
                if (batch.size() == 1000 || i == changes - 1) {
                    hub.insertMany(batch);
                    batch = new ArrayList<>();
                }
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (BlazeDBClient db : dbs) {
                while (db.count() < changes) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(db.name() + " has " + db.count() + " of " + changes);
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "| hub to spokes | %d | %,d | %.2f | %,.0f |%n", spokes, changes, s, spokes * (double) changes / s);
        } finally {
            dbs.forEach(BlazeDBClient::close);
        }
    }
}
