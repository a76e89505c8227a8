package dev.blazedb.transport.memory;

import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import java.net.SocketAddress;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One end of an in-memory connection.
 *
 * <p>Frames travel by reference: the receiver gets the very instance the sender emitted. Demand
 * goes straight through: the peer's publisher is asked for exactly what this end's
 * {@code receive()} subscriber requests (no prefetch, no batching, no buffer beyond frames in
 * flight during a re-entrant call). Every signal is delivered on the thread that caused it: a
 * frame on the thread that emitted it (or that requested it, for publishers that emit on
 * request), a close on the thread that closed.
 */
final class MemoryDuplexConnection implements DuplexConnection {

    private final MemoryLink link;
    private final int side;
    private final MemoryPipe inbound;
    private final MemoryPipe outbound;
    private final SocketAddress remoteAddress;
    private final Flux<Frame> receive;

    MemoryDuplexConnection(MemoryLink link, int side, MemoryPipe inbound, MemoryPipe outbound,
            SocketAddress remoteAddress) {
        this.link = link;
        this.side = side;
        this.inbound = inbound;
        this.outbound = outbound;
        this.remoteAddress = remoteAddress;
        this.receive = new Receive(inbound);
    }

    @Override
    public Flux<Frame> receive() {
        return receive;
    }

    @Override
    public Mono<Void> send(Publisher<Frame> frames) {
        Objects.requireNonNull(frames, "frames");
        return new Send(outbound, frames);
    }

    @Override
    public Mono<Void> onClose() {
        return link.onClose();
    }

    @Override
    public void dispose() {
        link.close(side, null);
    }

    @Override
    public boolean isDisposed() {
        return link.isClosed();
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int maxFrameLength() {
        return link.maxFrameLength;
    }

    @Override
    public String toString() {
        return "MemoryDuplexConnection[" + (side == MemoryLink.CLIENT ? "client" : "server") + " end, peer "
                + remoteAddress + (isDisposed() ? ", closed]" : "]");
    }

    private static final class Receive extends Flux<Frame> {
        private final MemoryPipe pipe;

        Receive(MemoryPipe pipe) {
            this.pipe = pipe;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Frame> actual) {
            pipe.subscribeReceiver(actual);
        }
    }

    private static final class Send extends Mono<Void> {
        private final MemoryPipe pipe;
        private final Publisher<Frame> frames;

        Send(MemoryPipe pipe, Publisher<Frame> frames) {
            this.pipe = pipe;
            this.frames = frames;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            pipe.subscribeSender(frames, actual);
        }
    }
}
