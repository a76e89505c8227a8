package dev.blazedb.transport.memory.sync;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The sync tests run with BlockHound installed: blocking on a non-blocking thread fails. */
class BlockHoundActiveTest {

    @Test
    void blockingOnAParallelThreadIsReported() {
        assertThatThrownBy(() -> Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10)))
                .hasMessageContaining("Blocking call");
    }
}
