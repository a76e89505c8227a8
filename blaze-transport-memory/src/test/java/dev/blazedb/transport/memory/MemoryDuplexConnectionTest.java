package dev.blazedb.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** What the memory transport promises beyond the contract: by reference, straight demand, no hop. */
class MemoryDuplexConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final BlockingQueue<DuplexConnection> accepted = new LinkedBlockingQueue<>();
    private BoundServer server;
    private DuplexConnection client;
    private DuplexConnection serverEnd;
    private Scheduler senderThread;

    @BeforeEach
    void connect() throws InterruptedException {
        String name = "unit-" + NAMES.incrementAndGet();
        server = MemoryServerTransport.create(name).bindNow(connection -> {
            accepted.add(connection);
            return Mono.empty();
        });
        client = MemoryClientTransport.create(name).connect().block(TIMEOUT);
        serverEnd = accepted.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        senderThread = Schedulers.newSingle("frame-sender");
    }

    @AfterEach
    void close() {
        server.disposeNow(TIMEOUT);
        senderThread.dispose();
    }

    @Test
    @DisplayName("the receiver gets the very frame instance the sender emitted")
    void framesAreDeliveredByReference() {
        Frame sent = Frame.wrap(3, new byte[] {1, 2, 3});

        StepVerifier.create(serverEnd.receive())
                .then(() -> client.send(Mono.just(sent)).subscribe(null, error -> { }))
                .assertNext(received -> assertThat(received).isSameAs(sent))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a frame is delivered on the thread that emitted it, and demand reaches the sender on the thread that requested")
    void noThreadHop() {
        TestPublisher<Frame> publisher = TestPublisher.create();
        AtomicReference<String> requestThread = new AtomicReference<>();
        AtomicReference<String> deliveryThread = new AtomicReference<>();
        AtomicReference<String> emittingThread = new AtomicReference<>();
        client.send(publisher.flux().doOnRequest(n -> requestThread.set(Thread.currentThread().getName())))
                .subscribe(null, error -> { });

        StepVerifier.create(serverEnd.receive().doOnNext(frame -> deliveryThread.set(Thread.currentThread().getName())), 0)
                .expectSubscription()
                .then(() -> assertThat(requestThread.get()).as("no request before demand").isNull())
                .thenRequest(1)
                .then(() -> assertThat(requestThread.get()).isEqualTo(Thread.currentThread().getName()))
                .then(() -> senderThread.schedule(() -> {
                    emittingThread.set(Thread.currentThread().getName());
                    publisher.next(Frame.empty(1));
                }))
                .expectNextCount(1)
                .thenCancel()
                .verify(TIMEOUT);

        assertThat(deliveryThread.get()).startsWith("frame-sender").isEqualTo(emittingThread.get());
    }

    @Test
    @DisplayName("the sender is asked for exactly what the receiver requests, nothing before")
    void demandPassesStraightThrough() {
        TestPublisher<Frame> publisher = TestPublisher.create();
        client.send(publisher).subscribe(null, error -> { });

        StepVerifier.create(serverEnd.receive(), 0)
                .expectSubscription()
                .then(() -> publisher.assertMaxRequested(0))
                .thenRequest(3)
                .then(() -> publisher.assertMinRequested(3).assertMaxRequested(3))
                .then(() -> publisher.next(Frame.empty(1), Frame.empty(2)))
                .expectNextCount(2)
                .then(() -> publisher.assertMinRequested(1).assertMaxRequested(1))
                .then(() -> publisher.next(Frame.empty(3)))
                .expectNextCount(1)
                .then(() -> publisher.assertMaxRequested(0))
                .thenRequest(Long.MAX_VALUE)
                .then(() -> publisher.assertMinRequested(Long.MAX_VALUE))
                .thenCancel()
                .verify(TIMEOUT);

        publisher.assertCancelled();
    }

    @Test
    @DisplayName("demand left over by a completed send goes to the next one")
    void leftoverDemandMovesToTheNextSend() {
        TestPublisher<Frame> first = TestPublisher.create();
        TestPublisher<Frame> second = TestPublisher.create();
        client.send(first).subscribe(null, error -> { });
        client.send(second).subscribe(null, error -> { });

        StepVerifier.create(serverEnd.receive(), 5)
                .then(() -> first.assertMaxRequested(5))
                .then(() -> second.assertMaxRequested(0))
                .then(() -> first.next(Frame.empty(1), Frame.empty(2)).complete())
                .expectNextCount(2)
                .then(() -> second.assertMinRequested(3).assertMaxRequested(3))
                .then(() -> second.next(Frame.empty(3)))
                .expectNextCount(1)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a publisher that ignores backpressure fails its send with an overflow and closes the connection")
    void aPublisherIgnoringBackpressureFails() {
        TestPublisher<Frame> rogue = TestPublisher.createNoncompliant(TestPublisher.Violation.REQUEST_OVERFLOW);
        StepVerifier sending = StepVerifier.create(client.send(rogue))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("more frames than were requested"))
                .verifyLater();

        StepVerifier.create(serverEnd.receive(), 1)
                .then(() -> rogue.next(Frame.empty(1), Frame.empty(2)))
                .expectNextCount(1)
                .expectError()
                .verify(TIMEOUT);
        sending.verify(TIMEOUT);
        assertThat(client.isDisposed()).isTrue();
    }

    @Test
    @DisplayName("a connection's frame limit is the smaller of the client's and the server's")
    void theSmallerLimitApplies() {
        String name = "limits-" + NAMES.incrementAndGet();
        BoundServer small = MemoryServerTransport.create(name).maxFrameLength(1000).bindNow(connection -> Mono.empty());
        try {
            assertThat(MemoryClientTransport.create(name).connect().block(TIMEOUT).maxFrameLength()).isEqualTo(1000);
            assertThat(MemoryClientTransport.create(name).maxFrameLength(10).connect().block(TIMEOUT).maxFrameLength())
                    .isEqualTo(10);
        } finally {
            small.disposeNow(TIMEOUT);
        }
    }

    @Test
    @DisplayName("senders on many threads are serialized: each send arrives whole and in order")
    void sendsFromManyThreadsAreSerialized() {
        int senders = 8;
        int perSender = 2_000;
        List<Mono<Void>> sends = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int base = s * perSender;
            sends.add(client.send(Flux.range(base, perSender).map(MemoryDuplexConnectionTest::numbered))
                    .subscribeOn(Schedulers.parallel()));
        }
        StepVerifier received = StepVerifier.create(serverEnd.receive()
                        .publishOn(Schedulers.boundedElastic(), 32)
                        .map(frame -> frame.payload().getInt())
                        .take(senders * perSender)
                        .collectList())
                .assertNext(numbers -> {
                    assertThat(numbers).hasSize(senders * perSender);
                    for (int i = 0; i < numbers.size(); i += perSender) {
                        int base = numbers.get(i);
                        assertThat(base % perSender).as("a send starts at a boundary").isZero();
                        for (int j = 0; j < perSender; j++) {
                            assertThat(numbers.get(i + j)).isEqualTo(base + j);
                        }
                    }
                })
                .expectComplete()
                .verifyLater();

        StepVerifier.create(Flux.merge(sends)).expectComplete().verify(TIMEOUT);
        received.verify(TIMEOUT);
    }

    @Test
    @DisplayName("100,000 frames cross with the sender and the requester on different threads")
    void framesCrossThreads() {
        int count = 100_000;
        StepVerifier received = StepVerifier.create(serverEnd.receive()
                        .publishOn(Schedulers.parallel(), 16)
                        .map(frame -> frame.payload().getInt())
                        .reduce(0, (expected, actual) -> {
                            assertThat(actual).isEqualTo(expected);
                            return expected + 1;
                        }))
                .expectNext(count)
                .expectComplete()
                .verifyLater();

        StepVerifier.create(client.send(Flux.range(0, count).map(MemoryDuplexConnectionTest::numbered)
                        .subscribeOn(senderThread))
                        .then(Mono.fromRunnable(client::dispose)))
                .expectComplete()
                .verify(TIMEOUT);
        received.verify(TIMEOUT);
    }

    static Frame numbered(int number) {
        return Frame.wrap(1, new byte[] {(byte) (number >>> 24), (byte) (number >>> 16), (byte) (number >>> 8), (byte) number});
    }
}
