package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CodecBound}'s report. */
class CodecBoundTest {

    @Test
    void reportsEachCodecsEncodePlusDecodeAgainstJacksons() {
        Map<String, double[]> nanos = new LinkedHashMap<>();
        nanos.put("blazeBinaryEncode", new double[] {50, 60, 70});
        nanos.put("blazeBinaryDecode", new double[] {30, 30, 30});
        nanos.put("layoutStraightEncode", new double[] {20});
        nanos.put("layoutStraightDecode", new double[] {20});
        nanos.put("jacksonMapEncode", new double[] {300});
        nanos.put("jacksonMapDecode", new double[] {300, 400, 500});

        String report = CodecBound.report(nanos);

        assertThat(report).contains("| blazeBinaryEncode | 3 | 60.0 | 50.0 |")
                .contains("blazeBinary: encode + decode 90.0 ns, jacksonMap 700 ns: 7.8x (p10: 7.5x)")
                .contains("layoutStraight: encode + decode 40.0 ns, jacksonMap 700 ns: 17.5x (p10: 15.0x)")
                .doesNotContain("layoutLoop:");
    }
}
