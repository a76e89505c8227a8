package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.codec.BlazeBinary;
import org.junit.jupiter.api.Test;

class BenchmarkRecordsTest {

    @Test
    void titleIsTheFormattedIndexWithoutStringFormat() {
        for (long i : new long[] {0, 7, 42, 99_999_999, 123_456_789, Long.MAX_VALUE}) {
            assertThat(BenchmarkRecords.title(i)).isEqualTo(String.format("Benchmark record number %08d", i));
        }
    }

    @Test
    void standardRecordIs94BytesInVersion1() {
        assertThat(BlazeBinary.encode(BenchmarkRecords.standard(12_345))).hasSize(94);
    }
}
