package dev.blazedb.benchmarks;

import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;

/**
 * An encoder and a lazy decoder written for exactly one layout, that of the standard record
 * ({@link BenchmarkRecords#standard(long)}), each in two forms: a loop over the fields, and
 * straight-line code in which every position but the title's end is a constant. They are not
 * part of BlazeDB: {@link CodecBound} measures them beside {@link BlazeBinary} and Jackson, as a
 * bound on what any BlazeBinary codec can reach on this record.
 *
 * <p>They do the work the format and {@link BlazeBinary}'s guarantees require and nothing else:
 * the encoder writes BlazeBinary's bytes (version 1) and checks that the title is ASCII (a
 * non-ASCII string would need other bytes); the decoder copies the input, checks the header,
 * every key, tag and length and the title's UTF-8, notes where each value begins and returns a
 * record whose values are made when first read, as {@link BlazeBinary#decode(byte[])} does. What
 * they leave out is what makes a codec general: finding a key's table id, the value kind's
 * dispatch (the straight-line form), room checks, other layouts. For a record of another layout
 * the encoders throw ({@link IllegalArgumentException}; {@link ClassCastException} for a value of
 * a kind the layout does not have there), and the decoders return null for other bytes.
 *
 * <p>The layout (version 1, 94 bytes for record 0), keys in code-point order:
 * <pre>
 *  0  "BLAZE" 01 00 05                      magic, version, field count
 *  8  2F | 02 i64                           count:    table key, int tag, value
 * 18  01 | 05 u64 u64                       id:       table key, uuid tag, value
 * 36  35 | 04 u8                            isActive: table key, bool tag, value
 * 39  FF 00 05 "score" | 03 f64             score:    long key (not in the table), double tag, value
 * 56  06 | 01 u32 n, n bytes of ASCII       title:    table key, string tag, length, bytes
 * </pre>
 * The key bytes are read from {@link BlazeBinary}'s own encoding of the standard record when
 * this class loads, not written here.
 */
final class StandardRecordCodec {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final int MAGIC = 0x424C415A; // "BLAZ"
    private static final byte MAGIC_LAST = 0x45; // "E"
    private static final int FIELDS = 5;
    private static final byte TAG_STRING = 0x01;
    private static final byte TAG_INT = 0x02;
    private static final byte TAG_DOUBLE = 0x03;
    private static final byte TAG_BOOL = 0x04;
    private static final byte TAG_UUID = 0x05;

    /** Each field's value tag, in field order. */
    private static final byte[] TAGS = {TAG_INT, TAG_UUID, TAG_BOOL, TAG_DOUBLE, TAG_STRING};
    /** The key bytes of each field, in field order, as BlazeBinary writes them (read after TAGS is set). */
    private static final byte[][] KEYS = keyBytes(BlazeBinary.encode(BenchmarkRecords.standard()));

    private static final byte KEY_COUNT = KEYS[0][0];
    private static final byte KEY_ID = KEYS[1][0];
    private static final byte KEY_IS_ACTIVE = KEYS[2][0];
    private static final byte KEY_TITLE = KEYS[4][0];
    /** The long key of {@code score} ({@code FF 00 05 "score"}) as a long: one compare. */
    private static final long KEY_SCORE = (long) LONG.get(KEYS[3], 0);

    private static final int AT_COUNT = 8;
    private static final int AT_ID = AT_COUNT + 1 + 9;
    private static final int AT_IS_ACTIVE = AT_ID + 1 + 17;
    private static final int AT_SCORE = AT_IS_ACTIVE + 1 + 2;
    private static final int AT_TITLE = AT_SCORE + 8 + 9;
    private static final int AT_TITLE_BYTES = AT_TITLE + 1 + 5;

    private static final String[] FIELD_NAMES = {"count", "id", "isActive", "score", "title"};
    /** The keys every decoded record shares. */
    private static final BlazeDataRecord PROTOTYPE = BenchmarkRecords.standard();

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

    private StandardRecordCodec() {
    }

    /** Each field's key bytes in BlazeBinary's encoding of the standard record. */
    private static byte[][] keyBytes(byte[] encoded) {
        byte[][] keys = new byte[FIELDS][];
        int p = 8;
        for (int i = 0; i < FIELDS; i++) {
            int keyLength = encoded[p] == (byte) 0xFF ? 3 + ((short) SHORT.get(encoded, p + 1) & 0xFFFF) : 1;
            keys[i] = Arrays.copyOfRange(encoded, p, p + keyLength);
            p += keyLength;
            if (encoded[p] != TAGS[i]) {
                throw new IllegalStateException("the standard record's field " + i + " has tag " + encoded[p]);
            }
            p += valueSize(encoded, p);
        }
        return keys;
    }

