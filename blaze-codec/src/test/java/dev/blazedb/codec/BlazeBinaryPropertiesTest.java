package dev.blazedb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property-based round trips over generated records (see {@link RandomValues}: every value kind,
 * nested arrays and dictionaries up to depth 4, unicode keys with supplementary characters),
 * run by {@link PropertyCheck} from one printed seed.
 */
class BlazeBinaryPropertiesTest {

    private static final int TRIES = 3_000;

    @BeforeAll
    static void printSeed() {
        System.out.println("BlazeBinaryPropertiesTest seed = " + PropertyCheck.seed() + " (-Dblaze.test.seed=N to change)");
    }

    private static BlazeDataRecord record(SplittableRandom random) {
        return new RandomValues(random).record();
    }

    @Test
    void decodingTheVersion1EncodingGivesBackTheRecord() {
        PropertyCheck.forAll("v1 round trip", TRIES, BlazeBinaryPropertiesTest::record,
                r -> assertThat(BlazeBinary.decode(BlazeBinary.encode(r, false))).isEqualTo(r));
    }

    @Test
    void decodingTheVersion2EncodingGivesBackTheRecord() {
        PropertyCheck.forAll("v2 round trip", TRIES, BlazeBinaryPropertiesTest::record,
                r -> assertThat(BlazeBinary.decode(BlazeBinary.encode(r, true))).isEqualTo(r));
    }

    @Test
    void encodingTheDecodedRecordGivesBackTheCanonicalBytes() {
        PropertyCheck.forAll("canonical bytes", TRIES, BlazeBinaryPropertiesTest::record, r -> {
            for (boolean crc : new boolean[] {false, true}) {
                byte[] bytes = BlazeBinary.encode(r, crc);
                assertThat(BlazeBinary.encode(BlazeBinary.decode(bytes), crc)).isEqualTo(bytes);
            }
        });
    }

    @Test
    void encodedSizeIsTheLengthOfTheEncoding() {
        PropertyCheck.forAll("encoded size", TRIES, BlazeBinaryPropertiesTest::record, r -> {
            assertThat(BlazeBinary.encodedSize(r, false)).isEqualTo(BlazeBinary.encode(r, false).length);
            assertThat(BlazeBinary.encodedSize(r, true)).isEqualTo(BlazeBinary.encode(r, true).length);
        });
    }

    @Test
    void theByteBufferVariantsAgreeWithTheArrayVariants() {
        PropertyCheck.forAll("byte buffers", TRIES / 3, BlazeBinaryPropertiesTest::record, r -> {
            byte[] expected = BlazeBinary.encode(r, true);
            ByteBuffer heap = ByteBuffer.allocate(expected.length + 9).position(4);
            ByteBuffer direct = ByteBuffer.allocateDirect(expected.length + 9).position(4);
            for (ByteBuffer buffer : new ByteBuffer[] {heap, direct}) {
                assertThat(BlazeBinary.encode(r, true, buffer)).isEqualTo(expected.length);
                byte[] written = new byte[expected.length];
                buffer.get(4, written);
                assertThat(written).isEqualTo(expected);
                buffer.flip().position(4);
                assertThat(BlazeBinary.decode(buffer)).isEqualTo(r);
            }
        });
    }

    @Test
    void everySingleValueKindRoundTripsOnItsOwn() {
        PropertyCheck.forAll("single values", TRIES * 3, random -> new RandomValues(random, 2).value(0), value -> {
            BlazeDataRecord record = BlazeDataRecord.of(Map.of("value", value));
            byte[] bytes = BlazeBinary.encode(record);
            assertThat(BlazeBinary.decode(bytes)).isEqualTo(record);
            assertThat(BlazeBinary.encode(BlazeBinary.decode(bytes))).isEqualTo(bytes);
        });
    }

