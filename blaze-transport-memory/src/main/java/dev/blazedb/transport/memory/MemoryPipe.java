package dev.blazedb.transport.memory;

import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.Frame;
import dev.blazedb.transport.FrameTooLargeException;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * One direction of a memory link: the senders of one end, serialized, and the receiver of the
 * other end.
 *
 * <p>All state changes go through one work-in-progress counter ({@link #drain()}): whichever
 * thread signals (a sender's {@code onNext}, the receiver's {@code request}, a cancel, a close)
 * either does the work itself or, if another thread is already at it, leaves it to that thread.
 * Nothing is handed to another thread and nothing blocks. The receiver's demand is passed
 * straight to the active sender's subscription, so a sender is never asked for more than the
 * receiver asked for; the only buffer is each sender's small queue, which holds frames emitted
 * while another thread is delivering (or re-entrantly, from within {@code request}), never more
 * than was requested.
 */
final class MemoryPipe {

    private static final AtomicIntegerFieldUpdater<MemoryPipe> WIP =
            AtomicIntegerFieldUpdater.newUpdater(MemoryPipe.class, "wip");
    private static final AtomicLongFieldUpdater<MemoryPipe> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(MemoryPipe.class, "requested");
    private static final AtomicIntegerFieldUpdater<MemoryPipe> RECEIVER_CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryPipe.class, "receiverClaimed");

    private final MemoryLink link;
    /** The side whose inbound this pipe is. */
    private final int readerSide;

    /** Senders waiting for their turn, in subscription order. */
    private final Queue<Sender> pending = Queues.<Sender>unboundedMultiproducer().get();

    private volatile int wip;
    /** Demand the receiver signalled that the drain has not yet taken into {@link #demand}. */
    private volatile long requested;
    private volatile int receiverClaimed;
    private volatile CoreSubscriber<? super Frame> receiver;
    private volatile boolean receiverCancelled;

    /** Set before {@link #closed}: what the receiver terminates with (null: complete). */
    private Throwable receiverTerminal;
    /** Set before {@link #closed}: the failure that closed the link, if any. */
    private Throwable closeCause;
    private volatile boolean closed;

    // Owned by whichever thread holds the work-in-progress counter.
    private Sender active;
    private long demand;
    private boolean closeHandled;
    private boolean receiverTerminated;

    MemoryPipe(MemoryLink link, int readerSide) {
        this.link = link;
        this.readerSide = readerSide;
    }

    // ---------------------------------------------------------------- receiver side

    void subscribeReceiver(CoreSubscriber<? super Frame> actual) {
        if (!RECEIVER_CLAIMED.compareAndSet(this, 0, 1)) {
            Operators.error(actual, new IllegalStateException(
                    "DuplexConnection.receive() allows only one subscriber, and it already has one"));
            return;
        }
        actual.onSubscribe(new ReceiverSubscription());
        receiver = actual;
        drain();
    }

    private final class ReceiverSubscription implements Subscription {
        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, MemoryPipe.this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            receiverCancelled = true;
            // Cancelling receive() closes the connection, cleanly, as dispose() does.
            link.close(readerSide, null);
            drain();
        }
    }

    // ---------------------------------------------------------------- sender side

    void subscribeSender(Publisher<Frame> frames, CoreSubscriber<? super Void> actual) {
        if (closed) {
            Operators.error(actual, closedException());
            return;
        }
        Sender sender = new Sender(actual);
        actual.onSubscribe(sender);
        try {
            frames.subscribe(sender);
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            sender.onError(Operators.onOperatorError(t, actual.currentContext()));
        }
        pending.offer(sender);
        drain();
    }

    /** A sender's frame: delivered at once when possible, else queued for the drain loop. */
    void onSenderNext(Sender sender, Frame frame) {
        if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            if (active == sender && demand > 0 && !closed && receiver != null && sender.queue.isEmpty()) {
                deliver(sender, frame);
                if (WIP.decrementAndGet(this) == 0) {
                    return;
                }
            } else {
                sender.queue.offer(frame);
            }
        } else {
            sender.queue.offer(frame);
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
        }
        drainLoop();
    }

    // ---------------------------------------------------------------- close

    void close(Throwable receiverTerminal, Throwable cause) {
        this.receiverTerminal = receiverTerminal;
        this.closeCause = cause;
        this.closed = true;
        drain();
    }

    private ConnectionClosedException closedException() {
        Throwable cause = closeCause;
        return cause == null
                ? new ConnectionClosedException("the connection is closed")
                : new ConnectionClosedException("the connection closed because of a failure: " + cause, cause);
    }

    // ---------------------------------------------------------------- the drain

    private void drain() {
        if (WIP.getAndIncrement(this) == 0) {
            drainLoop();
        }
    }

    private void drainLoop() {
        int missed = 1;
        for (;;) {
            if (!closeHandled) {
                if (closed) {
                    handleClose();
                } else {
                    long r = REQUESTED.getAndSet(this, 0L);
                    if (r != 0L) {
                        demand = Operators.addCap(demand, r);
                    }
                    pumpSenders();
                }
            }
            if (closeHandled) {
                failPending();
                terminateReceiver();
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** Moves frames from the active sender to the receiver and demand the other way. */
    private void pumpSenders() {
        for (;;) {
            if (closed) {
                return; // the next loop turn handles it
            }
            Sender a = active;
            if (a == null) {
                a = pending.poll();
                if (a == null) {
                    return;
                }
                active = a;
                if (!a.queue.isEmpty()) {
                    // Frames before any request: the publisher ignores backpressure.
                    failActive(a, Exceptions.failWithOverflow("the send() publisher emitted frames before they were requested"));
                    return;
                }
            }
            if (a.cancelled) {
                a.queue.clear();
                active = null;
                continue;
            }
            // Read done before draining, so every frame emitted before it is seen.
            boolean done = a.done;
            Queue<Frame> queue = a.queue;
            CoreSubscriber<? super Frame> r = receiver;
            if (r != null) {
                while (demand > 0) {
                    Frame frame = queue.poll();
                    if (frame == null) {
                        break;
                    }
                    deliver(a, frame);
                    if (closed || a.cancelled) {
                        break; // the receiver reacted; re-evaluate from the top
                    }
                }
                if (closed || a.cancelled) {
                    continue;
                }
            }
            if (done && queue.isEmpty()) {
                active = null;
                Throwable error = a.error;
                if (error != null) {
                    // The sender learns first, so that whoever waits on it is not yet
                    // cancelled by the close and does not drop the error.
                    a.actual.onError(error);
                    link.close(1 - readerSide, error);
                    return;
                }
                a.actual.onComplete();
                continue; // the remaining demand goes to the next sender
            }
            if (demand == 0 && !queue.isEmpty()) {
                failActive(a, Exceptions.failWithOverflow("the send() publisher emitted more frames than were requested"));
                return;
            }
            Subscription s = a.upstream;
            if (!done && s != null && a.forwarded != Long.MAX_VALUE) {
                long gap = demand == Long.MAX_VALUE ? Long.MAX_VALUE : demand - a.forwarded;
                if (gap > 0) {
                    a.forwarded = gap == Long.MAX_VALUE ? Long.MAX_VALUE : demand;
                    s.request(gap);
                    continue; // frames it emitted re-entrantly are queued: deliver them
                }
            }
            return;
        }
    }

    private void deliver(Sender sender, Frame frame) {
        if (demand != Long.MAX_VALUE) {
            demand--;
        }
        if (sender.forwarded != Long.MAX_VALUE) {
            sender.forwarded--;
        }
        try {
            receiver.onNext(frame);
        } catch (Throwable t) {
            // A subscriber must not throw; if it does, the receiving side has failed.
            Exceptions.throwIfJvmFatal(t);
            link.close(readerSide, t);
        }
    }

    private void failActive(Sender a, Throwable error) {
        active = null;
        a.cancelUpstream();
        a.queue.clear();
        if (!a.cancelled) {
            a.actual.onError(error);
        }
        link.close(1 - readerSide, error);
    }

    private void handleClose() {
        closeHandled = true;
        Sender a = active;
        active = null;
        if (a != null) {
            abort(a);
        }
    }

    private void failPending() {
        Sender a;
        while ((a = pending.poll()) != null) {
            abort(a);
        }
    }

    private void abort(Sender a) {
        a.cancelUpstream();
        a.queue.clear();
        if (!a.cancelled) {
            a.actual.onError(closedException());
        }
    }

    private void terminateReceiver() {
        CoreSubscriber<? super Frame> r = receiver;
        if (r == null || receiverTerminated) {
            return;
        }
        receiverTerminated = true;
        if (receiverCancelled) {
            return;
        }
        Throwable terminal = receiverTerminal;
        if (terminal == null) {
            r.onComplete();
        } else {
            r.onError(terminal);
        }
    }

    // ---------------------------------------------------------------- one send()

    /** The subscriber of one send()'s publisher, and the subscription of its Mono. */
    final class Sender implements CoreSubscriber<Frame>, Subscription {

        final CoreSubscriber<? super Void> actual;
        /** Single producer (the publisher), single consumer (the drain). */
        final Queue<Frame> queue = Queues.<Frame>unbounded(Queues.XS_BUFFER_SIZE).get();

        volatile Subscription upstream;
        /** Written before {@link #done}. */
        Throwable error;
        volatile boolean done;
        volatile boolean cancelled;
        /** Demand requested from the publisher and not yet delivered; owned by the drain. */
        long forwarded;

        Sender(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.setOnce(UPSTREAM, this, s)) {
                drain();
            }
        }

        @Override
        public void onNext(Frame frame) {
            if (done) {
                Operators.onDiscard(frame, actual.currentContext());
                return;
            }
            if (frame.length() > link.maxFrameLength) {
                fail(new FrameTooLargeException(frame.length(), link.maxFrameLength));
                return;
            }
            if (frame.isReserved()) {
                fail(new IllegalArgumentException("frame type 0x" + Integer.toHexString(frame.type())
                        + " is reserved for transports (0x" + Integer.toHexString(Frame.FIRST_RESERVED_TYPE)
                        + "..0xff): " + frame));
                return;
            }
            onSenderNext(this, frame);
        }

        @Override
        public void onError(Throwable t) {
            if (done) {
                Operators.onErrorDropped(t, actual.currentContext());
                return;
            }
            error = t;
            done = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            drain();
        }

        private void fail(Throwable t) {
            cancelUpstream();
            onError(t);
        }

        void cancelUpstream() {
            Operators.terminate(UPSTREAM, this);
        }

        @Override
        public void request(long n) {
            // Mono<Void>: nothing to request.
        }

        @Override
        public void cancel() {
            cancelled = true;
            cancelUpstream();
            drain();
        }
    }

    private static final AtomicReferenceFieldUpdater<Sender, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(Sender.class, Subscription.class, "upstream");
}
