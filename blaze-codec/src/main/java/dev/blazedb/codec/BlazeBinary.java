package dev.blazedb.codec;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;

/**
 * The BlazeBinary record format: encoder and decoder, byte-compatible with the original
 * BlazeDB's record encoder.
 *
 * <h2>Record</h2>
 * All integers are big-endian; there are no varints.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                 magic "BLAZ" (42 4C 41 5A)                    |
 * +---------------+---------------+-------------------------------+
 * |   "E" (45)    |    version    |       field count (u16)       |
 * +---------------+---------------+-------------------------------+
 * |  fields: field count times (key, tagged value), sorted by    ...
 * ...  key in code-point order                                    |
 * +---------------------------------------------------------------+
 * |                 CRC32 (version 2 only)                        |
 * +---------------------------------------------------------------+
 *
 * offset 0  magic        5 bytes
 * offset 5  version      1 byte: 0x01 = no trailer, 0x02 = CRC32 trailer
 * offset 6  field count  u16, at most 65,535
 * offset 8  fields       field count times (key, value)
 * last 4    CRC32        version 2 only: java.util.zip.CRC32 of every preceding byte
 * </pre>
 *
 * <h2>Keys</h2>
 * <pre>
 * +------+                          one of the 58 common keys (id 0x01..0x3A):
 * |  id  |                          "id" = 0x01 ... "isFavorite" = 0x3A
 * +------+
 * +------+-----------+------------+ any other key; a key that is in the
 * | 0xFF | length u16| UTF-8 bytes| table is always written in its one-byte form
 * +------+-----------+------------+
 * </pre>
 *
 * <h2>Values: a tag byte, then the payload</h2>
 * <pre>
 * tag        kind                 payload
 * 0x11       empty string         -
 * 0x21..0x2F string, 1..15 bytes  (tag &amp; 0x0F) UTF-8 bytes
 * 0x01       string, 16+ bytes    u32 byte length, UTF-8 bytes
 * 0x12       int 0..255           u8            (always used for 0..255)
 * 0x02       int                  i64 two's complement
 * 0x03       double               IEEE-754 binary64 bits
 * 0x04       bool                 u8: 0 = false, anything else = true
 * 0x05       uuid                 16 bytes: most significant long, then least
 * 0x06       date                 binary64 seconds since 2001-01-01T00:00:00Z
 * 0x07       data                 u32 length, bytes
 * 0x18       empty array          -
 * 0x08       array                u16 count, count values
 * 0x19       empty dictionary     -
 * 0x09       dictionary           u16 count, per entry sorted by key:
 *                                 u16 key length, UTF-8 key (never a table id), value
 * 0x0A       vector               u32 count, count IEEE-754 binary32 bits
 * 0x0B       null                 -
 *
 * Example {"message": "Hello from DB1!", "value": 42}, version 1:
 * 42 4C 41 5A 45 01 00 02                        "BLAZE", v1, 2 fields
 * FF 00 07 6D 65 73 73 61 67 65                  key "message" (not in the table)
 * 2F 48 65 6C 6C 6F 20 66 72 6F 6D 20 44 42 31 21 inline string of 15 bytes
 * 2E 12 2A                                       key "value" (0x2E), small int 42
 * </pre>
 *
 * <h2>Encoding</h2>
 * The encoder always writes the canonical form: the shortest string form, {@code 0x12} for ints
 * 0..255, {@code 0x18}/{@code 0x19} for empty arrays and dictionaries, table ids for table keys,
 * fields and dictionary entries in code-point order. It refuses, with an
 * {@link IllegalArgumentException} that names the field: more than {@value #MAX_ENTRIES} fields
 * or array or dictionary entries, arrays and dictionaries nested deeper than {@value #MAX_DEPTH},
 * keys longer than 65,535 UTF-8 bytes, strings or keys holding an unpaired surrogate (they have
 * no UTF-8 form), and records larger than a Java array can hold.
 *
 * <h2>Dates</h2>
 * A date is {@code seconds since 2001-01-01T00:00:00Z} as a double. Encoding takes the double
 * nearest to the instant (nanoseconds included). Decoding rounds to the nearest
 * <em>microsecond</em>, so an {@link Instant} whose nano-of-second is a multiple of 1,000 and
 * which lies less than 2<sup>33</sup> seconds (about 272 years, 1728 to 2273) from
 * 2001-01-01T00:00:00Z round-trips exactly; others come back within half a microsecond, or
 * within one unit in the last place of the double further out. A decoded date that is NaN,
 * infinite, or outside the range of {@link Instant} is malformed input.
 *
 * <h2>Decoding</h2>
 * Decoders accept versions 1 and 2 (verifying the CRC32 of version 2) and throw only
 * {@link BlazeBinaryException}, with the byte offset counted from the record's first byte, for:
 * truncated input, wrong magic or version, a CRC mismatch, an unknown tag or key id, invalid
 * UTF-8 (overlong forms, surrogates, code points above U+10FFFF, cut sequences), a duplicate
 * field or dictionary key, nesting deeper than {@value #MAX_DEPTH}, a date outside the range of
 * {@link Instant}, and bytes after the record. Every length and count is checked against the
 * bytes that remain before anything is allocated for it, so memory use is linear in the
 * input's size whatever the lengths claim. Decoders are lenient about non-canonical forms that
 * have one meaning (fields out of order, a table key in its {@code 0xFF} form, a short string
 * in the long form, a small int in the 8-byte form, an empty array or dictionary with a zero
 * count): {@code encode(decode(bytes))} equals {@code bytes} for canonical input only.
 *
 * <p>All methods are thread-safe. Caches, invisible in the results, are the only state: the
 * encoder writes into a 4 KiB scratch array (with its writer) per thread before it copies the record out, and the
 * decoder keeps, per field count and first key, the keys of the last record shape it met, and
 * likewise for dictionaries (at most 256 shapes each, of at most 64 keys and 1,024 chars of key
 * text; never values), so that records and dictionaries of that shape share one key array and
 * skip decoding and ordering their keys.
 *
 * <p>A record whose keys match its cached shape is checked whole at decode time (every check
 * above, without building anything) and its values are built when first read, from a private
 * copy of its bytes (docs/decisions/0002-codec-value-model.md); any other record, and any
 * malformed input, goes through the eager decoder, so every error still surfaces in
 * {@code decode}.
 */
public final class BlazeBinary {

    /** The largest number of fields in a record and of entries in an array or dictionary. */
    public static final int MAX_ENTRIES = 65_535;

    /**
     * The deepest nesting of arrays and dictionaries: a field's value is at depth 1, so a record
     * may hold an array in a dictionary in an array ... 64 containers deep, and no deeper.
     */
    public static final int MAX_DEPTH = 64;

    /** The format version without a trailer. */
    public static final int VERSION_PLAIN = 1;

    /** The format version with a CRC32 trailer. */
    public static final int VERSION_CRC32 = 2;

    /** The size of magic, version and field count. */
    static final int HEADER_LENGTH = 8;

    /** The size of the version 2 trailer. */
    static final int CRC_LENGTH = 4;

    static final long REFERENCE_EPOCH_SECOND = 978_307_200L; // 2001-01-01T00:00:00Z

    private static final byte[] MAGIC = {0x42, 0x4C, 0x41, 0x5A, 0x45};
    private static final int MAGIC_INT = 0x424C415A; // "BLAZ", the first four bytes
    private static final int OFFSET_VERSION = 5;
    private static final int OFFSET_FIELD_COUNT = 6;

    private static final int TAG_STRING = 0x01;
    private static final int TAG_INT = 0x02;
    private static final int TAG_DOUBLE = 0x03;
    private static final int TAG_BOOL = 0x04;
    private static final int TAG_UUID = 0x05;
    private static final int TAG_DATE = 0x06;
    private static final int TAG_DATA = 0x07;
    private static final int TAG_ARRAY = 0x08;
    private static final int TAG_DICTIONARY = 0x09;
    private static final int TAG_VECTOR = 0x0A;
    private static final int TAG_NULL = 0x0B;
    private static final int TAG_EMPTY_STRING = 0x11;
    private static final int TAG_SMALL_INT = 0x12;
    private static final int TAG_EMPTY_ARRAY = 0x18;
    private static final int TAG_EMPTY_DICTIONARY = 0x19;
    private static final int TAG_INLINE_STRING = 0x20;
    private static final int MAX_INLINE_STRING = 15;
    /**
     * The longest string the encoder checks for ASCII and copies itself; longer ones go through
     * the JDK's UTF-8 encoder, faster than a char loop for long Latin-1 strings.
     */
    private static final int MAX_SCANNED_STRING = 64;
    private static final int LONG_KEY = 0xFF;
    private static final int MAX_KEY_BYTES = 0xFFFF;

    /** U+FFFD, which the JDK's UTF-8 decoder puts where the input is malformed. */
    private static final char REPLACEMENT = '\uFFFD';

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** The common-key table, indexed by one-byte id; index 0 is unused. */
    private static final String[] KEYS = {
        null,
        "id", "createdAt", "updatedAt", "userId", "teamId", "title", "description", "status",
        "priority", "assignedTo", "tags", "completedAt", "dueDate", "startDate", "category",
        "name", "email", "password", "username", "firstName", "lastName", "age", "phone",
        "address", "city", "state", "zip", "country", "organizationId", "projectId", "taskId",
        "bugId", "issueId", "commentId", "attachmentId", "versionId", "parentId", "childIds",
        "metadata", "config", "settings", "preferences", "type", "kind", "label", "value",
        "count", "total", "sum", "average", "min", "max", "isActive", "isDeleted", "isPublic",
        "isPrivate", "isArchived", "isFavorite",
    };
    private static final int MAX_KEY_ID = 0x3A;

