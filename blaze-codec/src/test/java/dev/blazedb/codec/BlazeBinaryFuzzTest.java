package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated inputs to the decoder: mutations of valid encodings (bit flips, byte
 * overwrites, truncations, inserted and deleted bytes, length fields set to huge values, spliced
 * slices), version 2 bodies with a recomputed CRC so the parser sees the damage, and plain noise.
 * The only acceptable outcomes are a record or a {@link BlazeBinaryException} whose offset lies
 * inside the input. A record that decodes must re-encode and decode to itself.
 *
 * <p>Seeded deterministically; the seed is printed and {@code -Dblaze.test.seed=N} replays or
 * varies it, {@code -Dblaze.fuzz.inputs=N} changes the count.
 */
class BlazeBinaryFuzzTest {

    private static final int INPUTS = Integer.getInteger("blaze.fuzz.inputs", 150_000);
    private static final int[] HUGE_U16 = {0xFFFF, 0x8000, 0x7FFF, 0x0100};
    private static final int[] HUGE_U32 = {0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x4000_0000, 0x0001_0000};
    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x0B, 0x11, 0x12, 0x18,
        0x19, 0x21, 0x2F, 0x3A, 0x3B, 0x7F, 0x80, 0xC0, 0xED, 0xF4, 0xFF};

    @Test
    void mutatedAndRandomInputsOnlyEverDecodeOrFailWithBlazeBinaryException() {
        long seed = PropertyCheck.seed();
        System.out.println("BlazeBinaryFuzzTest seed = " + seed + ", inputs = " + INPUTS
                + " (-Dblaze.test.seed=N, -Dblaze.fuzz.inputs=N to change)");
        SplittableRandom random = new SplittableRandom(seed);

        List<byte[]> plain = new ArrayList<>();
        List<byte[]> checked = new ArrayList<>();
        RandomValues values = new RandomValues(random.split());
        for (int i = 0; i < 400; i++) {
            BlazeDataRecord record = values.record();
            plain.add(BlazeBinary.encode(record, false));
            checked.add(BlazeBinary.encode(record, true));
        }
        plain.add(BlazeBinaryWorkedExampleTest.EXAMPLE_V1);
        checked.add(BlazeBinaryWorkedExampleTest.EXAMPLE_V2);

        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input;
            int strategy = random.nextInt(20);
            if (strategy < 2) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else if (strategy < 3) {
                input = new byte[8 + random.nextInt(64)];
                random.nextBytes(input);
                System.arraycopy(BlazeBinaryWorkedExampleTest.EXAMPLE_V1, 0, input, 0, 6);
                input[5] = (byte) (1 + random.nextInt(2));
            } else if (strategy < 15) {
                input = mutate(plain.get(random.nextInt(plain.size())), random);
            } else if (strategy < 18) {
                byte[] v2 = checked.get(random.nextInt(checked.size()));
                byte[] body = mutate(Arrays.copyOf(v2, v2.length - 4), random);
                input = withCrc(body);
            } else {
                input = mutate(checked.get(random.nextInt(checked.size())), random);
            }
            outcomes.merge(decodeSafely(input, seed, i), 1, Integer::sum);
        }
        System.out.println("BlazeBinaryFuzzTest outcomes: " + outcomes);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(INPUTS);
        assertThat(outcomes.getOrDefault("decoded", 0)).as("some mutations still decode").isPositive();
    }

    /** Decodes one input; returns the outcome's category, fails the test on any other throwable. */
    private static String decodeSafely(byte[] input, long seed, int index) {
        try {
            BlazeDataRecord record = BlazeBinary.decode(input);
            for (boolean crc : new boolean[] {false, true}) {
                assertThat(BlazeBinary.decode(BlazeBinary.encode(record, crc))).isEqualTo(record);
            }
            return "decoded";
        } catch (BlazeBinaryException e) {
            if (e.offset() < 0 || e.offset() > input.length) {
                throw new AssertionError("offset outside the input: " + e.getMessage() + describe(input, seed, index));
            }
            String reason = e.reason()
                    .replaceAll("\"[^\"]*\"", "K")
                    .replaceAll("0x\\p{XDigit}+", "X")
                    .replaceAll("-?[0-9][0-9.E]*|NaN|-?Infinity", "N");
            int cut = reason.indexOf(':');
            return cut > 0 ? reason.substring(0, cut) : reason;
        } catch (Throwable t) {
            throw new AssertionError("not a BlazeBinaryException: " + t + describe(input, seed, index), t);
        }
    }

    private static String describe(byte[] input, long seed, int index) {
        return "\nseed " + seed + ", input #" + index + " (" + input.length + " bytes): " + Hex.of(input);
    }

    private static byte[] withCrc(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] out = Arrays.copyOf(body, body.length + 4);
        int value = (int) crc.getValue();
        for (int k = 0; k < 4; k++) {
            out[body.length + k] = (byte) (value >>> (24 - 8 * k));
        }
        if (out.length > 5) {
            out[5] = 2;
        }
        return out;
    }

    /** Applies one to four random mutations. */
    static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        int mutations = 1 + random.nextInt(random.nextInt(4) == 0 ? 4 : 1);
        for (int m = 0; m < mutations; m++) {
            if (bytes.length == 0) {
                return bytes;
            }
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(9)) {
                case 0: // bit flip
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1: // random byte
                    bytes[at] = (byte) random.nextInt(256);
                    break;
                case 2: // interesting byte: tags, key ids, UTF-8 edges
                    bytes[at] = (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                    break;
                case 3: // truncate
                    bytes = Arrays.copyOf(bytes, at);
                    break;
                case 4: { // insert random bytes
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    byte[] out = new byte[bytes.length + inserted.length];
                    System.arraycopy(bytes, 0, out, 0, at);
                    System.arraycopy(inserted, 0, out, at, inserted.length);
                    System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
                    bytes = out;
                    break;
                }
                case 5: { // delete a range
                    int length = Math.min(1 + random.nextInt(8), bytes.length - at);
                    byte[] out = new byte[bytes.length - length];
                    System.arraycopy(bytes, 0, out, 0, at);
                    System.arraycopy(bytes, at + length, out, at, bytes.length - at - length);
                    bytes = out;
                    break;
                }
                case 6: // a u16 length or count set huge
                    if (at + 2 <= bytes.length) {
                        int value = HUGE_U16[random.nextInt(HUGE_U16.length)];
                        bytes[at] = (byte) (value >>> 8);
                        bytes[at + 1] = (byte) value;
                    }
                    break;
                case 7: // a u32 length or count set huge
                    if (at + 4 <= bytes.length) {
                        int value = HUGE_U32[random.nextInt(HUGE_U32.length)];
                        for (int k = 0; k < 4; k++) {
                            bytes[at + k] = (byte) (value >>> (24 - 8 * k));
                        }
                    }
                    break;
                default: { // duplicate a slice in place (repeats fields, keys, nested headers)
                    int length = Math.min(1 + random.nextInt(16), bytes.length - at);
                    byte[] out = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, out, 0, at + length);
                    System.arraycopy(bytes, at, out, at + length, bytes.length - at);
                    bytes = out;
                }
            }
        }
        return bytes;
    }
}
