package dev.blazedb.sync;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DelegatingDuplexConnection;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.ServerTransport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Transport decorators for tests, written against the public transport SPI only. */
final class Gates {

    private Gates() {
    }

    /** A client transport whose connections can be broken (disposed without a GOODBYE) and counted. */
    static final class Breakable implements ClientTransport {
        final ClientTransport inner;
        final List<DuplexConnection> opened = new CopyOnWriteArrayList<>();
        final AtomicLong framesSent = new AtomicLong();

        Breakable(ClientTransport inner) {
            this.inner = inner;
        }

        @Override
        public Mono<DuplexConnection> connect() {
            return inner.connect().map(c -> {
                DuplexConnection counted = new DelegatingDuplexConnection(c) {
                    @Override
                    public Mono<Void> send(Publisher<Frame> frames) {
                        return super.send(Flux.from(frames).doOnNext(f -> framesSent.incrementAndGet()));
                    }
                };
                opened.add(counted);
                return counted;
            });
        }

        /** Drops the newest connection as a failing network would. */
        void breakNewest() {
            opened.get(opened.size() - 1).dispose();
        }
    }

    /** A server transport whose accepted connections read only while the gate is open. */
    static final class Gated implements ServerTransport {
        final ServerTransport inner;
        final AtomicBoolean open = new AtomicBoolean(true);
        final List<GatedReceive> receivers = new CopyOnWriteArrayList<>();

        Gated(ServerTransport inner) {
            this.inner = inner;
        }

        void close() {
            open.set(false);
        }

        void reopen() {
            open.set(true);
            receivers.forEach(GatedReceive::release);
        }

        /** Frames the peer was allowed to send but the gate held back. */
        long withheld() {
            return receivers.stream().mapToLong(r -> r.withheld.get()).sum();
        }

        @Override
        public Mono<BoundServer> bind(dev.blazedb.transport.ConnectionAcceptor acceptor) {
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
        final class GatedReceive implements CoreSubscriber<Frame>, Subscription {
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
                actual.onError(t);
            }

            @Override
            public void onComplete() {
                actual.onComplete();
            }

            @Override
            public void request(long n) {
                if (open.get()) {
                    upstream.request(n);
                } else {
                    withheld.addAndGet(n);
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
                upstream.cancel();
            }
        }
    }
}
