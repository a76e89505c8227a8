package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CodecCpuTime}'s measurement loop and report. */
class CodecCpuTimeTest {

    @Test
    void reportsMediansTenthPercentilesAndEncodePlusDecodeRatiosOfEachPair() {
        Map<String, double[]> nanos = new LinkedHashMap<>();
        double[] rounds = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        nanos.put("standard jacksonMap blazeEncode", rounds);
        nanos.put("standard jacksonMap blazeDecode", rounds);
        nanos.put("standard jacksonMap jacksonMapEncode", times(rounds, 10));
        nanos.put("standard jacksonMap jacksonMapDecode", times(rounds, 10));
        nanos.put("large jacksonPojo blazeEncode", rounds); // no Jackson figures beside it: no ratio

        String report = CodecCpuTime.report(nanos);

        assertThat(report).contains("| standard | jacksonMap | blazeEncode | 10 | 15.0 | 11.0 |")
                .contains("| standard | jacksonMap | jacksonMapDecode | 10 | 150.0 | 110.0 |")
                .contains("standard record, encode + decode: BlazeBinary 30 ns, jacksonMap 300 ns: 10.0x (p10: 10.0x)")
                .doesNotContain("large record, encode + decode");
    }

    @Test
    void measuresEveryOperationInEveryRound() throws Exception {
        Map<String, CodecCpuTime.Op> ops = new LinkedHashMap<>();
        ops.put("standard blazeEncode", () -> new byte[16]);
        ops.put("standard blazeDecode", () -> "x".repeat(8));
        Map<String, double[]> nanos = CodecCpuTime.measure(ManagementFactory.getThreadMXBean(), ops, 3, 50_000_000L, 0);
        assertThat(nanos).containsOnlyKeys("standard blazeEncode", "standard blazeDecode");
        assertThat(nanos.get("standard blazeEncode")).hasSize(3);
        assertThat(java.util.Arrays.stream(nanos.get("standard blazeEncode")).min().orElseThrow()).isNotNegative(); // no timing asserted
    }

    @Test
    void parsesResultLinesAndAppendsTheRoundsOfASecondRun() {
        Map<String, double[]> nanos = new LinkedHashMap<>();
        CodecCpuTime.parse("warming up\nRESULT standard/jacksonMap/blazeEncode 1.5 2.5\nRESULT standard/jacksonMap/blazeDecode 3.0\n", nanos);
        CodecCpuTime.parse("RESULT standard/jacksonMap/blazeEncode 4.0\n", nanos);
        assertThat(nanos.get("standard jacksonMap blazeEncode")).containsExactly(1.5, 2.5, 4.0);
        assertThat(nanos.get("standard jacksonMap blazeDecode")).containsExactly(3.0);
    }

    private static double[] times(double[] values, double factor) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }
}