    /** The size, tag included, of the value at {@code p}, of one of the five kinds of the layout. */
    private static int valueSize(byte[] b, int p) {
        switch (b[p]) {
            case TAG_INT:
            case TAG_DOUBLE:
                return 9;
            case TAG_UUID:
                return 17;
            case TAG_BOOL:
                return 2;
            case TAG_STRING:
                return 5 + (int) INT.get(b, p + 1);
            default:
                return -1;
        }
    }

    /** Encodes with a loop over the fields: each key's bytes known, each value's kind found by its class. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): copies ASCII as is
    static byte[] encodeLoop(BlazeDataRecord record) {
        byte[] b = start(record);
        int p = 8;
        for (int i = 0; i < FIELDS; i++) {
            byte[] key = KEYS[i];
            if (key.length == 1) {
                b[p++] = key[0];
            } else {
                System.arraycopy(key, 0, b, p, key.length);
                p += key.length;
            }
            BlazeValue value = record.valueAt(i);
            if (value instanceof BlazeValue.StringValue v) {
                String s = v.value();
                int n = s.length();
                checkAscii(s, n);
                b[p] = TAG_STRING;
                INT.set(b, p + 1, n);
                s.getBytes(0, n, b, p + 5);
                p += 5 + n;
            } else if (value instanceof BlazeValue.IntValue v) {
                b[p] = TAG_INT;
                LONG.set(b, p + 1, wideInt(v.value()));
                p += 9;
            } else if (value instanceof BlazeValue.DoubleValue v) {
                b[p] = TAG_DOUBLE;
                LONG.set(b, p + 1, Double.doubleToRawLongBits(v.value()));
                p += 9;
            } else if (value instanceof BlazeValue.BoolValue v) {
                b[p] = TAG_BOOL;
                b[p + 1] = (byte) (v.value() ? 1 : 0);
                p += 2;
            } else {
                UUID uuid = ((BlazeValue.UuidValue) value).value();
                b[p] = TAG_UUID;
                LONG.set(b, p + 1, uuid.getMostSignificantBits());
                LONG.set(b, p + 9, uuid.getLeastSignificantBits());
                p += 17;
            }
        }
        return Arrays.copyOf(b, p);
    }

    /** Encodes with straight-line code: every position a constant up to the title's bytes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): copies ASCII as is
    static byte[] encodeStraight(BlazeDataRecord record) {
        byte[] b = start(record);
        b[AT_COUNT] = KEY_COUNT;
        b[AT_COUNT + 1] = TAG_INT;
        LONG.set(b, AT_COUNT + 2, wideInt(((BlazeValue.IntValue) record.valueAt(0)).value()));
        UUID id = ((BlazeValue.UuidValue) record.valueAt(1)).value();
        b[AT_ID] = KEY_ID;
        b[AT_ID + 1] = TAG_UUID;
        LONG.set(b, AT_ID + 2, id.getMostSignificantBits());
        LONG.set(b, AT_ID + 10, id.getLeastSignificantBits());
        b[AT_IS_ACTIVE] = KEY_IS_ACTIVE;
        b[AT_IS_ACTIVE + 1] = TAG_BOOL;
        b[AT_IS_ACTIVE + 2] = (byte) (((BlazeValue.BoolValue) record.valueAt(2)).value() ? 1 : 0);
        LONG.set(b, AT_SCORE, KEY_SCORE);
        b[AT_SCORE + 8] = TAG_DOUBLE;
        LONG.set(b, AT_SCORE + 9, Double.doubleToRawLongBits(((BlazeValue.DoubleValue) record.valueAt(3)).value()));
        String title = ((BlazeValue.StringValue) record.valueAt(4)).value();
        int n = title.length();
        checkAscii(title, n);
        b[AT_TITLE] = KEY_TITLE;
        b[AT_TITLE + 1] = TAG_STRING;
        INT.set(b, AT_TITLE + 2, n);
        title.getBytes(0, n, b, AT_TITLE_BYTES);
        return Arrays.copyOf(b, AT_TITLE_BYTES + n);
    }

    /** Checks the record's keys and returns this thread's scratch array with the header written. */
    private static byte[] start(BlazeDataRecord record) {
        checkShape(record);
        byte[] b = SCRATCH.get();
        INT.set(b, 0, MAGIC);
        b[4] = MAGIC_LAST;
        b[5] = 1;
        SHORT.set(b, 6, (short) FIELDS);
        return b;
    }

    private static void checkShape(BlazeDataRecord record) {
        if (record.size() != FIELDS) {
            throw new IllegalArgumentException("not the standard record's layout: " + record.size() + " fields");
        }
        for (int i = 0; i < FIELDS; i++) {
            String key = record.keyAt(i);
            if (key != FIELD_NAMES[i] && !key.equals(FIELD_NAMES[i])) {
                throw new IllegalArgumentException("not the standard record's layout: field " + i + " is " + key);
            }
        }
    }

