package dev.blazedb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The layout codecs {@link CodecBound} measures do BlazeBinary's work on the standard record: the
 * same bytes out, the same record back, the same input refused. Otherwise their figures would
 * bound nothing.
 */
class StandardRecordCodecTest {

    private static final Function<byte[], BlazeDataRecord> LOOP = StandardRecordCodec::decodeLoop;
    private static final Function<byte[], BlazeDataRecord> STRAIGHT = StandardRecordCodec::decodeStraight;

    @Test
    void bothEncodersWriteBlazeBinarysBytesAndBothDecodersGiveTheRecordBack() {
        for (long index : new long[] {0, 1, 7, 123_456, 99_999_999, 1_000_000_000L}) {
            BlazeDataRecord record = BenchmarkRecords.standard(index);
            byte[] expected = BlazeBinary.encode(record);
            assertThat(StandardRecordCodec.encodeLoop(record)).as("loop, record %d", index).isEqualTo(expected);
            assertThat(StandardRecordCodec.encodeStraight(record)).as("straight, record %d", index).isEqualTo(expected);
            assertThat(LOOP.apply(expected)).as("loop, record %d", index).isEqualTo(record);
            assertThat(STRAIGHT.apply(expected)).as("straight, record %d", index).isEqualTo(record);
        }
    }

    @Test
    void decodersRefuseWhatBlazeBinaryRefusesOrDecodesAnotherWay() {
        byte[] good = BlazeBinary.encode(BenchmarkRecords.standard());
        for (Function<byte[], BlazeDataRecord> decoder : List.of(LOOP, STRAIGHT)) {
            assertThat(decoder.apply(Arrays.copyOf(good, good.length - 1))).as("truncated").isNull();
            assertThat(decoder.apply(Arrays.copyOf(good, 4))).as("header cut off").isNull();
            assertThat(decoder.apply(with(good, 5, 2))).as("version 2 without its CRC").isNull();
            assertThat(decoder.apply(with(good, 8, 0x30))).as("another key").isNull();
            assertThat(decoder.apply(with(good, 42, 'S'))).as("another long key").isNull();
            assertThat(decoder.apply(with(good, 19, 0x03))).as("another tag").isNull();
            assertThat(decoder.apply(with(good, 61, 0x21))).as("a title length past the end").isNull();
            assertThat(decoder.apply(with(good, 70, 0xC3))).as("non-ASCII title").isNull();
        }
        // The original is untouched by the decoders' own copies.
        assertThat(BlazeBinary.decode(good)).isEqualTo(BenchmarkRecords.standard());
    }

    @Test
    void encodersRefuseAnyOtherLayout() {
        BlazeDataRecord standard = BenchmarkRecords.standard();
        BlazeDataRecord renamed = standard.without("score").with("scores", standard.get("score").orElseThrow());
        BlazeDataRecord smallCount = standard.with("count", BlazeValue.integer(7));
        BlazeDataRecord accented = standard.with("title", BlazeValue.string("Benchmark record número 00000000"));
        for (Function<BlazeDataRecord, byte[]> encoder : List.<Function<BlazeDataRecord, byte[]>>of(
                StandardRecordCodec::encodeLoop, StandardRecordCodec::encodeStraight)) {
            assertThatThrownBy(() -> encoder.apply(renamed)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.apply(accented)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.apply(smallCount)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.apply(BenchmarkRecords.large())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(LOOP.apply(BlazeBinary.encode(smallCount))).as("a count under 256 has another layout").isNull();
        assertThat(STRAIGHT.apply(BlazeBinary.encode(smallCount))).as("a count under 256 has another layout").isNull();
    }

    private static byte[] with(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        copy[at] = (byte) value;
        return copy;
    }
}
