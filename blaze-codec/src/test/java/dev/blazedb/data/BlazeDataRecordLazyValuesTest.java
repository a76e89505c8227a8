package dev.blazedb.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Records whose values a {@link BlazeDataRecord.ValueSource} makes when first read. */
class BlazeDataRecordLazyValuesTest {

    private static final BlazeDataRecord SHAPE = BlazeDataRecord.builder()
            .put("a", 0L).put("b", 0L).put("c", 0L).build();

    /** A source giving 10 * (index + 1) and counting how often each index was asked for. */
    private static final class Counting implements BlazeDataRecord.ValueSource {
        final AtomicIntegerArray asked = new AtomicIntegerArray(3);

        @Override
        public BlazeValue value(int index) {
            asked.incrementAndGet(index);
            return BlazeValue.integer(10L * (index + 1));
        }
    }

    private static final BlazeDataRecord EAGER = BlazeDataRecord.builder()
            .put("a", 10L).put("b", 20L).put("c", 30L).build();

    @Test
    void onlyTheValuesReadAreMadeAndEachOnce() {
        Counting source = new Counting();
        BlazeDataRecord record = SHAPE.withLazyValues(source);
        assertThat(record.size()).isEqualTo(3);
        assertThat(record.keyAt(1)).isEqualTo("b");
        assertThat(source.asked.get(0) + source.asked.get(1) + source.asked.get(2)).isZero();
        assertThat(record.integer("b")).contains(20L);
        assertThat(record.valueAt(1)).isEqualTo(BlazeValue.integer(20));
        assertThat(record.get("b")).contains(BlazeValue.integer(20));
        assertThat(source.asked.get(1)).isEqualTo(1);
        assertThat(source.asked.get(0)).isZero();
        assertThat(source.asked.get(2)).isZero();
        assertThat(record.integer("missing")).isEmpty();
    }

    @Test
    void equalityHashViewsAndCopiesSeeEveryValue() {
        assertThat(SHAPE.withLazyValues(new Counting())).isEqualTo(EAGER);
        assertThat(EAGER).isEqualTo(SHAPE.withLazyValues(new Counting()));
        assertThat(SHAPE.withLazyValues(new Counting()).hashCode()).isEqualTo(EAGER.hashCode());
        assertThat(SHAPE.withLazyValues(new Counting()).fields()).isEqualTo(Map.of("a", BlazeValue.integer(10),
                "b", BlazeValue.integer(20), "c", BlazeValue.integer(30)));
        assertThat(SHAPE.withLazyValues(new Counting()).toString()).isEqualTo(EAGER.toString());
        assertThat(SHAPE.withLazyValues(new Counting()).with("b", BlazeValue.bool(true)))
                .isEqualTo(EAGER.with("b", BlazeValue.bool(true)));
        assertThat(SHAPE.withLazyValues(new Counting()).with("d", BlazeValue.bool(true)))
                .isEqualTo(EAGER.with("d", BlazeValue.bool(true)));
        assertThat(SHAPE.withLazyValues(new Counting()).without("a")).isEqualTo(EAGER.without("a"));
        assertThat(SHAPE.withLazyValues(new Counting()).withValues(new BlazeValue[] {
            BlazeValue.integer(1), BlazeValue.integer(2), BlazeValue.integer(3)}).integer("c")).contains(3L);
        assertThat(BlazeDataRecord.empty().withLazyValues(new Counting())).isSameAs(BlazeDataRecord.empty());
    }

    @Test
    void aSourceThatGivesNullIsRefusedWhenTheValueIsRead() {
        BlazeDataRecord record = SHAPE.withLazyValues(index -> null);
        assertThatThrownBy(() -> record.valueAt(0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SHAPE.withLazyValues(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void threadsReadingTheSameRecordAtOnceAllSeeTheSameValues() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                BlazeDataRecord record = SHAPE.withLazyValues(new Counting());
                List<Callable<BlazeDataRecord>> readers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int first = t % 3;
                    readers.add(() -> {
                        record.valueAt(first);
                        return BlazeDataRecord.of(record.fields());
                    });
                }
                for (Future<BlazeDataRecord> read : pool.invokeAll(readers)) {
                    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(EAGER);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