    /** The int, unless it is one of 0 to 255, which BlazeBinary writes in a shorter form. */
    private static long wideInt(long n) {
        if ((n & ~0xFFL) == 0) {
            throw new IllegalArgumentException("not the standard record's layout: an int from 0 to 255");
        }
        return n;
    }

    /** Throws unless the string is ASCII, the one form this layout writes a string in. */
    private static void checkAscii(String s, int n) {
        int all = 0;
        for (int i = 0; i < n; i++) {
            all |= s.charAt(i);
        }
        if (all >= 0x80 || n < 16) {
            throw new IllegalArgumentException("not the standard record's layout: the title is not 16 or more ASCII chars");
        }
    }

    /**
     * Decodes with a loop over the fields, checking each key's bytes and dispatching on each tag;
     * null for anything but the standard record's layout.
     */
    static BlazeDataRecord decodeLoop(byte[] input) {
        int length = input.length;
        if (length < 8) {
            return null;
        }
        byte[] b = new byte[length + 4 * FIELDS];
        System.arraycopy(input, 0, b, 0, length);
        if (!header(b)) {
            return null;
        }
        int p = 8;
        for (int i = 0; i < FIELDS; i++) {
            byte[] key = KEYS[i];
            int keyLength = key.length;
            if (keyLength > length - p - 1
                    || (keyLength == 1 ? b[p] != key[0] : Arrays.mismatch(b, p, p + keyLength, key, 0, keyLength) >= 0)) {
                return null;
            }
            p += keyLength;
            INT.set(b, length + 4 * i, p);
            byte tag = b[p];
            if (tag != TAGS[i]) {
                return null;
            }
            if (tag == TAG_STRING) {
                if (length - p < 5) {
                    return null;
                }
                int n = (int) INT.get(b, p + 1);
                if (n < 16 || n > length - p - 5 || !ascii(b, p + 5, p + 5 + n)) {
                    return null;
                }
                p += 5 + n;
            } else {
                int size = valueSize(b, p);
                if (size > length - p) {
                    return null;
                }
                p += size;
            }
        }
        return p == length ? PROTOTYPE.withLazyValues(new Values(b, length)) : null;
    }

    /** Decodes with straight-line code, every position a constant; null for anything but the standard record's layout. */
    static BlazeDataRecord decodeStraight(byte[] input) {
        int length = input.length;
        if (length < AT_TITLE_BYTES + 16) {
            return null;
        }
        byte[] b = new byte[length + 4 * FIELDS];
        System.arraycopy(input, 0, b, 0, length);
        if (!header(b)
                || b[AT_COUNT] != KEY_COUNT || b[AT_COUNT + 1] != TAG_INT
                || b[AT_ID] != KEY_ID || b[AT_ID + 1] != TAG_UUID
                || b[AT_IS_ACTIVE] != KEY_IS_ACTIVE || b[AT_IS_ACTIVE + 1] != TAG_BOOL
                || (long) LONG.get(b, AT_SCORE) != KEY_SCORE || b[AT_SCORE + 8] != TAG_DOUBLE
                || b[AT_TITLE] != KEY_TITLE || b[AT_TITLE + 1] != TAG_STRING
                || (int) INT.get(b, AT_TITLE + 2) != length - AT_TITLE_BYTES
                || !ascii(b, AT_TITLE_BYTES, length)) {
            return null;
        }
        INT.set(b, length, AT_COUNT + 1);
        INT.set(b, length + 4, AT_ID + 1);
        INT.set(b, length + 8, AT_IS_ACTIVE + 1);
        INT.set(b, length + 12, AT_SCORE + 8);
        INT.set(b, length + 16, AT_TITLE + 1);
        return PROTOTYPE.withLazyValues(new Values(b, length));
    }

    private static boolean header(byte[] b) {
        return (int) INT.get(b, 0) == MAGIC && b[4] == MAGIC_LAST && b[5] == 1 && (short) SHORT.get(b, 6) == FIELDS;
    }

    /** Whether the bytes from {@code from} to {@code to} are ASCII: eight at a time, then one by one. */
    private static boolean ascii(byte[] b, int from, int to) {
        long high = 0;
        int i = from;
        for (; to - i >= 8; i += 8) {
            high |= (long) LONG.get(b, i);
        }
        for (; i < to; i++) {
            high |= b[i];
        }
        return (high & 0x8080_8080_8080_8080L) == 0;
    }

    /**
     * The values of a decoded record, made when read by decoding its checked bytes again with
     * {@link BlazeBinary}: reading is not what the bound measures, and a decoder of its own here
     * would only repeat the codec's. The decoders still note where each value begins, as
     * BlazeBinary's lazy decoder does, so that they do the work it does.
     */
    private record Values(byte[] bytes, int length) implements BlazeDataRecord.ValueSource {
        @Override
        public BlazeValue value(int index) {
            return BlazeBinary.decode(bytes, 0, length).valueAt(index);
        }
    }
}
