package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CodecReport}'s summary, shared by its command line and {@link BenchmarkSuite}. */
class CodecReportTest {

    @Test
    void summarisesCodecResultsOnlyAndTakesTheMedianOfSeveralRuns() throws IOException {
        List<JmhResult> results = new ArrayList<>(SuiteReportTest.canned());
        // two more runs of the standard blazeEncode: 8 M and 30 M ops/s; the median of 8, 10, 30 M is 10 M
        JmhResult run = results.get(0);
        for (double score : new double[] {8e6, 30e6}) {
            results.add(new JmhResult(run.benchmark(), run.mode(), 1, 1, 2, "1 s", 5, "1 s", run.params(), score, 1e5, "ops/s"));
        }

        List<CodecReport.RecordSummary> summaries = CodecReport.summarise(results);

        assertThat(summaries).extracting(CodecReport.RecordSummary::record).containsExactly("standard", "large");
        CodecReport.RecordSummary standard = summaries.get(0);
        assertThat(standard.runs()).isEqualTo(3);
        assertThat(standard.throughput("blazeEncode").value()).isEqualTo(10e6);
        assertThat(standard.throughput()).doesNotContainKey("blazeRoundTrip");
        assertThat(standard.throughput("blazeRoundTrip").isMeasured()).isFalse();
        assertThat(standard.encodeDecodeNanos(CodecReport.BLAZE).value()).isCloseTo(300, within(1e-9));
        assertThat(standard.encodeDecodeSpeedup(CodecReport.JACKSON_POJO).value()).isCloseTo(5, within(1e-9));
    }

    @Test
    void theMarkdownListsEachMethodRunAndTheRatios() throws IOException {
        String md = CodecReport.markdown(CodecReport.summarise(SuiteReportTest.canned()).get(1));

        assertThat(md)
                .contains("| blazeEncode | 1,000,000 ± 0 | 1,000.0 ± 0.0 |")
                .contains("encode + decode: BlazeBinary 5,000 ± 0 ns, Jackson Map 40,000 ± 0 ns (8.00 ± 0.00x), "
                        + "Jackson POJO 20,000 ± 0 ns (4.00 ± 0.00x)")
                .doesNotContain("RoundTrip")
                .doesNotContain("round trip");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(CodecReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(CodecReport.median(List.of())).isNaN();
    }
}
