package dev.blazedb.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.codec.PropertyCheck;
import dev.blazedb.data.BlazeDataRecord;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FieldVersionsTest {

    @Test
    void roundTrips() {
        PropertyCheck.forAll("field versions round trip", 2000, r -> {
            TreeMap<String, Version> m = new TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
            int n = r.nextInt(20);
            for (int i = 0; i < n; i++) {
                m.put(new dev.blazedb.codec.RandomValues(r).key(), new Version(r.nextLong(), SyncGen.node(r)));
            }
            return m;
        }, m -> {
            byte[] b = FieldVersions.encode(m);
            assertThat(FieldVersions.decode(b, 0, b.length)).isEqualTo(m);
        });
    }

    @Test
    void refusesMalformedBytesWithIllegalArgumentOnly() {
        byte[] valid = FieldVersions.encode(Map.of("a", new Version(1, SyncGen.NODES[0]), "b", new Version(2, SyncGen.NODES[1])));
        PropertyCheck.forAll("mutated field versions", 5000, r -> r, r -> {
            byte[] b = valid.clone();
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            int len = r.nextInt(4) == 0 ? r.nextInt(b.length) : b.length;
            try {
                FieldVersions.decode(b, 0, len);
            } catch (IllegalArgumentException expected) {
                assertThat(expected).hasMessageStartingWith("field versions:");
            }
        });
        assertThatThrownBy(() -> FieldVersions.decode(valid, 0, valid.length - 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
