package dev.blazedb.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeException;
import dev.blazedb.BlazeOptions;
import dev.blazedb.DatabaseLockedException;
import dev.blazedb.data.BlazeDataRecord;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database lock across processes. */
class ProcessLockIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static BlazeDBClient open(Path file) {
        return BlazeDBClient.open("lock", file, "lock-test-password".toCharArray(),
                BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).build());
    }

    @Test
    void aSecondProcessOpeningTheDatabaseGetsTheLockErrorWhileTheFirstHoldsIt() throws Exception {
        Path file = dir.resolve("held.blazedb");
        try (BlazeDBClient db = open(file)) {
            db.insert(BlazeDataRecord.builder().put("a", 1L).build());
            try (ChildProcess probe = ChildProcess.start(LockHolder.class, "probe", file.toString())) {
                String line = probe.awaitLine(l -> l.startsWith("LOCKED") || l.startsWith("OPENED"), TIMEOUT);
                assertThat(line).startsWith("LOCKED " + DatabaseLockedException.class.getName())
                        .contains("locked by another process").contains("pid " + ProcessHandle.current().pid());
                assertThat(probe.waitFor(TIMEOUT)).isZero();
            }
        }
        try (ChildProcess probe = ChildProcess.start(LockHolder.class, "probe", file.toString())) {
            assertThat(probe.awaitLine(l -> l.startsWith("LOCKED") || l.startsWith("OPENED"), TIMEOUT)).isEqualTo("OPENED 1");
            assertThat(probe.waitFor(TIMEOUT)).isZero();
        }
    }

    @Test
    void theParentIsRefusedWhileAChildHoldsTheDatabaseAndMayOpenItOnceTheChildIsKilled() throws Exception {
        Path file = dir.resolve("child.blazedb");
        try (BlazeDBClient db = open(file)) {
            db.insert(BlazeDataRecord.builder().put("a", 1L).build());
        }
        try (ChildProcess holder = ChildProcess.start(LockHolder.class, "hold", file.toString())) {
            holder.awaitLine(l -> l.startsWith("OPENED"), TIMEOUT);
            assertThatThrownBy(() -> open(file))
                    .isInstanceOf(DatabaseLockedException.class)
                    .isInstanceOf(BlazeException.class)
                    .hasMessageContaining("locked by another process");
            holder.kill();
        }
        try (BlazeDBClient db = open(file)) {
            assertThat(db.count()).isEqualTo(1);
        }
    }
}