    /** Reads the keys of a record whose values are all null, straight from the bytes. */
    private static List<byte[]> keysOnTheWire(byte[] bytes) {
        List<byte[]> keys = new ArrayList<>();
        int count = ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
        int p = 8;
        for (int i = 0; i < count; i++) {
            int first = bytes[p] & 0xFF;
            if (first == 0xFF) {
                int length = ((bytes[p + 1] & 0xFF) << 8) | (bytes[p + 2] & 0xFF);
                keys.add(Arrays.copyOfRange(bytes, p + 3, p + 3 + length));
                p += 3 + length;
            } else {
                keys.add(RandomValues.TABLE_KEYS.get(first - 1).getBytes(StandardCharsets.UTF_8));
                p += 1;
            }
            assertThat(bytes[p]).isEqualTo((byte) 0x0B);
            p++;
        }
        assertThat(p).isEqualTo(bytes.length);
        return keys;
    }

    @Test
    void fieldsAreWrittenInCodePointOrderWhichIsUtf8ByteOrder() {
        PropertyCheck.forAll("field order", TRIES, random -> {
            RandomValues values = new RandomValues(random);
            Map<String, BlazeValue> fields = new HashMap<>();
            int count = 2 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                fields.put(random.nextBoolean() ? values.key() : values.string(4), BlazeValue.nullValue());
            }
            return BlazeDataRecord.of(fields);
        }, record -> {
            List<byte[]> keys = keysOnTheWire(BlazeBinary.encode(record));
            assertThat(keys).hasSize(record.size());
            for (int i = 1; i < keys.size(); i++) {
                assertThat(Arrays.compareUnsigned(keys.get(i - 1), keys.get(i))).isNegative();
            }
        });
    }

    @Test
    void theDecodersKeyComparisonIsCodePointOrder() {
        PropertyCheck.forAll("key comparison", TRIES * 3, random -> {
            RandomValues values = new RandomValues(random);
            String a = values.string(4);
            String b = random.nextInt(4) == 0 ? a + values.string(4) : values.string(4);
            return new String[] {a, b};
        }, pair -> {
            int expected = Integer.signum(Arrays.compareUnsigned(
                    pair[0].getBytes(StandardCharsets.UTF_8), pair[1].getBytes(StandardCharsets.UTF_8)));
            assertThat(Integer.signum(BlazeBinary.compareCodePoints(pair[0], pair[1]))).isEqualTo(expected);
            assertThat(Integer.signum(BlazeDataRecord.CODE_POINT_ORDER.compare(pair[0], pair[1]))).isEqualTo(expected);
        });
    }

    @Test
    void wholeMicrosecondInstantsWithin2To33SecondsOf2001RoundTripExactly() {
        PropertyCheck.forAll("exact dates", TRIES * 10, random -> new RandomValues(random).instant(), instant -> {
            double seconds = BlazeBinary.secondsSinceReference(instant);
            assertThat(BlazeBinary.instantFromSeconds(seconds)).isEqualTo(instant);
        });
    }

    @Test
    void anyInstantComesBackWithinHalfAMicrosecondOrOneUnitInTheLastPlace() {
        PropertyCheck.forAll("any dates", TRIES * 10, random -> {
            long min = Instant.MIN.getEpochSecond();
            long max = Instant.MAX.getEpochSecond();
            long seconds = random.nextBoolean() ? random.nextLong(min, max) : BlazeBinary.REFERENCE_EPOCH_SECOND + random.nextLong(-(1L << 40), 1L << 40);
            return Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
        }, instant -> {
            double seconds = BlazeBinary.secondsSinceReference(instant);
            Instant back = BlazeBinary.instantFromSeconds(seconds);
            assertThat(back).isNotNull();
            long toleranceNanos = Math.max(500, (long) Math.ceil(Math.ulp(seconds) * 1e9) + 500);
            assertThat(Duration.between(instant, back).abs()).isLessThanOrEqualTo(Duration.ofNanos(toleranceNanos));
        });
    }
}
