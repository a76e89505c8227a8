package dev.blazedb.codec;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random records covering every value kind, with edge cases over-represented: boundary string
 * lengths in UTF-8 bytes, 0/255/256/negative ints, NaN and signed zeros, dates before 2001,
 * table and non-table keys, supplementary characters, empty and nested containers.
 *
 * <p>Dates are drawn from the instants the format round-trips exactly (whole microseconds, less
 * than 2^33 s from 2001-01-01); NaN payloads are quiet ones, which every JVM preserves.
 */
public final class RandomValues {

    /** Keys of the common-key table, as blazebinary.md lists them. */
    public static final List<String> TABLE_KEYS = List.of(
            "id", "createdAt", "updatedAt", "userId", "teamId", "title", "description", "status",
            "priority", "assignedTo", "tags", "completedAt", "dueDate", "startDate", "category",
            "name", "email", "password", "username", "firstName", "lastName", "age", "phone",
            "address", "city", "state", "zip", "country", "organizationId", "projectId", "taskId",
            "bugId", "issueId", "commentId", "attachmentId", "versionId", "parentId", "childIds",
            "metadata", "config", "settings", "preferences", "type", "kind", "label", "value",
            "count", "total", "sum", "average", "min", "max", "isActive", "isDeleted", "isPublic",
            "isPrivate", "isArchived", "isFavorite");

    /** Dates less than this many seconds from 2001-01-01 round-trip exactly (whole microseconds). */
    public static final long ROUND_TRIP_SECONDS = 1L << 33;

    private final SplittableRandom random;
    private final int maxDepth;

    /** Values drawn from {@code random}, arrays and dictionaries nested at most {@code maxDepth} deep. */
    public RandomValues(SplittableRandom random, int maxDepth) {
        this.random = random;
        this.maxDepth = maxDepth;
    }

    /** Values drawn from {@code random}, nested at most 4 deep. */
    public RandomValues(SplittableRandom random) {
        this(random, 4);
    }

    /** A record of 0 to 20 fields. */
    public BlazeDataRecord record() {
        int fields = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 6 : 20);
        Map<String, BlazeValue> map = new HashMap<>();
        for (int i = 0; i < fields; i++) {
            map.put(key(), value(0));
        }
        return BlazeDataRecord.of(map);
    }

    /** A key: often from the common-key table, else ASCII or any Unicode. */
    public String key() {
        switch (random.nextInt(6)) {
            case 0:
            case 1:
                return TABLE_KEYS.get(random.nextInt(TABLE_KEYS.size()));
            case 2:
                return string(0); // ASCII
            default:
                return string(random.nextInt(5));
        }
    }

    /** A value of any kind; containers only above {@code maxDepth}. */
    public BlazeValue value(int depth) {
        int kinds = depth < maxDepth ? 11 : 9;
        switch (random.nextInt(kinds)) {
            case 0:
                return BlazeValue.string(string(random.nextInt(5)));
            case 1:
                return BlazeValue.integer(integer());
            case 2:
                return BlazeValue.decimal(decimal());
            case 3:
                return BlazeValue.bool(random.nextBoolean());
            case 4:
                return BlazeValue.date(instant());
            case 5:
                return BlazeValue.uuid(new UUID(random.nextLong(), random.nextLong()));
            case 6: {
                byte[] data = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(40)];
                random.nextBytes(data);
                return BlazeValue.data(data);
            }
            case 7: {
                float[] vector = new float[random.nextInt(4) == 0 ? 0 : random.nextInt(12)];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = floatValue();
                }
                return BlazeValue.vector(vector);
            }
            case 8:
                return BlazeValue.nullValue();
            case 9: {
                int count = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
                List<BlazeValue> list = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    list.add(value(depth + 1));
                }
                return BlazeValue.array(list);
            }
            default: {
                int count = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
                Map<String, BlazeValue> map = new HashMap<>();
                for (int i = 0; i < count; i++) {
                    map.put(key(), value(depth + 1));
                }
                return BlazeValue.dictionary(map);
            }
        }
    }

    /**
     * A string whose characters come from one of five ranges: 0 = ASCII, 1 = two-byte UTF-8,
     * 2 = three-byte, 3 = supplementary (four-byte), 4 = a mix of all; lengths cluster around
     * the 15/16-byte inline boundary.
     */
    public String string(int alphabet) {
        int targetBytes;
        switch (random.nextInt(4)) {
            case 0:
                targetBytes = 13 + random.nextInt(6); // 13..18 bytes: around the boundary
                break;
            case 1:
                targetBytes = random.nextInt(3); // 0..2
                break;
            default:
                targetBytes = random.nextInt(40);
        }
        StringBuilder s = new StringBuilder();
        int bytes = 0;
        while (bytes < targetBytes) {
            int range = alphabet == 4 ? random.nextInt(4) : alphabet;
            int cp;
            switch (range) {
                case 0:
                    cp = random.nextInt(0x80);
                    break;
                case 1:
                    cp = 0x80 + random.nextInt(0x800 - 0x80);
                    break;
                case 2:
                    cp = random.nextBoolean() ? 0x800 + random.nextInt(0xD800 - 0x800) : 0xE000 + random.nextInt(0x10000 - 0xE000);
                    break;
                default:
                    cp = 0x10000 + random.nextInt(0x110000 - 0x10000);
            }
            s.appendCodePoint(cp);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
        return s.toString();
    }

    /** An int, edge cases first. */
    public long integer() {
        switch (random.nextInt(4)) {
            case 0: {
                long[] edges = {0, 1, 255, 256, -1, -255, -256, 65_535, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE};
                return edges[random.nextInt(edges.length)];
            }
            case 1:
                return random.nextInt(256);
            case 2:
                return random.nextInt(-1000, 1000);
            default:
                return random.nextLong();
        }
    }

    /** A double, NaN and signed zeros included. */
    public double decimal() {
        switch (random.nextInt(4)) {
            case 0: {
                double[] edges = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MIN_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 1.5, -1e-300,
                    Double.longBitsToDouble(0x7FF8_0000_0000_0001L), Double.longBitsToDouble(0xFFF8_0000_DEAD_BEEFL)};
                return edges[random.nextInt(edges.length)];
            }
            case 1:
                return random.nextDouble(-1e6, 1e6);
            default: {
                long bits = random.nextLong();
                double d = Double.longBitsToDouble(bits);
                return Double.isNaN(d) ? Double.longBitsToDouble(bits | 0x0008_0000_0000_0000L) : d; // quiet NaN
            }
        }
    }

    /** A float for vectors. */
    public float floatValue() {
        int bits = random.nextInt();
        float f = Float.intBitsToFloat(bits);
        if (Float.isNaN(f)) {
            return Float.intBitsToFloat(bits | 0x0040_0000); // quiet NaN
        }
        return random.nextBoolean() ? f : (float) random.nextDouble(-100, 100);
    }

    /** An instant that the date encoding round-trips exactly: whole microseconds, |t - 2001| < 2^33 s. */
    public Instant instant() {
        long seconds;
        switch (random.nextInt(4)) {
            case 0:
                seconds = random.nextLong(-100_000, 100_000); // around 2001-01-01, both sides
                break;
            case 1:
                seconds = random.nextLong(-1_100_000_000L, 1_000_000_000L); // 1966..2032
                break;
            default:
                seconds = random.nextLong(-ROUND_TRIP_SECONDS, ROUND_TRIP_SECONDS);
        }
        long micros = random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000);
        return Instant.ofEpochSecond(BlazeBinary.REFERENCE_EPOCH_SECOND + seconds, micros * 1000);
    }
}
