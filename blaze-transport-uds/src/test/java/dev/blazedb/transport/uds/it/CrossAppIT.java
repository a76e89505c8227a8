package dev.blazedb.transport.uds.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.it.ChildProcess;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sync between two real processes over a Unix socket: this JVM and a child JVM running
 * {@link CrossAppNode}, each with its own database file. The child listens; this side connects.
 */
class CrossAppIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrossAppIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int KILL_ROUNDS = 10;

    @TempDir
    Path dir;

    private Path socket() {
        return dir.resolve("sock").resolve("blazedb.sock");
    }

    private Path childDb() {
        return dir.resolve("app1.blazedb");
    }

    private BlazeDBClient parentDb() {
        return BlazeDBClient.open("App2DB", dir.resolve("app2.blazedb"), "cross-app-password".toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).build());
    }

    private static BlazeTopology topology() {
        return new BlazeTopology(BlazeTopology.Options.builder()
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.5).build());
    }

    private ChildProcess startListener() throws InterruptedException {
        ChildProcess child = ChildProcess.start(CrossAppNode.class, "listen", childDb().toString(), socket().toString(),
                "App1DB");
        child.awaitLine(l -> l.startsWith("READY"), TIMEOUT);
        return child;
    }

    private static BlazeDataRecord message(String text) {
        return BlazeDataRecord.builder().put("message", text).build();
    }

    private static String after(String line, String prefix) {
        return line.substring(prefix.length()).trim();
    }

    @Test
    @Timeout(120)
    void helloBothWaysThousandsEachWayUpdatesAndDeletes() throws Exception {
        try (ChildProcess child = startListener(); BlazeDBClient db = parentDb(); BlazeTopology topology = topology()) {
            NodeId me = topology.register(db, "App2DB", SyncRole.CLIENT).block(TIMEOUT);
            SyncConnection connection = topology.connectCrossApp(me, socket().toString(), ConnectionMode.BIDIRECTIONAL)
                    .block(TIMEOUT);
            NodeId app1 = NodeId.of(UUID.fromString(after(child.awaitLine(l -> l.startsWith("READY"), TIMEOUT), "READY")));
            assertThat(connection.remoteNode().block(TIMEOUT)).as("the peer's node id, learned in the handshake").isEqualTo(app1);

            // "Hello from App 1!" inserted in the child appears here as a remote insert.
            CompletableFuture<ChangeEvent> hello = db.changes().filter(ChangeEvent::isRemote).next().toFuture();
            child.send("insert Hello from App 1!");
            UUID helloId = UUID.fromString(after(child.awaitLine(l -> l.startsWith("INSERTED"), TIMEOUT), "INSERTED"));
            ChangeEvent seen = hello.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(seen.recordId()).isEqualTo(helloId);
            assertThat(seen.origin()).isEqualTo(app1);
            assertThat(db.fetch(helloId).flatMap(r -> r.string("message"))).contains("Hello from App 1!");

            // And the reverse.
            UUID back = db.insert(message("Hello from App 2!"));
            child.awaitLine(l -> l.equals("REMOTE INSERT " + back + " Hello from App 2!"), TIMEOUT);

            // 1,000 inserts each way, concurrently.
            child.send("bulk 1000 bulk-child");
            List<UUID> mine = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                mine.add(db.insert(message("bulk-parent-" + i)));
            }
            child.awaitLine(l -> l.equals("BULK done"), TIMEOUT);
            connection.awaitIdle().block(TIMEOUT);
            assertThat(db.count()).isEqualTo(2002);
            child.send("waitcount 2002");
            child.awaitLine(l -> l.startsWith("COUNT"), TIMEOUT);
            assertThat(child.stdout()).contains("COUNT 2002");

            // Update and delete, both ways.
            db.update(helloId, message("Hello again, from App 2"));
            child.send("waitget " + helloId + " Hello again, from App 2");
            assertThat(child.awaitLine(l -> l.startsWith("GOT " + helloId), TIMEOUT)).endsWith("Hello again, from App 2");
            db.delete(back);
            child.send("waitget " + back + " NONE");
            assertThat(child.awaitLine(l -> l.startsWith("GOT " + back), TIMEOUT)).endsWith("NONE");
            CompletableFuture<ChangeEvent> deleted = db.changes()
                    .filter(e -> e.isRemote() && e.type() == ChangeType.DELETE).next().toFuture();
            child.send("delete " + mine.get(42));
            assertThat(deleted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).recordId()).isEqualTo(mine.get(42));
            assertThat(db.fetch(mine.get(42))).isEmpty();

            connection.awaitIdle().block(TIMEOUT);
            child.send("digest");
            String childDigest = after(child.awaitLine(l -> l.startsWith("DIGEST"), TIMEOUT), "DIGEST");
            assertThat(childDigest).isEqualTo(CrossAppNode.digest(db));

            child.send("quit");
            assertThat(child.waitFor(TIMEOUT)).as("the child's exit code; stderr:\n%s", child.stderr()).isZero();
            assertThat(socket()).as("the socket file after the listener's clean shutdown").doesNotExist();
        }
    }

    @Test
    @Timeout(150)
    void theListenerKilledMidStreamAndRestartedConvergesWithNothingLostOrDuplicated() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        LOG.info("kill test seed {}", seed);
        Set<UUID> childWrites = new HashSet<>();
        Set<UUID> parentWrites = new HashSet<>();
        Map<UUID, AtomicInteger> remoteInserts = new ConcurrentHashMap<>();
        try (BlazeDBClient db = parentDb(); BlazeTopology topology = topology()) {
            NodeId me = topology.register(db, "App2DB", SyncRole.CLIENT).block(TIMEOUT);
            db.changes().filter(e -> e.isRemote() && e.type() == ChangeType.INSERT)
                    .subscribe(e -> remoteInserts.computeIfAbsent(e.recordId(), k -> new AtomicInteger()).incrementAndGet());
            SyncConnection connection = null;
            for (int round = 0; round < KILL_ROUNDS; round++) {
                try (ChildProcess child = startListener()) {
                    if (connection == null) {
                        connection = topology.connectCrossApp(me, socket().toString(), ConnectionMode.BIDIRECTIONAL)
                                .block(TIMEOUT);
                    }
                    child.send("stream r" + round);
                    for (int i = 0; i < 20; i++) {
                        parentWrites.add(db.insert(message("parent-r" + round + "-" + i)));
                    }
                    int target = 5 + random.nextInt(60);
                    child.awaitCount(l -> l.startsWith("W "), target, TIMEOUT);
                    child.kill();
                    child.stdout().stream().filter(l -> l.startsWith("W ")).forEach(l -> childWrites.add(UUID.fromString(after(l, "W "))));
                    LOG.info("round {}: child killed after {} reported writes", round, target);
                }
                // Written while the listener is down: must reach it after the restart.
                for (int i = 0; i < 5; i++) {
                    parentWrites.add(db.insert(message("parent-down-r" + round + "-" + i)));
                }
            }
            try (ChildProcess child = startListener()) {
                connection.awaitIdle().block(TIMEOUT);
                child.send("digest");
                String childDigest = after(child.awaitLine(l -> l.startsWith("DIGEST"), TIMEOUT), "DIGEST");

                for (UUID id : childWrites) {
                    assertThat(db.fetch(id)).as("child write %s, reported on disk before the kill", id).isPresent();
                }
                assertThat(childDigest).as("the child's records equal this side's").isEqualTo(CrossAppNode.digest(db));
                assertThat(db.count()).isGreaterThanOrEqualTo(childWrites.size() + parentWrites.size());
                assertThat(remoteInserts.entrySet()).as("remote inserts applied more than once")
                        .allSatisfy(e -> assertThat(e.getValue().get()).as("inserts of %s", e.getKey()).isEqualTo(1));
                assertThat(remoteInserts.keySet()).containsAll(childWrites);
                LOG.info("{} kill rounds: {} child writes, {} parent writes, {} records on each side", KILL_ROUNDS,
                        childWrites.size(), parentWrites.size(), db.count());
                child.send("quit");
                child.waitFor(TIMEOUT);
            }
        }
    }

    @Test
    @Timeout(90)
    void garbageOnTheSocketClosesThatConnectionOnlyAndChangesNothing() throws Exception {
        try (ChildProcess child = startListener()) {
            child.send("bulk 10 bulk-garbage");
            child.awaitLine(l -> l.equals("BULK done"), TIMEOUT);
            child.send("digest");
            String before = child.awaitLine(l -> l.startsWith("DIGEST"), TIMEOUT);

            byte[] random = new byte[4096];
            new Random(4242).nextBytes(random);
            assertThat(sendAndReadUntilClosed(random, false)).as("the listener closed the random-bytes connection").isTrue();
            byte[] hostile = ByteBuffer.allocate(5).putInt(0xFFFF_FFFF).put((byte) 1).array();
            assertThat(sendAndReadUntilClosed(hostile, false)).as("the listener closed the hostile-length connection").isTrue();
            byte[] half = ByteBuffer.allocate(45).putInt(100).put((byte) 1).array();
            sendAndReadUntilClosed(half, true);

            // The reasons are logged (the child logs to its standard error).
            waitForStderr(child, "FrameTooLargeException");
            // Read before the listener's first write fails: "in the middle of a frame" (see
            // UdsRawPeerTest); a HELLO written to the departed peer first closes the channel
            // before the half frame is read: "lost"; the peer closed with the listener's HELLO
            // unread, which resets the connection, and the reset reached the listener before
            // the half frame did: "reset by peer" (seen once in CI). Each is a logged reason.
            waitForStderr(child, "in the middle of a frame", "was lost", "reset by peer");
            assertThat(child.isAlive()).isTrue();

            // The listener is still up and its database unchanged; a real peer still syncs.
            child.send("digest");
            child.awaitCount(l -> l.startsWith("DIGEST"), 2, TIMEOUT);
            assertThat(child.stdout().stream().filter(l -> l.startsWith("DIGEST"))).containsOnly(before);
            try (BlazeDBClient db = parentDb(); BlazeTopology topology = topology()) {
                NodeId me = topology.register(db, "App2DB", SyncRole.CLIENT).block(TIMEOUT);
                SyncConnection connection = topology.connectCrossApp(me, socket().toString(), ConnectionMode.BIDIRECTIONAL)
                        .block(TIMEOUT);
                connection.awaitIdle().block(TIMEOUT);
                assertThat(db.count()).isEqualTo(10);
            }
            child.send("quit");
            child.waitFor(TIMEOUT);
        }
    }

    private static void waitForStderr(ChildProcess child, String... anyOf) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (java.util.Arrays.stream(anyOf).noneMatch(child.stderr()::contains)) {
            assertThat(System.nanoTime()).as("any of %s in the child's log:\n%s", List.of(anyOf), child.stderr())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Sends raw bytes; returns whether the listener closed the connection (end of stream) within the timeout. */
    private boolean sendAndReadUntilClosed(byte[] bytes, boolean closeAfterSending) throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket()));
            channel.write(ByteBuffer.wrap(bytes));
            if (closeAfterSending) {
                return true;
            }
            CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
                ByteBuffer sink = ByteBuffer.allocate(8192);
                try {
                    while (channel.read(sink.clear()) >= 0) {
                        // drain what the listener says (its error frame) until it closes
                    }
                    return true;
                } catch (IOException e) {
                    return true;
                }
            });
            return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            channel.close();
        }
    }

    @Test
    @Timeout(60)
    void theGuidesInvalidPathFailsClearly() throws Exception {
        try (ChildProcess child = ChildProcess.start(CrossAppNode.class, "listen", childDb().toString(),
                "/nonexistent/path/blazedb.sock", "App1DB")) {
            String error = child.awaitLine(l -> l.startsWith("ERROR"), TIMEOUT);
            assertThat(error).contains("/nonexistent/path/blazedb.sock").contains("does not exist");
            assertThat(child.waitFor(TIMEOUT)).isEqualTo(2);
        }
        assertThat(Files.exists(Path.of("/nonexistent"))).isFalse();
        try (BlazeDBClient db = parentDb(); BlazeTopology topology = topology()) {
            NodeId me = topology.register(db, "App2DB", SyncRole.CLIENT).block(TIMEOUT);
            Mono<SyncConnection> connecting = topology.connectCrossApp(me, "/nonexistent/path/blazedb.sock",
                    ConnectionMode.BIDIRECTIONAL);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> connecting.block(TIMEOUT))
                    .hasMessageContaining("/nonexistent/path/blazedb.sock")
                    .hasMessageContaining("nobody is listening");
        }
    }
}
