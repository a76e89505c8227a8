package dev.blazedb.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecordIndexTest {

    @Test
    void behavesLikeAMapUnderRandomPutsAndGrowth() {
        RecordIndex index = new RecordIndex(0);
        Map<UUID, Long> model = new HashMap<>();
        Random rnd = new Random(7);
        UUID[] keys = new UUID[5000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i == 0 ? new UUID(0, 0) : i == 1 ? new UUID(0, 5) : new UUID(rnd.nextLong(), rnd.nextLong());
        }
        for (int op = 0; op < 50_000; op++) {
            UUID k = keys[rnd.nextInt(keys.length)];
            long v = RecordIndex.value(256 + rnd.nextInt(1 << 30), rnd.nextBoolean());
            Long prev = model.put(k, v);
            assertThat(index.put(k.getMostSignificantBits(), k.getLeastSignificantBits(), v)).isEqualTo(prev == null ? 0 : prev);
        }
        for (UUID k : keys) {
            assertThat(index.get(k)).isEqualTo(model.getOrDefault(k, 0L));
        }
        assertThat(index.get(UUID.randomUUID())).isZero();
        assertThat(index.size()).isEqualTo(model.size());
        Map<UUID, Long> seen = new HashMap<>();
        index.forEach((msb, lsb, v) -> seen.put(new UUID(msb, lsb), v));
        assertThat(seen).isEqualTo(model);
    }

    @Test
    void valuesEncodePositionAndTombstone() {
        long v = RecordIndex.value(123_456_789_012L, true);
        assertThat(RecordIndex.isTombstone(v)).isTrue();
        assertThat(RecordIndex.address(v)).isEqualTo(123_456_789_012L);
        assertThat(RecordIndex.isTombstone(RecordIndex.value(300, false))).isFalse();
    }

    @Test
    void readersNeverMissAPublishedKeyWhileTheWriterInsertsUpdatesAndGrows() throws InterruptedException {
        RecordIndex index = new RecordIndex(0);
        int n = 300_000;
        long[] msb = new long[n];
        long[] lsb = new long[n];
        Random rnd = new Random(3);
        for (int i = 0; i < n; i++) {
            msb[i] = rnd.nextLong() | 1;
            lsb[i] = rnd.nextLong();
        }
        // published[i] is set after key i is in the index; its value only ever grows.
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = new Thread(() -> {
                Random r = new Random();
                while (!done.get() && failure.get() == null) {
                    int upto = published.get();
                    if (upto == 0) {
                        continue;
                    }
                    int i = r.nextInt(upto);
                    long v = index.get(msb[i], lsb[i]);
                    if (v == 0 || RecordIndex.address(v) < 256 + (long) i) {
                        failure.compareAndSet(null, "key " + i + " of " + upto + " read " + v);
                    }
                }
            });
            readers[t].start();
        }
        for (int i = 0; i < n; i++) {
            index.put(msb[i], lsb[i], RecordIndex.value(256 + (long) i, false));
            published.set(i + 1);
            if (i % 3 == 0 && i > 0) {
                int k = rnd.nextInt(i);
                index.put(msb[k], lsb[k], RecordIndex.value(256 + (long) k + 1_000_000, rnd.nextBoolean()));
            }
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(index.size()).isEqualTo(n);
    }
}
