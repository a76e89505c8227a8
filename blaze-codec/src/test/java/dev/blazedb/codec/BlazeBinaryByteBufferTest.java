package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.data.BlazeDataRecord;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The ByteBuffer variants: position in, position out, heap and direct, nothing written on failure. */
class BlazeBinaryByteBufferTest {

    private static final BlazeDataRecord EXAMPLE = BlazeBinaryWorkedExampleTest.EXAMPLE;

    @Test
    void encodingIntoAHeapBufferWritesAtThePositionAndAdvancesIt() {
        ByteBuffer buffer = ByteBuffer.allocate(100);
        buffer.position(5);
        int written = BlazeBinary.encode(EXAMPLE, true, buffer);
        assertThat(written).isEqualTo(41);
        assertThat(buffer.position()).isEqualTo(46);
        assertThat(Arrays.copyOfRange(buffer.array(), 5, 46)).isEqualTo(BlazeBinaryWorkedExampleTest.EXAMPLE_V2);
    }

    @Test
    void encodingIntoASliceRespectsItsArrayOffset() {
        ByteBuffer slice = ByteBuffer.allocate(100).position(10).slice();
        slice.position(3);
        BlazeBinary.encode(EXAMPLE, false, slice);
        assertThat(Arrays.copyOfRange(slice.array(), 13, 13 + 37)).isEqualTo(BlazeBinaryWorkedExampleTest.EXAMPLE_V1);
        assertThat(slice.array()[12]).isZero();
    }

    @Test
    void encodingIntoADirectBufferWritesTheSameBytes() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        buffer.position(7);
        assertThat(BlazeBinary.encode(EXAMPLE, false, buffer)).isEqualTo(37);
        assertThat(buffer.position()).isEqualTo(44);
        byte[] out = new byte[37];
        buffer.get(7, out);
        assertThat(out).isEqualTo(BlazeBinaryWorkedExampleTest.EXAMPLE_V1);
    }

    @Test
    void aBufferTooSmallIsAnIllegalArgumentAndNothingIsWritten() {
        for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(40), ByteBuffer.allocateDirect(40)}) {
            buffer.position(4);
            assertThatThrownBy(() -> BlazeBinary.encode(EXAMPLE, true, buffer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs 41 bytes, the buffer has 36 remaining");
            assertThat(buffer.position()).isEqualTo(4);
            for (int i = 0; i < 40; i++) {
                assertThat(buffer.get(i)).isZero();
            }
        }
    }

    @Test
    void aReadOnlyTargetIsRefused() {
        assertThatThrownBy(() -> BlazeBinary.encode(EXAMPLE, false, ByteBuffer.allocate(64).asReadOnlyBuffer()))
                .isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void decodingReadsFromPositionToLimitAndMovesThePositionToTheLimit() {
        byte[] framed = Hex.concat(new byte[] {9, 9, 9}, BlazeBinaryWorkedExampleTest.EXAMPLE_V2, new byte[] {7, 7});
        for (ByteBuffer buffer : new ByteBuffer[] {
            ByteBuffer.wrap(framed), ByteBuffer.allocateDirect(framed.length).put(framed), ByteBuffer.wrap(framed).asReadOnlyBuffer()}) {
            buffer.limit(framed.length - 2).position(3);
            assertThat(BlazeBinary.decode(buffer)).isEqualTo(EXAMPLE);
            assertThat(buffer.position()).isEqualTo(framed.length - 2);
        }
    }

    @Test
    void decodingASliceOfAHeapBufferRespectsItsArrayOffset() {
        byte[] framed = Hex.concat(new byte[] {1, 2, 3, 4}, BlazeBinaryWorkedExampleTest.EXAMPLE_V1);
        ByteBuffer slice = ByteBuffer.wrap(framed).position(4).slice();
        assertThat(BlazeBinary.decode(slice)).isEqualTo(EXAMPLE);
    }

    @Test
    void decodingARangeOfAnArrayCountsOffsetsFromTheRange() {
        byte[] framed = Hex.concat(new byte[] {1, 2, 3, 4}, BlazeBinaryWorkedExampleTest.EXAMPLE_V1, new byte[] {5});
        assertThat(BlazeBinary.decode(framed, 4, 37)).isEqualTo(EXAMPLE);
        assertThatThrownBy(() -> BlazeBinary.decode(framed, 4, 38))
                .isInstanceOfSatisfying(BlazeBinaryException.class, e -> assertThat(e.offset()).isEqualTo(37));
        assertThatThrownBy(() -> BlazeBinary.decode(framed, 4, 100)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
