package dev.blazedb.test;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionAcceptor;
import dev.blazedb.transport.DelegatingDuplexConnection;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.ServerTransport;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A server transport whose accepted connections read only while its gate is open: a stalled
 * receiver, for backpressure tests. While the gate is closed ({@link #hold()}), the demand the
 * receiving side signals is withheld from the transport, so the peer's sender must stop; the gate
 * opening again ({@link #release()}) passes the withheld demand on. Written against the public
 * transport SPI only, so it works over any transport. Thread-safe.
 */
public final class GatedServerTransport implements ServerTransport {

    private final ServerTransport inner;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final List<GatedReceive> receivers = new CopyOnWriteArrayList<>();

    /** A gate, open at first, over {@code inner}. */
    public GatedServerTransport(ServerTransport inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** Closes the gate: accepted connections stop reading (demand is withheld from then on). */
    public void hold() {
        open.set(false);
    }

    /** Opens the gate: withheld demand passes on and reading resumes. */
    public void release() {
        open.set(true);
        receivers.forEach(GatedReceive::release);
    }

    /** The demand the receivers signalled but the gate held back. */
    public long withheld() {
        return receivers.stream().mapToLong(r -> r.withheld.get()).sum();
    }

    @Override
    public Mono<BoundServer> bind(ConnectionAcceptor acceptor) {
        return inner.bind(conn -> acceptor.accept(new DelegatingDuplexConnection(conn) {
            @Override
            public Flux<Frame> receive() {
                Flux<Frame> upstream = super.receive();
                return new Flux<>() {
                    @Override
                    public void subscribe(CoreSubscriber<? super Frame> actual) {
                        GatedReceive g = new GatedReceive(actual);
                        receivers.add(g);
                        upstream.subscribe(g);
                    }
                };
            }
        }));
    }

    /** Passes demand upstream only while the gate is open; remembers what it held back. */
    private final class GatedReceive implements CoreSubscriber<Frame>, Subscription {
        final CoreSubscriber<? super Frame> actual;
        final AtomicLong withheld = new AtomicLong();
        volatile Subscription upstream;

        GatedReceive(CoreSubscriber<? super Frame> actual) {
            this.actual = actual;
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(Frame frame) {
            actual.onNext(frame);
        }

        @Override
        public void onError(Throwable t) {
            receivers.remove(this);
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            receivers.remove(this);
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            if (open.get()) {
                upstream.request(n);
            } else {
                withheld.accumulateAndGet(n, Operators::addCap);
                // the gate may have opened between the check and the add: do not strand the demand
                if (open.get()) {
                    release();
                }
            }
        }

        void release() {
            long n = withheld.getAndSet(0);
            if (n > 0) {
                upstream.request(n);
            }
        }

        @Override
        public void cancel() {
            receivers.remove(this);
            upstream.cancel();
        }
    }
}