    /**
     * A perfect hash from key to id, for the encoder: the top 8 bits of {@code hashCode() *
     * KEY_HASH} differ for all 58 table keys ({@link String#hashCode} is specified, so this holds
     * on every JVM, and the static initializer checks it), so one probe and one comparison decide.
     */
    private static final int KEY_HASH = 0xCC66_7E97;
    private static final String[] SLOT_KEYS = new String[256];
    private static final byte[] SLOT_IDS = new byte[256];

    static {
        for (int id = 1; id <= MAX_KEY_ID; id++) {
            int slot = slot(KEYS[id]);
            if (SLOT_KEYS[slot] != null) {
                throw new AssertionError("the key table's hash is not perfect: " + KEYS[id] + ", " + SLOT_KEYS[slot]);
            }
            SLOT_KEYS[slot] = KEYS[id];
            SLOT_IDS[slot] = (byte) id;
        }
    }

    private static final BlazeValue EMPTY_STRING = BlazeValue.string("");
    private static final BlazeValue EMPTY_ARRAY = BlazeValue.array(List.of());
    private static final BlazeValue EMPTY_DICTIONARY = BlazeValue.dictionary(Map.of());
    private static final BlazeValue TRUE = BlazeValue.bool(true);
    private static final BlazeValue FALSE = BlazeValue.bool(false);
    private static final BlazeValue NULL = BlazeValue.nullValue();
    private static final BlazeValue[] SMALL_INTS = new BlazeValue[256];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = BlazeValue.integer(i);
        }
    }

    private static final long MIN_EPOCH_SECOND = Instant.MIN.getEpochSecond();
    private static final long MAX_EPOCH_SECOND = Instant.MAX.getEpochSecond();
    private static final long EXACT_DOUBLE_LONG = 1L << 53;

    private BlazeBinary() {
    }

    // ------------------------------------------------------------------------------------------
    // Encoding

    /**
     * Encodes a record as version 1 (no CRC32 trailer).
     *
     * @throws IllegalArgumentException if the record exceeds a limit of the format (see the class
     *     documentation)
     */
    public static byte[] encode(BlazeDataRecord record) {
        return encode(record, false);
    }

    /**
     * Encodes a record as version 2 with a CRC32 trailer when {@code withCrc}, else as version 1.
     *
     * <p>One pass over the record into a per-thread scratch array (a record that outgrows it gets
     * a larger one of its own), then one copy of the exact length out: cheaper than measuring
     * the record first, and than allocating an estimated array and trimming it.
     *
     * @throws IllegalArgumentException if the record exceeds a limit of the format
     */
    public static byte[] encode(BlazeDataRecord record, boolean withCrc) {
        Writer writer = WRITERS.get();
        writer.startScratch();
        try {
            writer.record(record, withCrc);
            return Arrays.copyOf(writer.buf, writer.pos);
        } finally {
            writer.buf = writer.scratch; // a grown array is not kept
        }
    }

    /**
     * Each thread's writer for {@link #encode(BlazeDataRecord, boolean)}, with its 4 KiB array
     * to write into before it copies the record out: cheaper than allocating a zeroed array to
     * trim or measuring the record first, and than a new writer per record. A record that
     * outgrows the array is written into a larger one of its own. The writer calls no code but
     * ours, so one encode never runs inside another on the same thread.
     */
    private static final int SCRATCH_LENGTH = 4096;
    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(() -> new Writer(new byte[SCRATCH_LENGTH], 0, true));

    /**
     * The exact number of bytes {@link #encode(BlazeDataRecord, boolean)} produces for this record.
     *
     * @throws IllegalArgumentException if the record exceeds a limit of the format
     */
    public static int encodedSize(BlazeDataRecord record, boolean withCrc) {
        Objects.requireNonNull(record, "record");
        Sizer sizer = new Sizer();
        long size = sizer.record(record) + (withCrc ? CRC_LENGTH : 0);
        if (size > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("record needs " + size + " bytes, more than a Java array can hold");
        }
        return (int) size;
    }

    /**
     * Encodes a record into {@code target} at its position, and advances the position past it.
     *
     * <p>The record is measured first ({@link #encodedSize}); a heap buffer is then written in
     * place, a direct buffer receives one bulk copy of the encoded bytes. Nothing is written when
     * the record does not fit.
     *
     * @return the number of bytes written, {@link #encodedSize(BlazeDataRecord, boolean)}
     * @throws IllegalArgumentException if fewer bytes remain in {@code target} than the record
     *     needs (the message says how many), or if the record exceeds a limit of the format
     * @throws ReadOnlyBufferException if {@code target} is read-only
     */
    public static int encode(BlazeDataRecord record, boolean withCrc, ByteBuffer target) {
        int size = encodedSize(record, withCrc);
        if (target.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int position = target.position();
        if (target.remaining() < size) {
            throw new IllegalArgumentException("the record needs " + size + " bytes, the buffer has "
                    + target.remaining() + " remaining");
        }
        if (target.hasArray()) {
            new Writer(target.array(), target.arrayOffset() + position, false).record(record, withCrc);
        } else {
            Writer writer = new Writer(new byte[size], 0, false);
            writer.record(record, withCrc);
            target.put(position, writer.buf);
        }
        target.position(position + size);
        return size;
    }

    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** Computes exact sizes and checks the format's limits, for {@link #encodedSize}. */
    private static final class Sizer {
        private long size;
        private int depth;

        long record(BlazeDataRecord record) {
            int count = record.size();
            if (count > MAX_ENTRIES) {
                throw tooManyFields(count);
            }
            size = HEADER_LENGTH;
            for (int i = 0; i < count; i++) {
                String key = record.keyAt(i);
                try {
                    size += tableId(key) != 0 ? 1 : 3 + keyLength(key, "key");
                    value(record.valueAt(i));
                } catch (Refusal e) {
                    throw refuse(key, e.getMessage());
                }
            }
            return size;
        }

        private long keyLength(String key, String what) {
            long length = utf8Length(key);
            if (length < 0) {
                throw new Refusal(unpairedSurrogate(what, -1 - length));
            }
            if (length > MAX_KEY_BYTES) {
                throw new Refusal(keyTooLong(what, length));
            }
            return length;
        }

        private void value(BlazeValue value) {
            if (value instanceof BlazeValue.StringValue v) {
                long length = utf8Length(v.value());
                if (length < 0) {
                    throw new Refusal(unpairedSurrogate("string", -1 - length));
                }
                size += length == 0 ? 1 : length <= MAX_INLINE_STRING ? 1 + length : 5 + length;
            } else if (value instanceof BlazeValue.IntValue v) {
                size += (v.value() & ~0xFFL) == 0 ? 2 : 9;
            } else if (value instanceof BlazeValue.DoubleValue || value instanceof BlazeValue.DateValue) {
                size += 9;
            } else if (value instanceof BlazeValue.BoolValue) {
                size += 2;
            } else if (value instanceof BlazeValue.UuidValue) {
                size += 17;
            } else if (value instanceof BlazeValue.ArrayValue v) {
                int count = v.size();
                enter("array", count);
                size += count == 0 ? 1 : 3;
                for (int i = 0; i < count; i++) {
                    value(v.get(i));
                }
                depth--;
            } else if (value instanceof BlazeValue.DictionaryValue v) {
                int count = v.size();
                enter("dictionary", count);
                size += count == 0 ? 1 : 3;
                for (int i = 0; i < count; i++) {
                    size += 2 + keyLength(v.keyAt(i), "dictionary key");
                    value(v.valueAt(i));
                }
                depth--;
            } else if (value instanceof BlazeValue.DataValue v) {
                size += 5L + v.length();
            } else if (value instanceof BlazeValue.VectorValue v) {
                size += 5L + 4L * v.length();
            } else {
                size += 1; // null
            }
        }

        private void enter(String kind, int count) {
            if (count > MAX_ENTRIES) {
                throw new Refusal(tooManyEntries(kind, count));
            }
            if (++depth > MAX_DEPTH) {
                throw new Refusal(TOO_DEEP);
            }
        }
    }

    private static final String TOO_DEEP = "arrays and dictionaries are nested deeper than " + MAX_DEPTH;

    private static IllegalArgumentException tooManyFields(int count) {
        return new IllegalArgumentException("cannot encode a record of " + count + " fields, more than " + MAX_ENTRIES);
    }

    private static String tooManyEntries(String kind, int count) {
        return kind + " has " + count + " entries, more than " + MAX_ENTRIES;
    }

    private static String unpairedSurrogate(String what, long index) {
        return what + " holds an unpaired surrogate at index " + index;
    }

    private static String keyTooLong(String what, long length) {
        return what + " of " + length + " UTF-8 bytes is longer than " + MAX_KEY_BYTES;
    }

    /** A limit of the format, thrown deep in the encoder and named by field at the top. */
    private static final class Refusal extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refusal(String reason) {
            super(reason, null);
        }
    }

    private static IllegalArgumentException refuse(String field, String reason) {
        return new IllegalArgumentException("cannot encode field " + quote(field) + ": " + reason);
    }

    /**
     * A key for a message: quoted, cut at 40 chars, control and non-ASCII chars escaped, so
     * hostile input cannot flood or forge log lines.
     */
    static String quote(String key) {
        StringBuilder out = new StringBuilder(Math.min(key.length(), 40) + 8).append('"');
        for (int i = 0; i < key.length(); i++) {
            if (i == 40) {
                return out.append("\"... (").append(key.length()).append(" chars)").toString();
            }
            char c = key.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * Writes a record in one pass. A growable writer checks the format's limits as it goes and
     * doubles its array when it runs out of room; a fixed one writes into an array that
     * {@link Sizer} has measured, so it checks nothing.
     *
     * <p>The common kinds (string, int, double, bool, uuid) are written by {@link #value}, kept
     * small enough for the JIT to inline; the others by {@link #otherValue}.
     */
    private static final class Writer {
        private byte[] buf;
        private int pos;
        private final boolean growable;
        private int depth;
        /** The array a growable writer starts from, for {@link #startScratch()}. */
        final byte[] scratch;

        Writer(byte[] buf, int pos, boolean growable) {
            this.buf = buf;
            this.pos = pos;
            this.growable = growable;
            this.scratch = buf;
        }

        /** Makes a growable writer ready for the next record: its own array, from the start. */
        void startScratch() {
            buf = scratch;
            pos = 0;
            depth = 0;
        }

        void record(BlazeDataRecord record, boolean withCrc) {
            int count = record.size();
            if (count > MAX_ENTRIES) {
                throw tooManyFields(count);
            }
            int start = pos;
            ensure(HEADER_LENGTH);
            byte[] b = buf;
            INT.set(b, start, MAGIC_INT);
            b[start + 4] = MAGIC[4];
            b[start + OFFSET_VERSION] = (byte) (withCrc ? VERSION_CRC32 : VERSION_PLAIN);
            SHORT.set(b, start + OFFSET_FIELD_COUNT, (short) count);
            pos = start + HEADER_LENGTH;
            fields(record, 0);
            if (withCrc) {
                ensure(CRC_LENGTH);
                CRC32 crc = new CRC32();
                crc.update(buf, start, pos - start);
                INT.set(buf, pos, (int) crc.getValue());
                pos += CRC_LENGTH;
            }
        }

        /** Writes the record's fields from the one at {@code from}. */
        void fields(BlazeDataRecord record, int from) {
            int count = record.size();
            for (int i = from; i < count; i++) {
                String key = record.keyAt(i);
                BlazeValue value = record.valueAt(i);
                try {
                    int id = tableId(key);
                    if (id != 0) {
                        ensure(1 + 17);
                        byte[] b = buf;
                        int p = pos;
                        b[p] = (byte) id;
                        // A value of fixed size follows at once, the position kept in a register.
                        int end = scalar(value, b, p + 1);
                        if (end > 0) {
                            pos = end;
                            continue;
                        }
                        pos = p + 1;
                    } else {
                        longKey(key);
                    }
                    value(value);
                } catch (Refusal e) {
                    throw refuse(key, e.getMessage());
                }
            }
        }

        /** Makes room for {@code n} more bytes at the position. */
        private void ensure(long n) {
            if (n > buf.length - pos) {
                grow(pos + n);
            }
        }

        private void grow(long capacity) {
            if (!growable) {
                return; // measured by the Sizer: the bytes fit even where a reservation does not
            }
            if (capacity > MAX_ARRAY_LENGTH) {
                throw new Refusal("the record needs more than " + MAX_ARRAY_LENGTH + " bytes, more than a Java array can hold");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(capacity, Math.min(2L * buf.length, MAX_ARRAY_LENGTH)));
        }

        /** Writes a key that is not in the table: 0xFF, u16 length, UTF-8 bytes. */
        private void longKey(String key) {
            ensure(3L + key.length());
            int start = pos + 3;
            int length = utf8(key, start, "key") - start;
            if (length > MAX_KEY_BYTES) {
                throw new Refusal(keyTooLong("key", length));
            }
            buf[pos] = (byte) LONG_KEY;
            SHORT.set(buf, pos + 1, (short) length);
            pos = start + length;
        }

        /** Writes a dictionary key: u16 length, UTF-8 bytes. */
        private void dictionaryKey(String key) {
            ensure(2L + key.length());
            int start = pos + 2;
            int length = utf8(key, start, "dictionary key") - start;
            if (length > MAX_KEY_BYTES) {
                throw new Refusal(keyTooLong("dictionary key", length));
            }
            SHORT.set(buf, pos, (short) length);
            pos = start + length;
        }

        private void value(BlazeValue value) {
            if (value instanceof BlazeValue.StringValue v) {
                string(v.value());
                return;
            }
            ensure(17);
            byte[] b = buf;
            int p = pos;
            int end = scalar(value, b, p);
            if (end > 0) {
                pos = end;
            } else {
                otherValue(value, b, p);
            }
        }

        /**
         * Writes an int, double, bool or uuid at {@code p}, where 17 bytes are reserved, and
         * returns the position after it; 0 (writing nothing) for any other kind.
         */
        private static int scalar(BlazeValue value, byte[] b, int p) {
            if (value instanceof BlazeValue.IntValue v) {
                long n = v.value();
                if ((n & ~0xFFL) == 0) {
                    b[p] = TAG_SMALL_INT;
                    b[p + 1] = (byte) n;
                    return p + 2;
                }
                b[p] = TAG_INT;
                LONG.set(b, p + 1, n);
                return p + 9;
            } else if (value instanceof BlazeValue.DoubleValue v) {
                b[p] = TAG_DOUBLE;
                LONG.set(b, p + 1, Double.doubleToRawLongBits(v.value()));
                return p + 9;
            } else if (value instanceof BlazeValue.BoolValue v) {
                b[p] = TAG_BOOL;
                b[p + 1] = (byte) (v.value() ? 1 : 0);
                return p + 2;
            } else if (value instanceof BlazeValue.UuidValue v) {
                UUID uuid = v.value();
                b[p] = TAG_UUID;
                LONG.set(b, p + 1, uuid.getMostSignificantBits());
                LONG.set(b, p + 9, uuid.getLeastSignificantBits());
                return p + 17;
            }
            return 0;
        }

        /** Writes a date, array, dictionary, data, vector or null; 17 bytes are reserved at {@code p}. */
        private void otherValue(BlazeValue value, byte[] b, int p) {
            if (value instanceof BlazeValue.DateValue v) {
                b[p] = TAG_DATE;
                LONG.set(b, p + 1, Double.doubleToRawLongBits(secondsSinceReference(v.value())));
                pos = p + 9;
            } else if (value instanceof BlazeValue.ArrayValue v) {
                int count = v.size();
                enter("array", count);
                if (count == 0) {
                    b[p] = TAG_EMPTY_ARRAY;
                    pos = p + 1;
                } else {
                    b[p] = TAG_ARRAY;
                    SHORT.set(b, p + 1, (short) count);
                    pos = p + 3;
                    for (int i = 0; i < count; i++) {
                        value(v.get(i));
                    }
                }
                depth--;
            } else if (value instanceof BlazeValue.DictionaryValue v) {
                int count = v.size();
                enter("dictionary", count);
                if (count == 0) {
                    b[p] = TAG_EMPTY_DICTIONARY;
                    pos = p + 1;
                } else {
                    b[p] = TAG_DICTIONARY;
                    SHORT.set(b, p + 1, (short) count);
                    pos = p + 3;
                    for (int i = 0; i < count; i++) {
                        dictionaryKey(v.keyAt(i));
                        value(v.valueAt(i));
                    }
                }
                depth--;
            } else if (value instanceof BlazeValue.DataValue v) {
                int length = v.length();
                ensure(5L + length);
                b = buf;
                b[p] = TAG_DATA;
                INT.set(b, p + 1, length);
                v.copyTo(b, p + 5);
                pos = p + 5 + length;
            } else if (value instanceof BlazeValue.VectorValue v) {
                int count = v.length();
                ensure(5L + 4L * count);
                b = buf;
                b[p] = TAG_VECTOR;
                INT.set(b, p + 1, count);
                p += 5;
                for (int i = 0; i < count; i++, p += 4) {
                    INT.set(b, p, Float.floatToRawIntBits(v.get(i)));
                }
                pos = p;
            } else {
                b[p] = TAG_NULL;
                pos = p + 1;
            }
        }

        private void enter(String kind, int count) {
            if (growable) {
                if (count > MAX_ENTRIES) {
                    throw new Refusal(tooManyEntries(kind, count));
                }
                if (depth >= MAX_DEPTH) {
                    throw new Refusal(TOO_DEEP);
                }
            }
            depth++;
        }

        /**
         * Writes a string. One of up to 15 chars is copied as ASCII and checked in the same loop
         * (no call: cheaper for short strings than a check and then a copy); a non-ASCII char
         * sends it to {@link #shortString}, which writes over the copy (inside the bytes the
         * string needs in any form, so a fixed writer never writes past what {@link Sizer}
         * measured). Longer ones are checked first and copied by the JDK (an array copy).
         */
        private void string(String s) {
            int chars = s.length();
            if (chars <= MAX_INLINE_STRING) {
                ensure(1 + chars);
                byte[] b = buf;
                int p = pos;
                int all = 0;
                for (int i = 0; i < chars; i++) {
                    char c = s.charAt(i);
                    all |= c;
                    b[p + 1 + i] = (byte) c;
                }
                if (all < 0x80) {
                    // The common short string: the tag says the length (0x11 when empty).
                    b[p] = (byte) (chars == 0 ? TAG_EMPTY_STRING : TAG_INLINE_STRING | chars);
                    pos = p + 1 + chars;
                } else {
                    shortString(s);
                }
            } else if (chars <= MAX_SCANNED_STRING && isAscii(s, chars)) {
                // UTF-8 has at least as many bytes as UTF-16 has chars: the long form.
                ensure(5 + chars);
                buf[pos] = TAG_STRING;
                INT.set(buf, pos + 1, chars);
                copyAscii(s, chars, buf, pos + 5);
                pos += 5 + chars;
            } else {
                longString(s, chars);
            }
        }

        /** Writes a string of at most 15 chars, not all ASCII: inline unless the UTF-8 form is longer. */
        private void shortString(String s) {
            ensure(1 + s.length());
            int start = pos + 1;
            int end = utf8Slow(s, start, "string");
            int length = end - start;
            if (length <= MAX_INLINE_STRING) {
                buf[pos] = (byte) (TAG_INLINE_STRING | length);
                pos = end;
            } else {
                if (4 > buf.length - end) {
                    grow(end + 4L);
                }
                System.arraycopy(buf, start, buf, start + 4, length);
                buf[pos] = TAG_STRING;
                INT.set(buf, pos + 1, length);
                pos = end + 4;
            }
        }

        /**
         * Writes a string of more than 15 chars in the long form. Up to {@value
         * #MAX_SCANNED_STRING} chars that are not all ASCII, our own encoder writes it in place;
         * longer strings go through the JDK's encoder, which checks and copies a Latin-1 string
         * with vector instructions, but writes '?' for an unpaired surrogate, which must be
         * refused: a '?' anywhere in its output sends the string to our own encoder.
         */
        private void longString(String s, int chars) {
            if (chars > MAX_SCANNED_STRING) {
                byte[] encoded = s.getBytes(StandardCharsets.UTF_8);
                int length = encoded.length;
                if (!hasQuestionMark(encoded)) {
                    ensure(5L + length);
                    buf[pos] = TAG_STRING;
                    INT.set(buf, pos + 1, length);
                    System.arraycopy(encoded, 0, buf, pos + 5, length);
                    pos += 5 + length;
                    return;
                }
            }
            ensure(5L + chars);
            int start = pos + 5;
            int end = utf8Slow(s, start, "string");
            buf[pos] = TAG_STRING;
            INT.set(buf, pos + 1, end - start);
            pos = end;
        }

        /**
         * Writes the UTF-8 form of {@code s} at {@code p}, where the caller has made room for one
         * byte per char; returns the end. Refuses unpaired surrogates.
         */
        private int utf8(String s, int p, String what) {
            int chars = s.length();
            if (chars <= MAX_INLINE_STRING) {
                // Short keys: copied as ASCII and checked in one loop, as in string().
                byte[] b = buf;
                int all = 0;
                for (int i = 0; i < chars; i++) {
                    char c = s.charAt(i);
                    all |= c;
                    b[p + i] = (byte) c;
                }
                return all < 0x80 ? p + chars : utf8Slow(s, p, what);
            }
            if (isAscii(s, chars)) {
                copyAscii(s, chars, buf, p);
                return p + chars;
            }
            return utf8Slow(s, p, what);
        }

        /** {@link #utf8} for a string holding a char above U+007F. */
        private int utf8Slow(String s, int p, String what) {
            int chars = s.length();
            byte[] b = buf;
            int i = 0;
            for (; i < chars; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                b[p + i] = (byte) c;
            }
            p += i;
            if (3L * (chars - i) > buf.length - p) {
                grow(p + 3L * (chars - i));
                b = buf;
            }
            while (i < chars) {
                char c = s.charAt(i++);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >>> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i == chars || !Character.isLowSurrogate(s.charAt(i))) {
                        throw new Refusal(unpairedSurrogate(what, i - 1));
                    }
                    int cp = Character.toCodePoint(c, s.charAt(i++));
                    b[p++] = (byte) (0xF0 | (cp >>> 18));
                    b[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[p++] = (byte) (0xE0 | (c >>> 12));
                    b[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            return p;
        }
    }

    /** Whether {@code bytes} holds a '?' (0x3F): eight bytes at a time, with the zero-byte test of {@code x ^ 0x3F3F...}. */
    static boolean hasQuestionMark(byte[] bytes) {
        int n = bytes.length;
        int i = 0;
        long found = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONG.get(bytes, i) ^ 0x3F3F_3F3F_3F3F_3F3FL;
            found |= (x - 0x0101_0101_0101_0101L) & ~x;
        }
        for (; i < n; i++) {
            if (bytes[i] == '?') {
                return true;
            }
        }
        return (found & 0x8080_8080_8080_8080L) != 0;
    }

    /** Whether the first {@code chars} chars of {@code s} are all ASCII: one OR over them, no early exit. */
    static boolean isAscii(String s, int chars) {
        int all = 0;
        for (int i = 0; i < chars; i++) {
            all |= s.charAt(i);
        }
        return all < 0x80;
    }

    /**
     * Copies the first {@code chars} chars of {@code s}, all ASCII, to {@code b} at {@code p}, one
     * byte each: for a Latin-1 string, which an ASCII one is, {@link String#getBytes(int, int,
     * byte[], int)} is a single array copy. It is deprecated only because it drops the high byte
     * of a char, which ASCII does not have.
     */
    @SuppressWarnings("deprecation")
    private static void copyAscii(String s, int chars, byte[] b, int p) {
        s.getBytes(0, chars, b, p);
    }

    /** The table id of a key, or 0 when the key is not in the table. */
    static int tableId(String key) {
        int slot = slot(key);
        String candidate = SLOT_KEYS[slot];
        return candidate == key || (candidate != null && candidate.equals(key)) ? SLOT_IDS[slot] : 0;
    }

    private static int slot(String key) {
        return (key.hashCode() * KEY_HASH) >>> 24;
    }

    /** The table key with this id, or null. */
    static String tableKey(int id) {
        return id >= 1 && id <= MAX_KEY_ID ? KEYS[id] : null;
    }

    /**
     * The number of UTF-8 bytes of {@code s}, or {@code -1 - index} of the first unpaired
     * surrogate.
     */
    static long utf8Length(String s) {
        int chars = s.length();
        if (isAscii(s, chars)) {
            return chars;
        }
        int i = 0;
        while (i < chars && s.charAt(i) < 0x80) {
            i++;
        }
        long length = i;
        while (i < chars) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 4;
                    i++;
                } else {
                    return -1L - i;
                }
            } else {
                length += 3;
            }
            i++;
        }
        return length;
    }

    /**
     * The date payload for an instant: the double nearest to its seconds since
     * 2001-01-01T00:00:00Z, kept inside the range {@link #instantFromSeconds} accepts.
     */
    static double secondsSinceReference(Instant instant) {
        long seconds = instant.getEpochSecond() - REFERENCE_EPOCH_SECOND;
        int nanos = instant.getNano();
        double value = nanos == 0 ? (double) seconds : seconds + nanos / 1e9;
        if (seconds > EXACT_DOUBLE_LONG || seconds < -EXACT_DOUBLE_LONG) {
            // Within a few seconds of Instant.MIN/MAX the double may round past the end.
            long back = (long) Math.floor(value) + REFERENCE_EPOCH_SECOND;
            if (back > MAX_EPOCH_SECOND) {
                value = Math.nextDown(value);
            } else if (back < MIN_EPOCH_SECOND) {
                value = Math.nextUp(value);
            }
        }
        return value;
    }

    /**
     * The instant for a date payload, rounded to the nearest microsecond, or null when the value
     * is not finite or lies outside the range of {@link Instant}.
     */
    static Instant instantFromSeconds(double seconds) {
        long epochSecond = epochSecond(seconds);
        if (epochSecond == NO_DATE) {
            return null;
        }
        return Instant.ofEpochSecond(epochSecond, micros(seconds) % 1_000_000L * 1_000L);
    }

    /** What {@link #epochSecond} gives for a date payload that is not an {@link Instant}. */
    private static final long NO_DATE = Long.MIN_VALUE;

    /**
     * The epoch second of the instant for a date payload, rounded to the nearest microsecond, or
     * {@link #NO_DATE} when the value is not finite or lies outside the range of {@link Instant}:
     * the check of {@link #instantFromSeconds} without making the instant.
     */
    static long epochSecond(double seconds) {
        if (!(seconds >= -0x1p56 && seconds <= 0x1p56)) {
            return NO_DATE; // NaN, infinite, or far outside Instant's range
        }
        long epochSecond = (long) Math.floor(seconds) + REFERENCE_EPOCH_SECOND;
        if (micros(seconds) >= 1_000_000L) {
            epochSecond++;
        }
        return epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND ? NO_DATE : epochSecond;
    }

    /** The fraction of a second of a date payload in microseconds, 0..1,000,000 (which carries). */
    private static long micros(double seconds) {
        return Math.round((seconds - Math.floor(seconds)) * 1e6);
    }

    // ------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes a record of version 1 or 2 that fills the whole array.
     *
     * @throws BlazeBinaryException if the bytes are not exactly one well-formed record
     */
    public static BlazeDataRecord decode(byte[] bytes) {
        return read(bytes, 0, bytes.length);
    }

    /**
     * Decodes a record of version 1 or 2 that fills {@code length} bytes of {@code bytes} from
     * {@code offset}. Error offsets count from {@code offset}.
     *
     * @throws BlazeBinaryException if the bytes are not exactly one well-formed record
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static BlazeDataRecord decode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return read(bytes, offset, length);
    }

    /**
     * Decodes a record of version 1 or 2 that fills {@code source} from its position to its
     * limit, and on success moves the position to the limit. On failure the position is left
     * unchanged. Error offsets count from the position.
     *
     * <p>A heap buffer is read in place; any other is copied to an array first.
     *
     * @throws BlazeBinaryException if the bytes are not exactly one well-formed record
     */
    public static BlazeDataRecord decode(ByteBuffer source) {
        int position = source.position();
        int length = source.remaining();
        BlazeDataRecord record;
        if (source.hasArray()) {
            record = read(source.array(), source.arrayOffset() + position, length);
        } else {
            byte[] copy = new byte[length];
            source.get(position, copy);
            record = read(copy, 0, length);
        }
        source.position(position + length);
        return record;
    }

    /**
     * Decodes a record. The fast pass leaves the order and uniqueness of keys to
     * {@link BlazeDataRecord#ofSorted} and {@link BlazeValue.DictionaryValue#ofSorted}, one
     * comparison per key; when they refuse (keys out of order or duplicated: non-canonical or
     * malformed input) or the input is malformed in any way, a careful pass decodes it again,
     * checking every key as it arrives, so that the error reported is the first one in the input
     * and out-of-order keys are sorted. Either pass is linear in the input's size.
     */
    private static BlazeDataRecord read(byte[] bytes, int offset, int length) {
        BlazeDataRecord lazy = lazyRecord(bytes, offset, offset + length);
        if (lazy != null) {
            return lazy;
        }
        try {
            return new Reader(bytes, offset, length, false).record();
        } catch (BlazeBinaryException | IllegalArgumentException e) {
            return new Reader(bytes, offset, length, true).record();
        }
    }

    /**
     * Compares strings by code point with one pass over their chars: UTF-16 order, except that
     * surrogates (supplementary code points) sort above U+E000..U+FFFF.
     */
    static int compareCodePoints(String a, String b) {
        if (a == b) {
            return 0;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    return fixUp(x) - fixUp(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /**
     * The keys of a record the decoder has met, in their canonical wire form, and a record with
     * those keys (and null values) that decoded records of the same keys share them with.
     * Immutable; the decoder keeps the last one seen per field count and first key byte.
     */
    private static final class Shape {
        /** Records with more fields are not cached: matching would gain little against decoding. */
        static final int MAX_FIELDS = 64;
        /** Nor are records whose long keys hold more chars than this in all: the cache stays near 1 MiB at most. */
        static final int MAX_KEY_CHARS = 1024;
        private static final int SLOTS = 256;

        /** Each key's table id, 0 for a key in the long form. */
        final byte[] ids;
        /** Each long-form key's bytes: 0xFF, u16 length, UTF-8; null for a table key. */
        final byte[][] wires;
        final BlazeDataRecord prototype;

        private Shape(byte[] ids, byte[][] wires, BlazeDataRecord prototype) {
            this.ids = ids;
            this.wires = wires;
            this.prototype = prototype;
        }

        /** The shape of a decoded record, or null when it is too large to cache. */
        static Shape of(BlazeDataRecord record) {
            int count = record.size();
            if (count > MAX_FIELDS) {
                return null;
            }
            byte[] ids = new byte[count];
            byte[][] wires = new byte[count][];
            BlazeValue[] nulls = new BlazeValue[count];
            int keyChars = 0;
            for (int i = 0; i < count; i++) {
                String key = record.keyAt(i);
                int id = tableId(key);
                ids[i] = (byte) id;
                if (id == 0) {
                    keyChars += key.length();
                    if (keyChars > MAX_KEY_CHARS) {
                        return null;
                    }
                    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8); // a decoded key: valid UTF-16
                    byte[] wire = new byte[3 + utf8.length];
                    wire[0] = (byte) LONG_KEY;
                    SHORT.set(wire, 1, (short) utf8.length);
                    System.arraycopy(utf8, 0, wire, 3, utf8.length);
                    wires[i] = wire;
                }
                nulls[i] = NULL;
            }
            return new Shape(ids, wires, record.withValues(nulls));
        }

        /** The cache slot for records of {@code count} fields whose first key begins at {@code pos}. */
        static int slot(int count, byte[] b, int pos, int end) {
            int first = b[pos] & 0xFF;
            if (first == LONG_KEY && end - pos > 3) {
                first = first << 16 ^ (b[pos + 2] & 0xFF) << 8 ^ (b[pos + 3] & 0xFF); // length, first byte
            }
            return mix(count, first);
        }

        /**
         * The cache slot for dictionaries of {@code count} entries whose first key begins at
         * {@code pos}, where at least 3 bytes remain: by the key's length and first byte.
         */
        static int dictionarySlot(int count, byte[] b, int pos) {
            return mix(count, (b[pos + 1] & 0xFF) << 8 ^ (b[pos + 2] & 0xFF));
        }

        private static int mix(int count, int first) {
            int h = (count * 0x9E3779B1) ^ first * 0x85EBCA6B;
            return (h ^ h >>> 16) & (SLOTS - 1);
        }
    }

    private static final Shape[] SHAPES = new Shape[Shape.SLOTS];

    /**
     * The keys of a dictionary the decoder has met, in their wire form (u16 length, UTF-8), and
     * a dictionary with those keys (and null values) that decoded dictionaries of the same keys
     * share them with. Immutable; the decoder keeps the last one seen per entry count and first
     * key, within the limits of {@link Shape}.
     */
    private static final class DictionaryShape {
        final byte[][] wires;
        final BlazeValue.DictionaryValue prototype;

        private DictionaryShape(byte[][] wires, BlazeValue.DictionaryValue prototype) {
            this.wires = wires;
            this.prototype = prototype;
        }

        /** The shape of a decoded dictionary, or null when it is too large to cache. */
        static DictionaryShape of(BlazeValue.DictionaryValue dictionary) {
            int count = dictionary.size();
            if (count > Shape.MAX_FIELDS) {
                return null;
            }
            byte[][] wires = new byte[count][];
            BlazeValue[] nulls = new BlazeValue[count];
            int keyChars = 0;
            for (int i = 0; i < count; i++) {
                String key = dictionary.keyAt(i);
                keyChars += key.length();
                if (keyChars > Shape.MAX_KEY_CHARS) {
                    return null;
                }
                byte[] utf8 = key.getBytes(StandardCharsets.UTF_8); // a decoded key: valid UTF-16
                byte[] wire = new byte[2 + utf8.length];
                SHORT.set(wire, 0, (short) utf8.length);
                System.arraycopy(utf8, 0, wire, 2, utf8.length);
                wires[i] = wire;
                nulls[i] = NULL;
            }
            return new DictionaryShape(wires, dictionary.withValues(nulls));
        }
    }

    private static final DictionaryShape[] DICTIONARY_SHAPES = new DictionaryShape[Shape.SLOTS];

    /** A one-shot decoder over a range of an array. */
    private static final class Reader {
        private final byte[] b;
        private final int base;
        private int end;
        private int pos;
        /** The table id of the key {@link #fieldKey()} read last, 0 for a key in the long form. */
        private int keyId;
        /** Whether to check keys as they arrive (else {@code ofSorted} checks them at the end). */
        private final boolean careful;

        Reader(byte[] b, int offset, int length, boolean careful) {
            this.b = b;
            this.base = offset;
            this.end = offset + length;
            this.pos = offset;
            this.careful = careful;
        }

        BlazeDataRecord record() {
            int length = end - base;
            if (length < HEADER_LENGTH || (int) INT.get(b, base) != MAGIC_INT || b[base + 4] != MAGIC[4]) {
                checkMagic(length);
            }
            int version = b[base + OFFSET_VERSION];
            if (version != VERSION_PLAIN && version != VERSION_CRC32) {
                throw fail("unsupported version " + hex(b[base + OFFSET_VERSION]) + ", expected 0x01 or 0x02", base + OFFSET_VERSION);
            }
            if (version == VERSION_CRC32) {
                if (length < HEADER_LENGTH + CRC_LENGTH) {
                    throw fail("truncated: a version 2 record needs at least " + (HEADER_LENGTH + CRC_LENGTH)
                            + " bytes (header and CRC32 trailer), the input has " + length, base + HEADER_LENGTH);
                }
                int trailer = end - CRC_LENGTH;
                CRC32 crc = new CRC32();
                crc.update(b, base, trailer - base);
                int expected = (int) INT.get(b, trailer);
                if ((int) crc.getValue() != expected) {
                    throw fail("CRC32 mismatch: the trailer says " + hex32(expected) + ", the bytes give "
                            + hex32((int) crc.getValue()), trailer);
                }
                end = trailer;
            }
            pos = base + OFFSET_FIELD_COUNT;
            int countAt = pos;
            int count = u16("the field count");
            if (count > (end - pos) / 2) {
                throw fail(count + " fields need at least " + 2L * count + " bytes, " + (end - pos) + " remain", countAt);
            }
            BlazeDataRecord record;
            if (count == 0) {
                record = BlazeDataRecord.empty();
            } else if (!careful) {
                return fastFields(count);
            } else {
                String[] keys = new String[count];
                BlazeValue[] values = new BlazeValue[count];
                // Duplicates: table keys by a bit per id; other keys by comparing each with the
                // previous one while they arrive sorted, and with a set once they do not.
                long tableKeys = 0;
                String lastOther = null;
                HashSet<String> others = null;
                boolean sorted = true;
                for (int i = 0; i < count; i++) {
                    int keyAt = pos;
                    String key = fieldKey();
                    int id = keyId != 0 ? keyId : tableId(key); // a table key in the long form is still that key
                    if (id != 0) {
                        if ((tableKeys & (1L << id)) != 0) {
                            throw duplicate("field", key, keyAt);
                        }
                        tableKeys |= 1L << id;
                    } else if (others == null) {
                        if (lastOther != null) {
                            int order = compareCodePoints(lastOther, key);
                            if (order == 0) {
                                throw duplicate("field", key, keyAt);
                            }
                            if (order > 0) {
                                others = new HashSet<>();
                                for (int j = 0; j < i; j++) {
                                    if (tableId(keys[j]) == 0) {
                                        others.add(keys[j]);
                                    }
                                }
                                if (!others.add(key)) {
                                    throw duplicate("field", key, keyAt);
                                }
                            }
                        }
                        lastOther = key;
                    } else if (!others.add(key)) {
                        throw duplicate("field", key, keyAt);
                    }
                    sorted &= i == 0 || compareCodePoints(keys[i - 1], key) < 0;
                    keys[i] = key;
                    values[i] = value(0);
                }
                record = sorted ? BlazeDataRecord.ofSorted(keys, values)
                        : new BlazeDataRecord(new ArrayMap(keys, values));
            }
            if (pos != end) {
                throw fail((end - pos) + " bytes follow the record", pos);
            }
            return record;
        }

        /**
         * The fields of the fast pass. When the keys are those of the shape cached for this field
         * count and first key byte, in the same wire form, they are matched byte for byte and the
         * record shares the shape's key array; else they are decoded, checked by
         * {@link BlazeDataRecord#ofSorted}, and become the cached shape.
         */
        private BlazeDataRecord fastFields(int count) {
            int slot = Shape.slot(count, b, pos, end);
            Shape shape = SHAPES[slot];
            BlazeValue[] values = new BlazeValue[count];
            int i = 0;
            if (shape != null && shape.ids.length == count) {
                byte[] ids = shape.ids;
                for (; i < count; i++) {
                    int id = ids[i];
                    if (id != 0) {
                        if (pos >= end || b[pos] != id) {
                            break;
                        }
                        pos++;
                    } else {
                        byte[] wire = shape.wires[i];
                        int n = wire.length;
                        if (n > end - pos || !sameBytes(b, pos, wire, n)) {
                            break;
                        }
                        pos += n;
                    }
                    // value(0), inlined by hand: the JIT inlines the common cases into this loop
                    // then, where a call to value() stays a call once that is compiled big.
                    int p = pos;
                    int remain = end - p - 1;
                    BlazeValue value = null;
                    if (remain >= 0) {
                        int tag = b[p] & 0xFF;
                        value = (tag & 0xF0) == TAG_INLINE_STRING || tag == TAG_STRING
                                ? commonString(tag, p, remain) : commonScalar(tag, p, remain);
                    }
                    values[i] = value != null ? value : value(0);
                }
                if (i == count) {
                    if (pos != end) {
                        throw fail((end - pos) + " bytes follow the record", pos);
                    }
                    return shape.prototype.withValues(values);
                }
            }
            String[] keys = new String[count];
            for (int j = 0; j < i; j++) {
                keys[j] = shape.prototype.keyAt(j);
            }
            for (; i < count; i++) {
                keys[i] = fieldKey();
                values[i] = value(0);
            }
            if (pos != end) {
                throw fail((end - pos) + " bytes follow the record", pos);
            }
            BlazeDataRecord record = BlazeDataRecord.ofSorted(keys, values);
            Shape seen = Shape.of(record);
            if (seen != null) {
                SHAPES[slot] = seen;
            }
            return record;
        }

        /** Whether the {@code n} bytes at {@code at} are those of {@code wire}: eight at a time. */
        static boolean sameBytes(byte[] b, int at, byte[] wire, int n) {
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                if ((long) LONG.get(b, at + i) != (long) LONG.get(wire, i)) {
                    return false;
                }
            }
            for (; i < n; i++) {
                if (b[at + i] != wire[i]) {
                    return false;
                }
            }
            return true;
        }

        /** Throws the right error for a header that is short or does not start with the magic. */
        private void checkMagic(int length) {
            for (int i = 0; i < MAGIC.length; i++) {
                if (i == length) {
                    throw fail("truncated: the input ends inside the magic \"BLAZE\"", base + i);
                }
                if (b[base + i] != MAGIC[i]) {
                    throw fail("not a BlazeBinary record: the magic is not \"BLAZE\" (byte " + hex(b[base + i]) + ")", base);
                }
            }
            throw fail("truncated: the header needs " + HEADER_LENGTH + " bytes, the input has " + length, base + length);
        }

        /**
         * Rejects a duplicate key. Sorted keys (the canonical form) need one comparison each;
         * out-of-order keys are tolerated and checked with a set from the first one on.
         */
        private HashSet<String> checkUnique(String[] keys, int i, String key, int keyAt, HashSet<String> seen, String what) {
            if (seen == null) {
                int order = compareCodePoints(keys[i - 1], key);
                if (order < 0) {
                    return null;
                }
                if (order > 0) {
                    seen = new HashSet<>(Arrays.asList(keys).subList(0, i));
                }
            }
            if (seen == null || !seen.add(key)) {
                throw duplicate(what, key, keyAt);
            }
            return seen;
        }

        private BlazeBinaryException duplicate(String what, String key, int keyAt) {
            return fail("duplicate " + what + " key " + quote(key), keyAt);
        }

        private String fieldKey() {
            if (pos >= end) {
                throw fail("truncated: the input ends where a field key should begin", pos);
            }
            int id = b[pos] & 0xFF;
            if (id >= 1 && id <= MAX_KEY_ID) {
                pos++;
                keyId = id;
                return KEYS[id];
            }
            if (id != LONG_KEY) {
                throw fail("unknown key id " + hex(b[pos]), pos);
            }
            pos++;
            int lengthAt = pos;
            int length = u16("a key length");
            keyId = 0;
            return utf8(length, lengthAt, "key");
        }

        /**
         * Reads a value. The common kinds are read here, in few enough bytecodes for the JIT to
         * inline this into its callers; {@link #otherValue} reads the rest.
         */
        private BlazeValue value(int depth) {
            int p = pos;
            int remain = end - p - 1;
            if (remain >= 0) {
                int tag = b[p] & 0xFF;
                BlazeValue value = (tag & 0xF0) == TAG_INLINE_STRING || tag == TAG_STRING
                        ? commonString(tag, p, remain) : commonScalar(tag, p, remain);
                if (value != null) {
                    return value;
                }
            }
            pos = p + 1;
            return otherValue(remain < 0 ? -1 : b[p] & 0xFF, p, depth);
        }

        /** A string in full inside the input, or null (and the position unmoved). */
        private BlazeValue commonString(int tag, int p, int remain) {
            int length;
            int start;
            if (tag == TAG_STRING) {
                if (remain < 4) {
                    return null;
                }
                length = (int) INT.get(b, p + 1);
                start = p + 5;
                if (length < 0 || length > remain - 4) {
                    return null;
                }
            } else {
                length = tag & 0x0F;
                start = p + 1;
                if (length == 0 || length > remain) {
                    return null;
                }
            }
            pos = start;
            return new BlazeValue.StringValue(utf8(length, tag == TAG_STRING ? p + 1 : p, "string"));
        }

        /** A small int, int, double, bool or uuid in full inside the input, or null (and the position unmoved). */
        private BlazeValue commonScalar(int tag, int p, int remain) {
            int size = fixedSize(tag);
            if (size > 0 && size - 1 <= remain) {
                pos = p + size;
                return fixedValue(b, p, tag);
            }
            return null;
        }

        /** Reads the value after {@code tag} at {@code tagAt}: any kind, and any truncation error. */
        private BlazeValue otherValue(int tag, int tagAt, int depth) {
            if (tag < 0) {
                throw fail("truncated: the input ends where a value should begin", tagAt);
            }
            if ((tag & 0xF0) == TAG_INLINE_STRING && tag != TAG_INLINE_STRING) {
                int length = tag & 0x0F;
                if (length > end - pos) {
                    throw fail("truncated: an inline string of " + length + " bytes, " + (end - pos) + " remain", tagAt);
                }
                return new BlazeValue.StringValue(utf8(length, tagAt, "string"));
            }
            switch (tag) {
                case TAG_EMPTY_STRING:
                    return EMPTY_STRING;
                case TAG_STRING: {
                    int lengthAt = pos;
                    int length = u32Length("string");
                    return new BlazeValue.StringValue(utf8(length, lengthAt, "string"));
                }
                case TAG_SMALL_INT:
                    need(1, "small int");
                    return SMALL_INTS[b[pos++] & 0xFF];
                case TAG_INT: {
                    need(8, "int");
                    long n = (long) LONG.get(b, pos);
                    pos += 8;
                    return (n & ~0xFFL) == 0 ? SMALL_INTS[(int) n] : new BlazeValue.IntValue(n);
                }
                case TAG_DOUBLE: {
                    need(8, "double");
                    double d = Double.longBitsToDouble((long) LONG.get(b, pos));
                    pos += 8;
                    return new BlazeValue.DoubleValue(d);
                }
                case TAG_BOOL:
                    need(1, "bool");
                    return b[pos++] != 0 ? TRUE : FALSE;
                case TAG_UUID: {
                    need(16, "uuid");
                    UUID uuid = new UUID((long) LONG.get(b, pos), (long) LONG.get(b, pos + 8));
                    pos += 16;
                    return new BlazeValue.UuidValue(uuid);
                }
                case TAG_DATE: {
                    need(8, "date");
                    double seconds = Double.longBitsToDouble((long) LONG.get(b, pos));
                    Instant instant = instantFromSeconds(seconds);
                    if (instant == null) {
                        throw fail("date " + seconds + " s since 2001-01-01 is outside the range of java.time.Instant", pos);
                    }
                    pos += 8;
                    return new BlazeValue.DateValue(instant);
                }
                case TAG_DATA: {
                    int length = u32Length("data");
                    BlazeValue data = BlazeValue.DataValue.copyOf(b, pos, length);
                    pos += length;
                    return data;
                }
                case TAG_VECTOR: {
                    int countAt = pos;
                    need(4, "vector count");
                    long count = (int) INT.get(b, pos) & 0xFFFFFFFFL;
                    pos += 4;
                    if (count * 4 > end - pos) {
                        throw fail("a vector of " + count + " floats needs " + count * 4 + " bytes, " + (end - pos) + " remain", countAt);
                    }
                    BlazeValue vector = BlazeValue.VectorValue.ofBigEndianBits(b, pos, (int) count);
                    pos += 4 * (int) count;
                    return vector;
                }
                case TAG_NULL:
                    return NULL;
                case TAG_EMPTY_ARRAY:
                    checkDepth(depth, tagAt);
                    return EMPTY_ARRAY;
                case TAG_EMPTY_DICTIONARY:
                    checkDepth(depth, tagAt);
                    return EMPTY_DICTIONARY;
                case TAG_ARRAY:
                    checkDepth(depth, tagAt);
                    return array(depth + 1);
                case TAG_DICTIONARY:
                    checkDepth(depth, tagAt);
                    return dictionary(depth + 1);
                default:
                    throw fail("unknown value tag " + hex((byte) tag), tagAt);
            }
        }

        private BlazeValue array(int depth) {
            int countAt = pos;
            int count = u16("an array count");
            if (count > end - pos) {
                throw fail("an array of " + count + " values needs at least " + count + " bytes, " + (end - pos) + " remain", countAt);
            }
            if (count == 0) {
                return EMPTY_ARRAY;
            }
            BlazeValue[] values = new BlazeValue[count];
            for (int i = 0; i < count; i++) {
                values[i] = value(depth);
            }
            return BlazeValue.ArrayValue.of(values);
        }

        private BlazeValue dictionary(int depth) {
            int countAt = pos;
            int count = u16("a dictionary count");
            if (count > (end - pos) / 3) {
                throw fail("a dictionary of " + count + " entries needs at least " + 3L * count + " bytes, "
                        + (end - pos) + " remain", countAt);
            }
            if (count == 0) {
                return EMPTY_DICTIONARY;
            }
            if (!careful) {
                return fastDictionary(count, depth);
            }
            String[] keys = new String[count];
            BlazeValue[] values = new BlazeValue[count];
            HashSet<String> seen = null;
            boolean sorted = true;
            for (int i = 0; i < count; i++) {
                int keyAt = pos;
                int length = u16("a dictionary key length");
                String key = utf8(length, keyAt, "dictionary key");
                if (i > 0) {
                    seen = checkUnique(keys, i, key, keyAt, seen, "dictionary");
                    sorted &= seen == null;
                }
                keys[i] = key;
                values[i] = value(depth);
            }
            return sorted ? BlazeValue.DictionaryValue.ofSorted(keys, values)
                    : new BlazeValue.DictionaryValue(new ArrayMap(keys, values));
        }

        /**
         * The entries of a dictionary in the fast pass: as {@link #fastFields}, the keys are
         * matched byte for byte against the shape cached for this count and first key, else
         * decoded, checked by {@link BlazeValue.DictionaryValue#ofSorted}, and cached.
         */
        private BlazeValue fastDictionary(int count, int depth) {
            BlazeValue[] values = new BlazeValue[count];
            int slot = Shape.dictionarySlot(count, b, pos);
            DictionaryShape shape = DICTIONARY_SHAPES[slot];
            int i = 0;
            if (shape != null && shape.wires.length == count) {
                byte[][] wires = shape.wires;
                for (; i < count; i++) {
                    byte[] wire = wires[i];
                    int n = wire.length;
                    if (n > end - pos || !sameBytes(b, pos, wire, n)) {
                        break;
                    }
                    pos += n;
                    values[i] = value(depth);
                }
                if (i == count) {
                    return shape.prototype.withValues(values);
                }
            }
            String[] keys = new String[count];
            for (int j = 0; j < i; j++) {
                keys[j] = shape.prototype.keyAt(j);
            }
            for (; i < count; i++) {
                int keyAt = pos;
                keys[i] = utf8(u16("a dictionary key length"), keyAt, "dictionary key");
                values[i] = value(depth);
            }
            BlazeValue.DictionaryValue dictionary = BlazeValue.DictionaryValue.ofSorted(keys, values);
            DictionaryShape seen = DictionaryShape.of(dictionary);
            if (seen != null) {
                DICTIONARY_SHAPES[slot] = seen;
            }
            return dictionary;
        }

        private void checkDepth(int depth, int tagAt) {
            if (depth >= MAX_DEPTH) {
                throw fail("arrays and dictionaries nested deeper than " + MAX_DEPTH, tagAt);
            }
        }

        private void need(int n, String what) {
            if (end - pos < n) {
                throw fail("truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " remain", pos);
            }
        }

        private int u16(String what) {
            need(2, what);
            int n = (short) SHORT.get(b, pos) & 0xFFFF;
            pos += 2;
            return n;
        }

        /** Reads a u32 length and checks it against the bytes that remain after it. */
        private int u32Length(String what) {
            int lengthAt = pos;
            need(4, what + " length");
            long length = (int) INT.get(b, pos) & 0xFFFFFFFFL;
            pos += 4;
            if (length > end - pos) {
                throw fail(what + " of " + length + " bytes, " + (end - pos) + " remain", lengthAt);
            }
            return (int) length;
        }

        /**
         * Decodes {@code length} bytes at the position as UTF-8, rejecting invalid sequences;
         * {@code lengthAt} is where the item began, for a length that exceeds the input.
         */
        private String utf8(int length, int lengthAt, String what) {
            int start = pos;
            if (length > end - start) {
                throw fail(what + " of " + length + " bytes, " + (end - start) + " remain", lengthAt);
            }
            // The JDK's decoder is intrinsic for ASCII and replaces each malformed sequence with
            // U+FFFD, which must be refused: a U+FFFD anywhere in its output (never in a Latin-1
            // string, where indexOf answers at once) sends the bytes to our own, strict decoder.
            String s = new String(b, start, length, StandardCharsets.UTF_8);
            if (s.indexOf(REPLACEMENT) >= 0) {
                s = decodeUtf8(start, start, start + length, what);
            }
            pos = start + length;
            return s;
        }

        /**
         * Decodes well-formed UTF-8 (Unicode table 3-7) from {@code start} to {@code stop}, where
         * the bytes before {@code ascii} are ASCII; rejects overlong forms, surrogates, code
         * points above U+10FFFF and cut sequences at their first byte.
         */
        private String decodeUtf8(int start, int ascii, int stop, String what) {
            char[] out = new char[stop - start]; // never more UTF-16 units than UTF-8 bytes
            int n = 0;
            for (int k = start; k < ascii; k++) {
                out[n++] = (char) b[k];
            }
            int i = ascii;
            while (i < stop) {
                int lead = b[i];
                if (lead >= 0) {
                    out[n++] = (char) lead;
                    i++;
                    continue;
                }
                lead &= 0xFF;
                int sequence = utf8Sequence(lead);
                if (sequence == 0) {
                    throw fail("invalid UTF-8 in " + what + ": byte " + hex(b[i]) + " cannot begin a character", i);
                }
                int size = sequence & 0xFF;
                int min = (sequence >>> 8) & 0xFF;
                int max = sequence >>> 16;
                if (stop - i < size) {
                    throw fail("invalid UTF-8 in " + what + ": a " + size + "-byte sequence is cut off", i);
                }
                int second = b[i + 1] & 0xFF;
                if (second < min || second > max) {
                    throw fail("invalid UTF-8 in " + what + ": " + hex(b[i]) + " " + hex(b[i + 1])
                            + " is overlong, a surrogate, above U+10FFFF or not a continuation", i);
                }
                int cp = (lead & (0xFF >>> (size + 1))) << 6 | (second & 0x3F);
                for (int k = 2; k < size; k++) {
                    int next = b[i + k];
                    if ((next & 0xC0) != 0x80) {
                        throw fail("invalid UTF-8 in " + what + ": byte " + hex(b[i + k]) + " is not a continuation byte", i);
                    }
                    cp = cp << 6 | (next & 0x3F);
                }
                if (cp < 0x10000) {
                    out[n++] = (char) cp;
                } else {
                    out[n++] = Character.highSurrogate(cp);
                    out[n++] = Character.lowSurrogate(cp);
                }
                i += size;
            }
            return new String(out, 0, n);
        }

        private BlazeBinaryException fail(String reason, int at) {
            return new BlazeBinaryException(reason, at - base);
        }

        private static String hex(byte value) {
            return String.format("0x%02X", value & 0xFF);
        }

        private static String hex32(int value) {
            return String.format("0x%08X", value);
        }
    }

    /**
     * The record in {@code input} from {@code base} to {@code end} when it is well-formed and its
     * keys are those of the shape cached for it, byte for byte: its values are checked now by
     * {@link #skip}, which accepts only what the eager decoder decodes without an error, and
     * made when first read from a private copy of the bytes, the copy that was checked
     * (docs/decisions/0002). Null for anything else (another shape, or any doubt about the
     * input): the eager decoder then decodes the record or reports the input's first error.
     * Throws nothing.
     *
     * <p>The copy holds the record's bytes and, after them, where each value begins (an int
     * per field): one array for both.
     */
    private static BlazeDataRecord lazyRecord(byte[] input, int base, int end) {
        int length = end - base;
        if (length <= HEADER_LENGTH) {
            return null;
        }
        int count = (short) SHORT.get(input, base + OFFSET_FIELD_COUNT) & 0xFFFF;
        if (count == 0 || count > Shape.MAX_FIELDS) {
            return null;
        }
        Shape shape = SHAPES[Shape.slot(count, input, base + HEADER_LENGTH, end)];
        if (shape == null || shape.ids.length != count) {
            return null;
        }
        // Copied first and checked in the copy, keys included: what is checked is what the
        // record keeps, even if the caller changes its array meanwhile; and an array filled by
        // a copy straight after it is made is not zeroed first.
        byte[] b = new byte[length + 4 * count];
        System.arraycopy(input, base, b, 0, length);
        end = length;
        if ((int) INT.get(b, 0) != MAGIC_INT || b[4] != MAGIC[4]
                || ((short) SHORT.get(b, OFFSET_FIELD_COUNT) & 0xFFFF) != count) {
            return null;
        }
        int version = b[OFFSET_VERSION];
        if (version == VERSION_CRC32) {
            if (length < HEADER_LENGTH + CRC_LENGTH) {
                return null;
            }
            end -= CRC_LENGTH;
            CRC32 crc = new CRC32();
            crc.update(b, 0, end);
            if ((int) crc.getValue() != (int) INT.get(b, end)) {
                return null;
            }
        } else if (version != VERSION_PLAIN) {
            return null;
        }
        int p = HEADER_LENGTH;
        byte[] ids = shape.ids;
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id != 0) {
                if (p >= end || b[p] != id) {
                    return null;
                }
                p++;
            } else {
                byte[] wire = shape.wires[i];
                int n = wire.length;
                if (n > end - p || !Reader.sameBytes(b, p, wire, n)) {
                    return null;
                }
                p += n;
            }
            INT.set(b, length + 4 * i, p);
            if ((p = next(b, p, end, 0)) < 0) {
                return null;
            }
        }
        if (p != end) {
            return null;
        }
        return shape.prototype.withLazyValues(new LazyValues(b, length));
    }

    /**
     * The whole size (tag included) of a value of a kind whose size the tag alone gives and which
     * decodes whatever its payload holds; 0 for the others. Branches, not a table: in a walk over
     * values the next position then follows from the (predicted) branch taken rather than from a
     * table entry loaded after the tag, so the walk does not wait for two loads per value
     * (standard record decode 0.79-0.89 against the table, side by side).
     */
    private static int fixedSize(int tag) {
        switch (tag) {
            case TAG_SMALL_INT:
            case TAG_BOOL:
                return 2;
            case TAG_INT:
            case TAG_DOUBLE:
                return 9;
            case TAG_UUID:
                return 17;
            case TAG_NULL:
            case TAG_EMPTY_STRING:
                return 1;
            default:
                return 0;
        }
    }

    /**
     * The value of a kind that {@link #fixedSize} gives a size for, whose tag {@code tag} is at
     * {@code p} and whose payload the caller has checked is inside {@code b}; null for any
     * other tag.
     */
    private static BlazeValue fixedValue(byte[] b, int p, int tag) {
        switch (tag) {
            case TAG_DOUBLE:
                return new BlazeValue.DoubleValue(Double.longBitsToDouble((long) LONG.get(b, p + 1)));
            case TAG_INT: {
                long n = (long) LONG.get(b, p + 1);
                return (n & ~0xFFL) == 0 ? SMALL_INTS[(int) n] : new BlazeValue.IntValue(n);
            }
            case TAG_UUID:
                return new BlazeValue.UuidValue(new UUID((long) LONG.get(b, p + 1), (long) LONG.get(b, p + 9)));
            case TAG_SMALL_INT:
                return SMALL_INTS[b[p + 1] & 0xFF];
            case TAG_BOOL:
                return b[p + 1] != 0 ? TRUE : FALSE;
            case TAG_NULL:
                return NULL;
            case TAG_EMPTY_STRING:
                return EMPTY_STRING;
            default:
                return null;
        }
    }

    /**
     * Steps over the value at {@code p} when {@link Reader#value} would decode it without an
     * error (and so would the careful pass): every length inside the input, tags and UTF-8
     * valid, dates inside the range of {@link Instant}, nesting within {@value #MAX_DEPTH},
     * dictionary keys in strictly increasing order (the byte order of UTF-8 is code-point
     * order). Returns the position after the value, or -1 for anything else, including valid
     * but non-canonical dictionaries whose keys are out of order. Allocates nothing.
     */
    static int skip(byte[] b, int p, int end, int depth) {
        if (p >= end) {
            return -1;
        }
        int tag = b[p++] & 0xFF;
        int remain = end - p;
        if ((tag & 0xF0) == TAG_INLINE_STRING) {
            int length = tag & 0x0F;
            return length == 0 || length > remain || !validUtf8(b, p, length) ? -1 : p + length;
        }
        switch (tag) {
            case TAG_EMPTY_STRING:
            case TAG_NULL:
            case TAG_SMALL_INT:
            case TAG_BOOL:
            case TAG_INT:
            case TAG_DOUBLE:
            case TAG_UUID: {
                int payload = fixedSize(tag) - 1;
                return payload <= remain ? p + payload : -1;
            }
            case TAG_STRING: {
                if (remain < 4) {
                    return -1;
                }
                long length = (int) INT.get(b, p) & 0xFFFFFFFFL;
                return length > remain - 4 || !validUtf8(b, p + 4, (int) length) ? -1 : p + 4 + (int) length;
            }
            case TAG_DATE:
                return remain >= 8 && epochSecond(Double.longBitsToDouble((long) LONG.get(b, p))) != NO_DATE ? p + 8 : -1;
            case TAG_DATA: {
                if (remain < 4) {
                    return -1;
                }
                long length = (int) INT.get(b, p) & 0xFFFFFFFFL;
                return length <= remain - 4 ? p + 4 + (int) length : -1;
            }
            case TAG_VECTOR: {
                if (remain < 4) {
                    return -1;
                }
                long count = (int) INT.get(b, p) & 0xFFFFFFFFL;
                return count * 4 <= remain - 4 ? p + 4 + 4 * (int) count : -1;
            }
            case TAG_EMPTY_ARRAY:
            case TAG_EMPTY_DICTIONARY:
                return depth < MAX_DEPTH ? p : -1;
            case TAG_ARRAY: {
                if (depth >= MAX_DEPTH || remain < 2) {
                    return -1;
                }
                int count = (short) SHORT.get(b, p) & 0xFFFF;
                p += 2;
                for (int i = 0; i < count && p >= 0; i++) {
                    p = next(b, p, end, depth + 1);
                }
                return p;
            }
            case TAG_DICTIONARY:
                return depth < MAX_DEPTH && remain >= 2 ? skipEntries(b, p, end, depth + 1) : -1;
            default:
                return -1;
        }
    }

    /**
     * {@link #skip}, with a value of fixed size stepped over here: a few instructions that the
     * JIT keeps inside the caller's loop over values, the other kinds in the call.
     */
    private static int next(byte[] b, int p, int end, int depth) {
        int size = p < end ? fixedSize(b[p] & 0xFF) : 0;
        return size > 0 && size <= end - p ? p + size : skip(b, p, end, depth);
    }

    /** {@link #skip} for the entries of a dictionary whose count is at {@code p}. */
    private static int skipEntries(byte[] b, int p, int end, int depth) {
        int count = (short) SHORT.get(b, p) & 0xFFFF;
        p += 2;
        int previous = -1;
        int previousLength = 0;
        for (int i = 0; i < count; i++) {
            if (end - p < 2) {
                return -1;
            }
            int length = (short) SHORT.get(b, p) & 0xFFFF;
            int key = p + 2;
            if (length > end - key || !validUtf8(b, key, length)) {
                return -1;
            }
            if (previous >= 0 && Arrays.compareUnsigned(b, previous, previous + previousLength, b, key, key + length) >= 0) {
                return -1;
            }
            previous = key;
            previousLength = length;
            if ((p = next(b, key + length, end, depth)) < 0) {
                return -1;
            }
        }
        return p;
    }

    /**
     * What a UTF-8 lead byte (0x80 to 0xFF) begins, by Unicode table 3-7: the sequence's size in
     * bits 0-7 and the range its second byte must fall in, in bits 8-15 (lowest) and 16-23
     * (highest), which rules out overlong forms, surrogates and code points above U+10FFFF; 0 when
     * the byte cannot begin a character. The decoder and the validator share it.
     */
    static int utf8Sequence(int lead) {
        int min = 0x80;
        int max = 0xBF;
        int size;
        if (lead >= 0xC2 && lead <= 0xDF) {
            size = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            size = 3;
            if (lead == 0xE0) {
                min = 0xA0; // overlong
            } else if (lead == 0xED) {
                max = 0x9F; // surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            size = 4;
            if (lead == 0xF0) {
                min = 0x90; // overlong
            } else if (lead == 0xF4) {
                max = 0x8F; // above U+10FFFF
            }
        } else {
            return 0;
        }
        return size | min << 8 | max << 16;
    }

    /**
     * Whether the {@code n} bytes at {@code p} are well-formed UTF-8 (Unicode table 3-7, what
     * {@link Reader#utf8} accepts): ASCII eight bytes at a time, other sequences one by one.
     * ASCII last bytes, fewer than eight, are read as the low bytes of the eight that end with
     * them when the array holds eight bytes there (it does inside a record, whose header comes
     * first): short strings and keys, and the end of a string after its last sequence, take one
     * read instead of a loop.
     */
    static boolean validUtf8(byte[] b, int p, int n) {
        int stop = p + n;
        int i = p;
        while (true) {
            while (stop - i >= 8 && ((long) LONG.get(b, i) & 0x8080_8080_8080_8080L) == 0) {
                i += 8;
            }
            int left = stop - i;
            if (left == 0 || left < 8 && stop >= 8
                    && ((long) LONG.get(b, stop - 8) & 0x8080_8080_8080_8080L & ~(-1L << 8 * left)) == 0) {
                return true;
            }
            int lead = b[i];
            if (lead >= 0) {
                i++;
                continue;
            }
            int sequence = utf8Sequence(lead & 0xFF);
            if (sequence == 0) {
                return false;
            }
            int size = sequence & 0xFF;
            int min = (sequence >>> 8) & 0xFF;
            int max = sequence >>> 16;
            if (left < size) {
                return false;
            }
            int second = b[i + 1] & 0xFF;
            if (second < min || second > max) {
                return false;
            }
            for (int k = 2; k < size; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += size;
        }
    }

    /**
     * The values of a record that {@link #lazyRecord} has checked: a private copy of the
     * record's bytes (so later changes to the caller's array cannot reach the record) and where
     * each value begins. Each value is decoded, by the decoder's own code, when first read.
     */
    private static final class LazyValues implements BlazeDataRecord.ValueSource {
        /** The record's bytes (a version 2 record's CRC32 trailer too), then an int per field: where its value begins. */
        private final byte[] bytes;
        private final int length;

        LazyValues(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        /**
         * The value at {@code index}: scalars and strings here (the bytes are checked, so the
         * JDK's UTF-8 decoder meets no malformed input and gives what the eager decoder gives),
         * anything else by a {@link Reader}.
         */
        @Override
        public BlazeValue value(int index) {
            byte[] b = bytes;
            int p = (int) INT.get(b, length + 4 * index);
            int tag = b[p] & 0xFF;
            BlazeValue value = fixedValue(b, p, tag);
            if (value != null) {
                return value;
            }
            if ((tag & 0xF0) == TAG_INLINE_STRING) {
                return new BlazeValue.StringValue(new String(b, p + 1, tag & 0x0F, StandardCharsets.UTF_8));
            }
            if (tag == TAG_STRING) {
                return new BlazeValue.StringValue(new String(b, p + 5, (int) INT.get(b, p + 1), StandardCharsets.UTF_8));
            }
            Reader reader = new Reader(b, 0, length, false);
            reader.pos = p;
            return reader.value(0);
        }
    }

    /** A read-only map over parallel arrays, handed to the record and dictionary constructors. */
    private static final class ArrayMap extends AbstractMap<String, BlazeValue> {
        private final String[] keys;
        private final BlazeValue[] values;

        ArrayMap(String[] keys, BlazeValue[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super BlazeValue> action) {
            for (int i = 0; i < keys.length; i++) {
                action.accept(keys[i], values[i]);
            }
        }

        @Override
        public Set<Entry<String, BlazeValue>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public Iterator<Entry<String, BlazeValue>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        public Entry<String, BlazeValue> next() {
                            if (next >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }
            };
        }
    }
}
