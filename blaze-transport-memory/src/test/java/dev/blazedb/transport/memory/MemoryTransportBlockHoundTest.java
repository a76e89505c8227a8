package dev.blazedb.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.Frame;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The memory transport never blocks: driven entirely from {@link Schedulers#parallel()}, whose
 * threads BlockHound (installed by {@code blockhound-junit-platform}) watches.
 */
class MemoryTransportBlockHoundTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Two threads, so that two workers created in turn run on different threads. */
    private static final Scheduler RACERS = Schedulers.newParallel("racer", 2);

    @AfterAll
    static void disposeRacers() {
        RACERS.dispose();
    }

    @Test
    @DisplayName("BlockHound is installed: blocking on a parallel thread fails")
    void blockHoundIsWatching() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.parallel()))
                .expectError(BlockingOperationError.class)
                .verify(TIMEOUT);
    }

    @Test
    @DisplayName("bind, connect, echo 10,000 frames, dispose: all on parallel threads, nothing blocks")
    void everythingOnParallelThreads() {
        String name = "blockhound-" + NAMES.incrementAndGet();
        int count = 10_000;

        Mono<Integer> roundTrip = MemoryServerTransport.create(name)
                .bind(connection -> connection.send(connection.receive().publishOn(Schedulers.parallel())))
                .flatMap(server -> MemoryClientTransport.create(name).connect()
                        .flatMap(client -> Mono.zip(
                                        client.receive()
                                                .publishOn(Schedulers.parallel())
                                                .map(frame -> frame.payload().getInt())
                                                .take(count)
                                                .reduce(0, (expected, actual) -> {
                                                    assertThat(actual).isEqualTo(expected);
                                                    return expected + 1;
                                                }),
                                        client.send(Flux.range(0, count)
                                                        .map(MemoryDuplexConnectionTest::numbered)
                                                        .subscribeOn(Schedulers.parallel()))
                                                .onErrorResume(error -> Mono.empty())
                                                .then(Mono.just(true)))
                                .map(both -> both.getT1())
                                .doFinally(signal -> client.dispose()))
                        .doFinally(signal -> server.dispose()))
                .subscribeOn(Schedulers.parallel());

        StepVerifier.create(roundTrip).expectNext(count).expectComplete().verify(TIMEOUT);
    }

    @Test
    @DisplayName("send, cancel and dispose racing on parallel threads always terminate everything, without blocking")
    void sendCancelAndDisposeRace() {
        String name = "race-" + NAMES.incrementAndGet();
        BoundServer server = MemoryServerTransport.create(name)
                .bindNow(connection -> connection.send(connection.receive()));
        try {
            for (int round = 0; round < 300; round++) {
                DuplexConnection client = MemoryClientTransport.create(name).connect().block(TIMEOUT);
                StepVerifier received = StepVerifier.create(client.receive().publishOn(Schedulers.parallel(), 4))
                        .thenConsumeWhile(frame -> true)
                        .expectComplete()
                        .verifyLater();
                StepVerifier sent = StepVerifier.create(client.send(Flux.range(0, 1_000).map(MemoryDuplexConnectionTest::numbered))
                                .onErrorResume(ConnectionClosedException.class, error -> Mono.empty()))
                        .expectComplete()
                        .verifyLater();
                // Its cancel races with the close's error: resume, so a late error is not logged as dropped.
                Disposable endless = client.send(Flux.just(Frame.empty(2)).repeat())
                        .onErrorResume(error -> Mono.empty())
                        .subscribe();
                raceOnParallelThreads(client::dispose, () -> {
                    endless.dispose();
                    client.send(Mono.just(Frame.empty(3))).subscribe(null, error -> { });
                    client.dispose();
                });
                received.verify(TIMEOUT);
                sent.verify(TIMEOUT);
                StepVerifier.create(client.onClose()).expectComplete().verify(TIMEOUT);
            }
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }

    /**
     * Runs two actions at once on two threads of a parallel scheduler (non-blocking threads, which
     * BlockHound watches). Unlike RaceTestUtils, whose barrier calls Thread.yield (which BlockHound
     * rejects there), the barrier here is a bounded empty spin on a volatile read.
     */
    private static void raceOnParallelThreads(Runnable first, Runnable second) {
        AtomicInteger ready = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        for (Runnable action : new Runnable[] {first, second}) {
            Scheduler.Worker worker = RACERS.createWorker();
            worker.schedule(() -> {
                ready.incrementAndGet();
                for (int spins = 0; ready.get() < 2 && spins < 10_000_000; spins++) {
                    // Thread.yield and Thread.onSpinWait both count as blocking for BlockHound.
                }
                try {
                    action.run();
                } finally {
                    done.countDown();
                    worker.dispose();
                }
            });
        }
        try {
            assertThat(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("both racers finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
