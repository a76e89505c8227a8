package dev.blazedb.internal.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    @Test
    void timestampsFollowPhysicalTimeAndNeverGoBackwards() {
        AtomicLong millis = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(millis::get);
        long a = clock.now();
        assertThat(HybridLogicalClock.physical(a)).isEqualTo(1_000);
        assertThat(HybridLogicalClock.logical(a)).isZero();
        long b = clock.now();
        assertThat(b).isGreaterThan(a);
        assertThat(HybridLogicalClock.logical(b)).isEqualTo(1);
        millis.set(500); // the wall clock jumps back
        long c = clock.now();
        assertThat(c).isGreaterThan(b);
        millis.set(2_000);
        long d = clock.now();
        assertThat(HybridLogicalClock.physical(d)).isEqualTo(2_000);
        assertThat(HybridLogicalClock.logical(d)).isZero();
    }

    @Test
    void receivingARemoteTimestampFromTheFutureMovesTheClockPastIt() {
        AtomicLong millis = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(millis::get);
        long remote = HybridLogicalClock.of(5_000, 7);
        long r = clock.receive(remote);
        assertThat(r).isGreaterThan(remote);
        assertThat(clock.now()).isGreaterThan(r);
        assertThat(clock.receive(HybridLogicalClock.of(10, 0))).isGreaterThan(r);
    }

    @Test
    void observeRaisesTheHighWaterMarkWithoutIssuing() {
        HybridLogicalClock clock = new HybridLogicalClock(() -> 1_000);
        long persisted = HybridLogicalClock.of(9_999, 3);
        clock.observe(persisted);
        assertThat(clock.current()).isEqualTo(persisted);
        assertThat(clock.now()).isGreaterThan(persisted);
        clock.observe(HybridLogicalClock.of(1, 1));
        assertThat(clock.current()).isGreaterThan(persisted);
    }

    @Test
    void concurrentCallersGetDistinctIncreasingTimestamps() throws InterruptedException {
        HybridLogicalClock clock = new HybridLogicalClock();
        long[][] got = new long[4][20_000];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < 4; t++) {
            int k = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < got[k].length; i++) {
                    got[k][i] = clock.now();
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        java.util.Set<Long> all = new java.util.HashSet<>();
        for (long[] g : got) {
            for (int i = 1; i < g.length; i++) {
                assertThat(g[i]).isGreaterThan(g[i - 1]);
            }
            for (long v : g) {
                all.add(v);
            }
        }
        assertThat(all).hasSize(80_000);
    }
}
