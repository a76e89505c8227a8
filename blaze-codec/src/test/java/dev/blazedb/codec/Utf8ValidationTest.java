package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BlazeBinary#validUtf8}, which the decoder's check pass runs over every string and key,
 * against the JDK's strict UTF-8 decoder: byte runs of every length up to 40, mostly ASCII with
 * now and then a valid or broken sequence, placed at random in arrays whose other bytes are
 * random (so the bytes just before a run, which its last word may cover, often have their high
 * bit set and must not count).
 */
class Utf8ValidationTest {

    private static final byte[][] PIECES = {
        {(byte) 0xC3, (byte) 0xA9},                           // é
        {(byte) 0xE2, (byte) 0x80, (byte) 0x94},              // em dash
        {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, // U+1F600
        {(byte) 0x80},                                        // a lone continuation byte
        {(byte) 0xC3},                                        // a lead byte alone
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // a surrogate
        {(byte) 0xC0, (byte) 0x80},                           // overlong
        {(byte) 0xFF},                                        // no such lead byte
    };

    @Test
    void agreesWithTheJdksStrictDecoderWhereverTheBytesLie() {
        PropertyCheck.forAll("validUtf8 agrees with the JDK", 20_000, Utf8ValidationTest::placedRun, run -> {
            byte[] text = Arrays.copyOfRange(run.array, run.at, run.at + run.length);
            assertThat(BlazeBinary.validUtf8(run.array, run.at, run.length))
                    .as("bytes %s at %d of %d", Hex.of(text), run.at, run.array.length)
                    .isEqualTo(strictlyUtf8(text));
        });
    }

    @Test
    void theBytesJustBeforeAndAfterAShortAsciiRunDoNotCount() {
        for (int length = 0; length < 16; length++) {
            byte[] array = new byte[8 + length + 8];
            Arrays.fill(array, (byte) 0xFF);
            Arrays.fill(array, 8, 8 + length, (byte) 'a');
            assertThat(BlazeBinary.validUtf8(array, 8, length)).as("%d ASCII bytes between 0xFF bytes", length).isTrue();
            if (length > 0) {
                array[8 + length - 1] = (byte) 0x80;
                assertThat(BlazeBinary.validUtf8(array, 8, length)).as("%d bytes ending with 0x80", length).isFalse();
            }
        }
    }

    /** A run of bytes and the array it lies in. */
    private record PlacedRun(byte[] array, int at, int length) {
    }

    private static PlacedRun placedRun(SplittableRandom random) {
        ByteBuffer text = ByteBuffer.allocate(64);
        int length = random.nextInt(41);
        while (text.position() < length) {
            if (random.nextInt(12) == 0) {
                byte[] piece = PIECES[random.nextInt(PIECES.length)];
                text.put(piece, 0, Math.min(piece.length, length - text.position()));
            } else {
                text.put((byte) random.nextInt(0x80));
            }
        }
        int at = random.nextInt(20);
        byte[] array = new byte[at + length + random.nextInt(12)];
        random.nextBytes(array);
        System.arraycopy(text.array(), 0, array, at, length);
        return new PlacedRun(array, at, length);
    }

    private static boolean strictlyUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
