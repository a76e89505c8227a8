package dev.blazedb.transport.uds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeException;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionMode;
import dev.blazedb.CrossAppListener;
import dev.blazedb.NodeId;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.sync.SyncCodec;
import dev.blazedb.internal.sync.SyncMessage;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.Frame;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code BlazeTopology}'s cross-app methods over real Unix sockets, inside one JVM (two
 * topologies stand for two apps; the child-process ITs do it across processes).
 */
class UdsTopologyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private String socket() {
        return dir.resolve("sync").resolve("blazedb.sock").toString();
    }

    private static BlazeDataRecord message(String text) {
        return BlazeDataRecord.builder().put("message", text).build();
    }

    @Test
    void theGuidesFormSyncsBothWaysInOneTopology() {
        try (BlazeDBClient db1 = BlazeDBClient.inMemory("App1DB"); BlazeDBClient db2 = BlazeDBClient.inMemory("App2DB");
             BlazeTopology topology = new BlazeTopology()) {
            NodeId id1 = topology.register(db1, "App1DB", SyncRole.SERVER).block(TIMEOUT);
            NodeId id2 = topology.register(db2, "App2DB", SyncRole.CLIENT).block(TIMEOUT);

            SyncConnection connection = topology.connectCrossApp(id1, id2, socket(), ConnectionMode.BIDIRECTIONAL)
                    .block(TIMEOUT);
            assertThat(connection.remoteNode().block(TIMEOUT)).isEqualTo(id1);

            UUID fromApp1 = db1.insert(message("Hello from App 1!"));
            UUID fromApp2 = db2.insert(message("Hello from App 2!"));
            topology.awaitIdle().block(TIMEOUT);

            assertThat(db2.fetch(fromApp1).orElseThrow().string("message")).contains("Hello from App 1!");
            assertThat(db1.fetch(fromApp2).orElseThrow().string("message")).contains("Hello from App 2!");
        }
    }

    @Test
    void twoTopologiesSyncInsertsUpdatesAndDeletesOverTheSocket() {
        try (BlazeDBClient db1 = BlazeDBClient.inMemory("App1DB"); BlazeDBClient db2 = BlazeDBClient.inMemory("App2DB");
             BlazeTopology app1 = new BlazeTopology(); BlazeTopology app2 = new BlazeTopology()) {
            NodeId id1 = app1.register(db1, "App1DB", SyncRole.SERVER).block(TIMEOUT);
            NodeId id2 = app2.register(db2, "App2DB", SyncRole.CLIENT).block(TIMEOUT);
            CrossAppListener listener = app1.listenCrossApp(id1, socket()).block(TIMEOUT);
            assertThat(listener.socketPath()).isEqualTo(Path.of(socket()).toString());
            SyncConnection connection = app2.connectCrossApp(id2, socket(), ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
            assertThat(connection.remoteNode().block(TIMEOUT)).isEqualTo(id1);

            List<UUID> fromApp1 = db1.insertMany(IntStream.range(0, 1000)
                    .mapToObj(i -> message("one-" + i)).collect(Collectors.toList()));
            List<UUID> fromApp2 = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fromApp2.add(db2.insert(message("two-" + i)));
            }
            connection.awaitIdle().block(TIMEOUT);
            assertThat(db1.count()).isEqualTo(2000);
            assertThat(db2.count()).isEqualTo(2000);

            db1.update(fromApp2.get(7), message("changed by app 1"));
            db2.delete(fromApp1.get(3));
            connection.awaitIdle().block(TIMEOUT);
            assertThat(db2.fetch(fromApp2.get(7)).orElseThrow().string("message")).contains("changed by app 1");
            assertThat(db1.fetch(fromApp1.get(3))).isEmpty();
            assertThat(db1.count()).isEqualTo(1999);
            assertThat(db2.fetch(fromApp2.get(7))).isEqualTo(db1.fetch(fromApp2.get(7)));

            listener.dispose();
            assertThat(Path.of(socket())).as("socket removed when the listener stops")
                    .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(listener.isDisposed()).isTrue());
        }
    }

    @Test
    void connectingWhereNobodyListensFailsNamingThePath() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("lonely"); BlazeTopology topology = new BlazeTopology()) {
            NodeId id = topology.register(db, "lonely", SyncRole.CLIENT).block(TIMEOUT);
            assertThatThrownBy(() -> topology.connectCrossApp(id, "/nonexistent/path/blazedb.sock",
                    ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(ConnectionRefusedException.class)
                    .hasMessageContaining("/nonexistent/path/blazedb.sock");
            assertThatThrownBy(() -> topology.listenCrossApp(id, "/nonexistent/path/blazedb.sock").block(TIMEOUT))
                    .isInstanceOf(BlazeException.class)
                    .hasMessageContaining("/nonexistent/path/blazedb.sock");
            assertThat(topology.connections()).isEmpty();
        }
    }

    @Test
    void aPeerOfAnotherProtocolVersionFailsClearlyAndIsToldWhy() {
        List<Frame> received = new CopyOnWriteArrayList<>();
        // The client fails before its GOODBYE reaches this server: wait for the frame, not the failure.
        Sinks.One<Frame> goodbye = Sinks.one();
        Frame hello = SyncCodec.hello(new SyncMessage.Hello(1, true, true, NodeId.random(), null, 0, "future"));
        byte[] payload = hello.toByteArray();
        ByteBuffer.wrap(payload).putShort(4, (short) 2);
        BoundServer future = UdsServerTransport.create(Path.of(socket()))
                .bind(connection -> connection.send(Mono.just(Frame.wrap(SyncCodec.HELLO, payload)))
                        .then(connection.receive().doOnNext(received::add)
                                .doOnNext(f -> {
                                    if (f.type() == SyncCodec.GOODBYE) {
                                        goodbye.tryEmitValue(f);
                                    }
                                }).then()))
                .block(TIMEOUT);
        try (BlazeDBClient db = BlazeDBClient.inMemory("today"); BlazeTopology topology = new BlazeTopology()) {
            NodeId id = topology.register(db, "today", SyncRole.CLIENT).block(TIMEOUT);
            assertThatThrownBy(() -> topology.connectCrossApp(id, socket(), ConnectionMode.BIDIRECTIONAL).block(TIMEOUT))
                    .isInstanceOf(ProtocolVersionException.class)
                    .hasMessageContaining("version 1").hasMessageContaining("version 2");
            goodbye.asMono().block(TIMEOUT);
            assertThat(received).anySatisfy(f -> {
                assertThat(f.type()).isEqualTo(SyncCodec.GOODBYE);
                assertThat(((SyncMessage.Goodbye) SyncCodec.decode(f)).reason()).isEqualTo(SyncCodec.BYE_VERSION);
            });
        } finally {
            future.disposeNow(TIMEOUT);
        }
    }
}
