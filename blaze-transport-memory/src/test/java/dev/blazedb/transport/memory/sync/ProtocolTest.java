package dev.blazedb.transport.memory.sync;

import static dev.blazedb.test.SyncCluster.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.internal.sync.SyncCodec;
import dev.blazedb.internal.sync.SyncMessage;
import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.Transports;
import dev.blazedb.test.SyncCluster;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/** The protocol's edges, against scripted peers written with the protocol's own codec. */
class ProtocolTest {

    /** A scripted peer: answers each frame it receives with the frames {@code script} returns. */
    private static final class FakePeer implements AutoCloseable {
        final String address = "fake-peer-" + System.nanoTime();
        final List<Frame> received = new CopyOnWriteArrayList<>();
        final BoundServer server;

        FakePeer(List<Frame> greeting, BiFunction<Frame, Sinks.Many<Frame>, Void> script) {
            server = Transports.serverTransport("memory", address, Map.of()).bind(conn -> {
                Sinks.Many<Frame> out = Sinks.many().unicast().onBackpressureBuffer();
                greeting.forEach(out::tryEmitNext);
                conn.send(out.asFlux()).subscribe(null, e -> { });
                return conn.receive().doOnNext(f -> {
                    received.add(f);
                    script.apply(f, out);
                }).then();
            }).block(TIMEOUT);
        }

        @Override
        public void close() {
            server.dispose();
        }
    }

    private static Frame hello(int version, NodeId node, boolean send, boolean receive) {
        Frame f = SyncCodec.hello(new SyncMessage.Hello(1, send, receive, node, null, 0, "fake"));
        byte[] p = f.toByteArray();
        ByteBuffer.wrap(p).putShort(4, (short) version);
        return Frame.wrap(SyncCodec.HELLO, p);
    }

    @Test
    void aPeerOfAnotherVersionFailsTheConnectionClearlyOnBothSides() {
        NodeId fake = NodeId.random();
        try (SyncCluster c = new SyncCluster(); FakePeer peer = new FakePeer(List.of(hello(2, fake, true, true)), (f, out) -> null)) {
            NodeId me = c.add("me", SyncRole.CLIENT);
            assertThatThrownBy(() -> c.topology().connect(me, Transports.clientTransport("memory", peer.address, Map.of()),
                    new SyncPolicy()).block(TIMEOUT))
                    .isInstanceOf(ProtocolVersionException.class)
                    .hasMessageContaining("version 1").hasMessageContaining("version 2");
            // this side told the peer why, in a GOODBYE with reason VERSION
            assertThat(peer.received).anySatisfy(f -> {
                assertThat(f.type()).isEqualTo(SyncCodec.GOODBYE);
                assertThat(((SyncMessage.Goodbye) SyncCodec.decode(f)).reason()).isEqualTo(SyncCodec.BYE_VERSION);
            });
            assertThat(c.topology().connections()).isEmpty();
        }
    }

    @Test
    void aPeerThatRefusesOurVersionIsReportedAsAVersionError() {
        NodeId fake = NodeId.random();
        try (SyncCluster c = new SyncCluster(); FakePeer peer = new FakePeer(List.of(), (f, out) -> {
            if (f.type() == SyncCodec.HELLO) {
                out.tryEmitNext(SyncCodec.goodbye(SyncCodec.BYE_VERSION, "this peer speaks version 7 only"));
            }
            return null;
        })) {
            NodeId me = c.add("me", SyncRole.CLIENT);
            assertThatThrownBy(() -> c.topology().connect(me, Transports.clientTransport("memory", peer.address, Map.of()),
                    new SyncPolicy()).block(TIMEOUT))
                    .isInstanceOf(ProtocolVersionException.class).hasMessageContaining("version 7 only");
            assertThat(fake).isNotNull();
        }
    }

    @Test
    void garbageFromAPeerIsAProtocolErrorNotACrash() {
        NodeId fake = NodeId.random();
        Frame garbage = Frame.wrap(SyncCodec.CHANGES, new byte[] {0, 0, 0, 0, 0, 0, 0, 5, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        try (SyncCluster c = new SyncCluster(); FakePeer peer = new FakePeer(List.of(hello(1, fake, true, true)), (f, out) -> {
            if (f.type() == SyncCodec.RESUME) {
                out.tryEmitNext(garbage);
            }
            return null;
        })) {
            NodeId me = c.add("me", SyncRole.CLIENT);
            var conn = c.topology().connect(me, Transports.clientTransport("memory", peer.address, Map.of()), new SyncPolicy())
                    .block(TIMEOUT);
            assertThat(conn.states().filter(s -> s.isTerminal()).blockFirst(TIMEOUT)).isEqualTo(dev.blazedb.ConnectionState.FAILED);
            assertThat(conn.status().lastError()).containsInstanceOf(ProtocolException.class);
            assertThat(conn.status().lastError().orElseThrow().getMessage()).contains("CHANGES").contains("changes");
            assertThat(c.db(0).lastSequence()).isZero();
        }
    }

    @Test
    void changesThatTheModeForbidsAreRefused() {
        NodeId fake = NodeId.random();
        try (SyncCluster c = new SyncCluster(); FakePeer peer = new FakePeer(List.of(hello(1, fake, true, true)), (f, out) -> {
            if (f.type() == SyncCodec.RESUME) {
                // a change although this side said it will not receive any
                SyncCodec.ChangesWriter w = new SyncCodec.ChangesWriter();
                var rec = SyncCluster.message("pushed", 1);
                w.append(1, false, 1L << 20, fake, 1, java.util.UUID.randomUUID(), "default".getBytes(), null, null, rec,
                        dev.blazedb.codec.BlazeBinary.encodedSize(rec, false));
                out.tryEmitNext(Frame.wrap(SyncCodec.CHANGES, w.finish(1)));
            }
            return null;
        })) {
            NodeId me = c.add("me", SyncRole.CLIENT);
            // WRITE_ONLY for the connecting node (the "to" node) means: it sends, it never receives
            var conn = c.topology().connect(me, Transports.clientTransport("memory", peer.address, Map.of()),
                    SyncPolicy.of(ConnectionMode.WRITE_ONLY)).block(TIMEOUT);
            assertThat(conn.states().filter(s -> s.isTerminal()).blockFirst(TIMEOUT)).isEqualTo(dev.blazedb.ConnectionState.FAILED);
            assertThat(conn.status().lastError().orElseThrow()).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("does not receive");
            assertThat(c.db(0).count()).isZero();
        }
    }

    @Test
    void aPeerExpectingAnotherNodeIsRefused() {
        NodeId fake = NodeId.random();
        Frame helloForSomeoneElse = SyncCodec.hello(new SyncMessage.Hello(1, true, true, fake, NodeId.random(), 0, "fake"));
        try (SyncCluster c = new SyncCluster(); FakePeer peer = new FakePeer(List.of(helloForSomeoneElse), (f, out) -> null)) {
            NodeId me = c.add("me", SyncRole.CLIENT);
            assertThatThrownBy(() -> c.topology().connect(me, Transports.clientTransport("memory", peer.address, Map.of()),
                    new SyncPolicy()).block(TIMEOUT))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("the peer expected node");
            assertThat(peer.received).anySatisfy(f -> assertThat(f.type()).isEqualTo(SyncCodec.GOODBYE));
        }
    }
}
