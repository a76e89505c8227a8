package dev.blazedb.transport.tcp;

import dev.blazedb.transport.DelegatingDuplexConnection;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An accepted server connection that records its frames, its handshake time and why it was
 * refused in {@link ServerMetrics}; used only when the server has a meter registry.
 */
final class MeteredConnection extends DelegatingDuplexConnection {

    private final ServerMetrics metrics;
    private final long acceptedAtNanos;
    /** A connection counts under one refusal reason at most (a too-large frame also fails the handshake). */
    private final AtomicBoolean refused = new AtomicBoolean();

    MeteredConnection(DuplexConnection delegate, ServerMetrics metrics, long acceptedAtNanos) {
        super(delegate);
        this.metrics = metrics;
        this.acceptedAtNanos = acceptedAtNanos;
    }

    @Override
    public Flux<Frame> receive() {
        return super.receive()
                .doOnNext(f -> metrics.frameIn())
                .doOnError(FrameTooLargeException.class, e -> refuse(ServerMetrics.Refusal.FRAME_TOO_LARGE));
    }

    @Override
    public Mono<Void> send(Publisher<Frame> frames) {
        return super.send(Flux.from(frames).doOnNext(f -> metrics.frameOut()));
    }

    /**
     * Times {@code handshake} (the secure session over this connection) from the TCP accept, or
     * counts why it failed.
     */
    Mono<DuplexConnection> meterHandshake(Mono<DuplexConnection> handshake) {
        return handshake
                .doOnNext(c -> metrics.handshake(System.nanoTime() - acceptedAtNanos))
                .doOnError(e -> refuse(ServerMetrics.Refusal.of(e)));
    }

    private void refuse(ServerMetrics.Refusal reason) {
        if (refused.compareAndSet(false, true)) {
            metrics.refused(reason);
        }
    }

    /**
     * Counts the bytes of every socket read and write; first in the pipeline (before TLS), so it
     * counts what crosses the network. Shared by a server's channels.
     */
    @ChannelHandler.Sharable
    static final class ByteCounter extends ChannelDuplexHandler {
        /** The handler's name in the pipeline. */
        static final String NAME = "blaze.byteCounter";

        private final ServerMetrics metrics;

        ByteCounter(ServerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                metrics.bytesIn(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b) {
                metrics.bytesOut(b.readableBytes());
            }
            ctx.write(msg, promise);
        }
    }
}
