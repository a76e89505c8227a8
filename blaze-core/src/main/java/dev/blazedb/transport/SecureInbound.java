package dev.blazedb.transport;

import dev.blazedb.TamperedFrameException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

/**
 * The one subscription to a raw connection's {@code receive()}, shared by the secure handshake
 * and, after it, the secure connection's single subscriber.
 *
 * <p>During the handshake it requests one frame at a time ({@link #next()}); afterwards it
 * passes the subscriber's demand straight through, so it never buffers: no frame is requested
 * that nobody asked for. Frames are opened (unsealed) on the way; a frame that fails to open
 * ends the stream with that error and {@code onFailure} closes the connection, and anything the
 * raw connection delivers afterwards is dropped.
 */
final class SecureInbound implements CoreSubscriber<Frame> {

    private final DuplexConnection raw;
    private Subscription upstream;
    private long pendingRequests;
    private MonoSink<Frame> waiting;
    private volatile boolean open;
    private UnaryOperator<Frame> opener = UnaryOperator.identity();
    private Consumer<Throwable> onFailure = e -> { };
    private Subscriber<? super Frame> downstream;
    private boolean attached;
    private boolean subscribed;
    private boolean terminated;
    private boolean delivered;
    private Throwable error;

    SecureInbound(DuplexConnection raw) {
        this.raw = raw;
    }

    void start() {
        raw.receive().subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        long pending;
        synchronized (this) {
            if (upstream != null) {
                s.cancel();
                return;
            }
            upstream = s;
            pending = pendingRequests;
            pendingRequests = 0;
        }
        if (pending > 0) {
            s.request(pending);
        }
    }

    private void request(long n) {
        Subscription s;
        synchronized (this) {
            s = upstream;
            if (s == null) {
                pendingRequests = Operators.addCap(pendingRequests, n);
                return;
            }
        }
        s.request(n);
    }

    /** The next handshake frame; fails with the close's error (mapped) if the connection ends first. */
    Mono<Frame> next() {
        return Mono.create(sink -> {
            Throwable end;
            synchronized (this) {
                end = terminated ? handshakeError(error) : null;
                if (end == null) {
                    waiting = sink;
                }
            }
            if (end != null) {
                sink.error(end);
            } else {
                request(1);
            }
        });
    }

    /** Ends the handshake: from now on frames go through {@code opener} to the subscriber. */
    void open(UnaryOperator<Frame> opener, Consumer<Throwable> onFailure) {
        this.opener = opener;
        this.onFailure = onFailure;
        this.open = true;
    }

    /** Attaches the secure connection's {@code receive()} subscriber; a second one is refused. */
    void attach(Subscriber<? super Frame> subscriber) {
        synchronized (this) {
            if (attached) {
                Operators.error(subscriber, new IllegalStateException("receive() allows only one subscriber"));
                return;
            }
            attached = true;
            // Set before onSubscribe: a synchronous transport may deliver inside request().
            downstream = subscriber;
        }
        subscriber.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {
                if (Operators.validate(n)) {
                    SecureInbound.this.request(n);
                }
            }

            @Override
            public void cancel() {
                Subscription s;
                synchronized (SecureInbound.this) {
                    s = terminated ? null : upstream;
                }
                if (s != null) {
                    s.cancel();
                } else {
                    raw.dispose();
                }
            }
        });
        synchronized (this) {
            subscribed = true;
        }
        deliverTerminal();
    }

    @Override
    public void onNext(Frame frame) {
        if (!open) {
            MonoSink<Frame> w;
            synchronized (this) {
                w = waiting;
                waiting = null;
            }
            if (w != null) {
                w.success(frame);
            }
            return;
        }
        Subscriber<? super Frame> d;
        synchronized (this) {
            if (terminated) {
                return;
            }
            d = downstream;
        }
        Frame out;
        try {
            out = opener.apply(frame);
        } catch (TamperedFrameException | IllegalArgumentException e) {
            fail(e);
            return;
        }
        if (d != null) {
            d.onNext(out);
        }
    }

    private void fail(RuntimeException e) {
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminated = true;
            error = e;
        }
        deliverTerminal();
        onFailure.accept(e);
    }

    @Override
    public void onError(Throwable t) {
        terminate(t instanceof RemoteTransportException r ? ErrorFrames.toLocal(r) : t);
    }

    @Override
    public void onComplete() {
        terminate(null);
    }

    private void terminate(Throwable t) {
        MonoSink<Frame> w;
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminated = true;
            error = t;
            w = waiting;
            waiting = null;
        }
        if (w != null) {
            w.error(handshakeError(t));
        }
        deliverTerminal();
    }

    private static Throwable handshakeError(Throwable t) {
        return t != null ? t : new ConnectionClosedException("the peer closed the connection during the secure handshake");
    }

    private void deliverTerminal() {
        Subscriber<? super Frame> d;
        Throwable t;
        synchronized (this) {
            if (!terminated || !subscribed || delivered) {
                return;
            }
            delivered = true;
            d = downstream;
            t = error;
        }
        if (t == null) {
            d.onComplete();
        } else {
            d.onError(t);
        }
    }
}
