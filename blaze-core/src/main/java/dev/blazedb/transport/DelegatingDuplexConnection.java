package dev.blazedb.transport;

import java.net.SocketAddress;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A base for decorators: a {@link DuplexConnection} that forwards every method to another one.
 *
 * <p>A decorator (encryption, compression, metrics, logging, a connection mode) overrides what it
 * changes and keeps the rest, for example:
 *
 * <pre>{@code
 * DuplexConnection counting = new DelegatingDuplexConnection(connection) {
 *     @Override
 *     public Flux<Frame> receive() {
 *         return super.receive().doOnNext(frame -> received.increment());
 *     }
 *
 *     @Override
 *     public Mono<Void> send(Publisher<Frame> frames) {
 *         return super.send(Flux.from(frames).doOnNext(frame -> sent.increment()));
 *     }
 * };
 * }</pre>
 *
 * <p>Operators such as {@code map} and {@code doOnNext} keep the demand, completion and
 * cancellation semantics of {@link DuplexConnection}; a decorator that buffers must bound its
 * buffer and document it.
 */
public abstract class DelegatingDuplexConnection implements DuplexConnection {

    private final DuplexConnection delegate;

    /**
     * A decorator over {@code delegate}.
     *
     * @param delegate the connection every method forwards to
     */
    protected DelegatingDuplexConnection(DuplexConnection delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The decorated connection.
     *
     * @return the connection this one forwards to
     */
    protected final DuplexConnection delegate() {
        return delegate;
    }

    @Override
    public Flux<Frame> receive() {
        return delegate.receive();
    }

    @Override
    public Mono<Void> send(Publisher<Frame> frames) {
        return delegate.send(frames);
    }

    @Override
    public Mono<Void> onClose() {
        return delegate.onClose();
    }

    @Override
    public void dispose() {
        delegate.dispose();
    }

    @Override
    public boolean isDisposed() {
        return delegate.isDisposed();
    }

    @Override
    public SocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public int maxFrameLength() {
        return delegate.maxFrameLength();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
