package dev.blazedb.transport.memory.sync;

import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.test.ConvergenceCheck;
import dev.blazedb.test.SyncLinker;
import org.junit.jupiter.api.Test;

/**
 * The kit's {@link ConvergenceCheck} over {@code connectLocal}: 200 random schedules of 3 to 5
 * nodes in random topologies with concurrent edits, disconnects, reconnects and compactions, each
 * checked against the reference model of per-field last-writer-wins (see the check's Javadoc).
 */
class ConvergencePropertyTest {

    @Test
    void everyNodeConvergesToTheLastWriterWinsOfAllWrites() {
        ConvergenceCheck check = ConvergenceCheck.over(SyncLinker.local());
        long t0 = System.nanoTime();
        int[] tries = {0};
        PropertyCheck.forAll("sync convergence", 200, ConvergenceCheck::schedule, s -> {
            tries[0]++;
            check.run(s);
        });
        System.out.printf("convergence: %d random schedules in %.1f s%n", tries[0], (System.nanoTime() - t0) / 1e9);
    }
}
