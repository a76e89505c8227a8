package dev.blazedb.test;

import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ConnectionInterceptor;
import dev.blazedb.transport.DelegatingDuplexConnection;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Transport fault injection for tests: it records the transport connections that pass through it,
 * counts the frames they send, and breaks them on request the way a failing network does (the
 * connection is disposed underneath its user, without any goodbye of the protocol above).
 *
 * <p>Connections pass through it when it wraps a client transport ({@link #wrap(ClientTransport)},
 * for {@code BlazeTopology.connect}) or intercepts the connections a topology opens itself
 * ({@link #intercept(DuplexConnection)}: pass it to
 * {@code BlazeTopology.Options.builder().connectionInterceptor(..)}, which reaches the links
 * {@code connectLocal} and the other connect methods open inside the topology):
 * <pre>{@code
 * FaultInjector faults = new FaultInjector();
 * BlazeTopology topology = new BlazeTopology(BlazeTopology.Options.builder().connectionInterceptor(faults).build());
 * ...
 * faults.breakNewest();   // the link goes RECONNECTING, then resumes from its checkpoint
 * }</pre>
 * Written against the public transport SPI only, so it works over any transport. Thread-safe.
 */
public final class FaultInjector implements ConnectionInterceptor {

    private final List<DuplexConnection> opened = new CopyOnWriteArrayList<>();
    private final AtomicLong framesSent = new AtomicLong();

    /** A fault injector that has seen no connection yet. */
    public FaultInjector() {
    }

    /** A client transport whose every connection passes through this injector. */
    public ClientTransport wrap(ClientTransport transport) {
        Objects.requireNonNull(transport, "transport");
        return () -> transport.connect().map(this::intercept);
    }

    /** Records {@code connection} and returns the decorated connection to use in its place. */
    @Override
    public DuplexConnection intercept(DuplexConnection connection) {
        DuplexConnection counted = new DelegatingDuplexConnection(connection) {
            @Override
            public Mono<Void> send(Publisher<Frame> frames) {
                return super.send(Flux.from(frames).doOnNext(f -> framesSent.incrementAndGet()));
            }
        };
        opened.add(counted);
        return counted;
    }

    /** Every connection seen so far, oldest first. */
    public List<DuplexConnection> connections() {
        return List.copyOf(opened);
    }

    /** The number of connections seen so far (a reconnect adds one). */
    public int opened() {
        return opened.size();
    }

    /** The frames sent so far over all connections seen. */
    public long framesSent() {
        return framesSent.get();
    }

    /**
     * Breaks the newest connection as a failing network would: it is disposed underneath the
     * protocol, which sees its transport close without a goodbye.
     *
     * @throws IllegalStateException when no connection has been seen yet
     */
    public void breakNewest() {
        if (opened.isEmpty()) {
            throw new IllegalStateException("no connection to break yet");
        }
        opened.get(opened.size() - 1).dispose();
    }

    /** Breaks every connection seen so far that is still open. */
    public void breakAll() {
        opened.forEach(DuplexConnection::dispose);
    }
}
