package dev.blazedb;

import static dev.blazedb.TestSupport.engine;
import static dev.blazedb.TestSupport.open;
import static dev.blazedb.TestSupport.options;
import static dev.blazedb.TestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** {@link BlazeDBClient#changes()} and {@link BlazeDBClient#changes(long)}. */
class ChangeFeedTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void changesDeliversInsertsUpdatesAndDeletesLiveInOrder() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("feed")) {
            UUID id = UUID.randomUUID();
            StepVerifier.create(db.changes())
                    .then(() -> {
                        db.insert(record("a", 1).with("id", BlazeValue.uuid(id)));
                        db.update(id, record("b", 2));
                        db.delete(id);
                        db.collection("other").insert(record("c", 3));
                    })
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(1);
                        assertThat(e.type()).isEqualTo(ChangeType.INSERT);
                        assertThat(e.recordId()).isEqualTo(id);
                        assertThat(e.collection()).isEqualTo("default");
                        assertThat(e.record().orElseThrow().string("title")).contains("a");
                        assertThat(e.origin()).isEqualTo(db.nodeId());
                        assertThat(e.originSequence()).isEqualTo(1);
                        assertThat(e.isRemote()).isFalse();
                        assertThat(e.timestamp()).isPositive();
                    })
                    .assertNext(e -> {
                        assertThat(e.type()).isEqualTo(ChangeType.UPDATE);
                        assertThat(e.record().orElseThrow().string("title")).contains("b");
                    })
                    .assertNext(e -> {
                        assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                        assertThat(e.record()).isEmpty();
                    })
                    .assertNext(e -> assertThat(e.collection()).isEqualTo("other"))
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void changesIsLiveFromTheMomentOfSubscription() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("live")) {
            db.insert(record("before", 0));
            StepVerifier.create(db.changes())
                    .then(() -> db.insert(record("after", 1)))
                    .assertNext(e -> assertThat(e.sequence()).isEqualTo(2))
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void changesAfterASequenceReplaysFromTheLogThenContinuesLive() {
        Path file = dir.resolve("replay.blazedb");
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 10; i++) {
                db.insert(record("r", i));
            }
        }
        try (BlazeDBClient db = open(file)) {
            StepVerifier.create(db.changes(4).map(ChangeEvent::sequence))
                    .expectNext(5L, 6L, 7L, 8L, 9L, 10L)
                    .then(() -> db.insert(record("live", 11)))
                    .expectNext(11L)
                    .thenCancel()
                    .verify(TIMEOUT);
            StepVerifier.create(db.changes(0).take(3).map(e -> e.record().orElseThrow().integer("n").orElseThrow()))
                    .expectNext(0L, 1L, 2L)
                    .verifyComplete();
        }
    }

    @Test
    void changesAfterAConcurrentlyWrittenSequenceIsGapFreeAndDuplicateFree() throws Exception {
        int writers = 4;
        int perWriter = 5_000;
        long total = (long) writers * perWriter;
        Path file = dir.resolve("concurrent.blazedb");
        try (BlazeDBClient db = open(file, options().changeBufferSize(64).build())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perWriter; i++) {
                            if (i % 10 == 0) {
                                db.insertMany(List.of(record("w" + writer, i), record("w" + writer, i + 1)));
                                i++;
                            } else {
                                db.insert(record("w" + writer, i));
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            start.countDown();
            // Join while writers run: from wherever they have got to.
            while (db.lastSequence() < total / 3) {
                Thread.onSpinWait();
            }
            long k = db.lastSequence() / 2;
            List<Long> seen = new CopyOnWriteArrayList<>();
            List<Long> seenFromZero = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(2);
            var sub = db.changes(k).subscribe(e -> {
                seen.add(e.sequence());
                if (e.sequence() == total) {
                    done.countDown();
                }
            });
            var fromZero = db.changes(0).subscribe(e -> {
                seenFromZero.add(e.sequence());
                if (e.sequence() == total) {
                    done.countDown();
                }
            });
            for (Thread t : threads) {
                t.join(TIMEOUT.toMillis());
            }
            assertThat(failure.get()).isNull();
            assertThat(db.lastSequence()).isEqualTo(total);
            assertThat(done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            sub.dispose();
            fromZero.dispose();
            List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= total; s++) {
                expected.add(s);
            }
            assertThat(seenFromZero).containsExactlyElementsOf(expected);
            assertThat(seen).containsExactlyElementsOf(expected.subList((int) k, (int) total));
        }
    }

    @Test
    void aSlowSubscriberGetsEverythingWithBoundedMemory() throws Exception {
        Path file = dir.resolve("slow.blazedb");
        int n = 60_000;
        byte[] payload = new byte[1000];
        try (BlazeDBClient db = open(file, options().changeBufferSize(16).build())) {
            AtomicLong received = new AtomicLong();
            AtomicLong lastSeq = new AtomicLong();
            AtomicReference<Subscription> subscription = new AtomicReference<>();
            AtomicReference<String> order = new AtomicReference<>();
            db.changes(0).subscribe(new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription s) {
                    subscription.set(s);
                    s.request(1);
                }

                @Override
                protected void hookOnNext(ChangeEvent e) {
                    if (e.sequence() != lastSeq.get() + 1) {
                        order.compareAndSet(null, "got " + e.sequence() + " after " + lastSeq.get());
                    }
                    lastSeq.set(e.sequence());
                    received.incrementAndGet();
                }
            });
            long heapBefore = usedHeapAfterGc();
            for (int i = 0; i < n; i++) {
                db.insert(BlazeDataRecord.builder().put("blob", BlazeValue.data(payload)).put("n", i).build());
            }
            long heapAfter = usedHeapAfterGc();
            // 60 MB of records were written; a subscriber that buffered them would hold them all.
            assertThat(heapAfter - heapBefore).isLessThan(40L << 20);
            assertThat(received.get()).isEqualTo(1);
            // Now drain one at a time, from another thread, as a slow consumer would.
            Thread consumer = new Thread(() -> {
                while (received.get() < n) {
                    long r = received.get();
                    subscription.get().request(1);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (received.get() == r && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    if (received.get() == r) {
                        return;
                    }
                }
            });
            consumer.start();
            consumer.join(120_000);
            assertThat(order.get()).isNull();
            assertThat(received.get()).isEqualTo(n);
            assertThat(lastSeq.get()).isEqualTo(n);
            subscription.get().cancel();
            assertThat(engine(db).feed().subscriberCount()).isZero();
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void catchUpFromDiskOnAParallelThreadPassesBlockHound() {
        Path file = dir.resolve("parallel.blazedb");
        try (BlazeDBClient db = open(file)) {
            for (int i = 0; i < 3000; i++) {
                db.insert(record("r", i));
            }
        }
        try (BlazeDBClient db = open(file, options().changeBufferSize(16).build())) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            StepVerifier.create(db.changes(0)
                            .subscribeOn(Schedulers.parallel())
                            .doOnNext(e -> threads.add(Thread.currentThread().getName()))
                            .publishOn(Schedulers.parallel(), 8)
                            .map(ChangeEvent::sequence)
                            .take(3000))
                    .expectNextCount(3000)
                    .verifyComplete();
            assertThat(threads).allMatch(t -> t.startsWith("boundedElastic") || t.startsWith("parallel"));
        }
    }

    @Test
    void blockHoundIsWatchingFileReadsOnNonBlockingThreads() {
        Path file = dir.resolve("watched.blazedb");
        try (BlazeDBClient db = open(file)) {
            UUID id = db.insert(record("r", 1));
            db.sync();
            // A blocking fetch on a parallel thread must be caught: proves the BlockHound setup is live.
            StepVerifier.create(Mono.fromCallable(() -> db.fetch(id)).subscribeOn(Schedulers.parallel()))
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                    .verify(TIMEOUT);
        }
    }

    @Test
    void aSubscriberThatWritesFromOnNextDoesNotDeadlock() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("reentrant")) {
            AtomicInteger echoes = new AtomicInteger();
            var sub = db.changes().filter(e -> e.collection().equals("default")).subscribe(e -> {
                db.collection("echo").insert(record("echo of " + e.sequence(), e.sequence()));
                echoes.incrementAndGet();
            });
            for (int i = 0; i < 100; i++) {
                db.insert(record("r", i));
            }
            sub.dispose();
            assertThat(echoes.get()).isEqualTo(100);
            assertThat(db.collection("echo").count()).isEqualTo(100);
        }
    }

    @Test
    void liveEventsAreDeliveredOnTheCommittingThread() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("sync-delivery")) {
            AtomicReference<Thread> deliveredOn = new AtomicReference<>();
            var sub = db.changes().subscribe(e -> deliveredOn.set(Thread.currentThread()));
            db.insert(record("r", 1));
            assertThat(deliveredOn.get()).isSameAs(Thread.currentThread());
            sub.dispose();
        }
    }

    @Test
    void closeCompletesEveryChangeStreamAndCancelReleasesTheSubscription() {
        BlazeDBClient db = BlazeDBClient.inMemory("close");
        StepVerifier.create(db.changes(0))
                .then(() -> db.insert(record("r", 1)))
                .expectNextCount(1)
                .then(() -> {
                    var other = db.changes().subscribe();
                    assertThat(engine(db).feed().subscriberCount()).isEqualTo(2);
                    other.dispose();
                    assertThat(engine(db).feed().subscriberCount()).isEqualTo(1);
                })
                .then(db::close)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(engine(db).feed().subscriberCount()).isZero();
        StepVerifier.create(db.changes()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aNonPositiveRequestSignalsAnError() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("bad-request")) {
            db.insert(record("r", 1));
            AtomicReference<Throwable> error = new AtomicReference<>();
            db.changes(0).subscribe(new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription s) {
                    s.request(0);
                }

                @Override
                protected void hookOnError(Throwable t) {
                    error.set(t);
                }
            });
            assertThat(error.get()).isInstanceOf(IllegalArgumentException.class);
            assertThat(engine(db).feed().subscriberCount()).isZero();
            assertThatThrownBy(() -> db.changes(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void collectionScopedChangesSeeOnlyTheirCollection() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("scoped")) {
            StepVerifier.create(db.collection("a").changes(0).map(ChangeEvent::collection))
                    .then(() -> {
                        db.collection("b").insert(record("b", 1));
                        db.collection("a").insert(record("a", 2));
                    })
                    .expectNext("a")
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void changesZeroAfterCompactionReplaysWhatIsStillInTheLogIncludingTombstones() {
        Path file = dir.resolve("compacted-feed.blazedb");
        UUID a;
        UUID b;
        try (BlazeDBClient db = open(file)) {
            a = db.insert(record("a", 1));
            b = db.insert(record("b", 2));
            db.update(a, record("a2", 3));
            db.delete(b);
            // A subscriber that is live across a compaction misses nothing.
            StepVerifier.create(db.changes(0).map(ChangeEvent::sequence))
                    .expectNext(1L, 2L, 3L, 4L)
                    .then(db::compact)
                    .then(() -> db.insert(record("c", 4)))
                    .expectNext(5L)
                    .thenCancel()
                    .verify(TIMEOUT);
        }
        try (BlazeDBClient db = open(file)) {
            StepVerifier.create(db.changes(0))
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(3);
                        assertThat(e.recordId()).isEqualTo(a);
                        assertThat(e.type()).isEqualTo(ChangeType.UPDATE);
                    })
                    .assertNext(e -> {
                        assertThat(e.sequence()).isEqualTo(4);
                        assertThat(e.recordId()).isEqualTo(b);
                        assertThat(e.type()).isEqualTo(ChangeType.DELETE);
                    })
                    .assertNext(e -> assertThat(e.sequence()).isEqualTo(5))
                    .then(() -> db.insert(record("d", 6)))
                    .assertNext(e -> assertThat(e.sequence()).isEqualTo(6))
                    .thenCancel()
                    .verify(TIMEOUT);
        }
    }
}
