package dev.blazedb.internal.storage;

import dev.blazedb.Argon2Params;
import dev.blazedb.CorruptDatabaseException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The BlazeDB log file format, version 1: a plaintext header, then sealed frames, appended only.
 * docs/storage-format.md has the same diagrams and the reasoning behind them. All integers are
 * big-endian.
 *
 * <h2>Header (256 bytes, at offset 0)</h2>
 * <pre>
 * offset size field
 *      0    8 magic "BLZDBLOG" (42 4C 5A 44 42 4C 4F 47)
 *      8    2 format version = 1
 *     10    2 header length = 256 (entries start here)
 *     12    1 KDF algorithm: 1 = Argon2id v1.3
 *     13    1 KDF parallelism (lanes)
 *     14    2 reserved, 0
 *     16    4 KDF memory, KiB
 *     20    4 KDF iterations
 *     24   16 salt (random per database)
 *     40   12 key-wrap nonce (random)
 *     52   64 wrapped key: AES-256-GCM under KEK = Argon2id(password, salt), AAD = bytes 0..51,
 *             of [data key (32) | node id (16)], then the 16-byte tag. The tag is the key check:
 *             a wrong password fails here, before anything else is read or written.
 *    116   16 log id: random per log file, new on each compaction; bound into every frame's AAD
 *             and into the checkpoint, so frames and checkpoints of another log never verify
 *    132  120 reserved, 0
 *    252    4 CRC32C of bytes 0..251 (tells a damaged header from a wrong password)
 * </pre>
 *
 * <h2>Frame (one log entry)</h2>
 * <pre>
 * +---------+---------+-----------+------------------------+---------+
 * | length  | hdr crc | nonce     | ciphertext             | GCM tag |
 * | u32     | u32     | 12 bytes  | length - 36 bytes      | 16 B    |
 * +---------+---------+-----------+------------------------+---------+
 * length  = the whole frame, 36 + plaintext length, at most {@value #MAX_FRAME_LENGTH}
 * hdr crc = CRC32C of the length and nonce fields: finds frame boundaries when resynchronising
 *           after damage; integrity comes from the tag
 * nonce   = 8-byte random prefix chosen at each open (re-drawn when the counter wraps)
 *           | 4-byte counter: never repeats under one data key, across crashes and reopen too
 * AAD     = log id (16) | frame position in the file (u64) | length (u32): a frame verifies only
 *           at its own place in its own log, so frames cannot be moved, swapped or replayed
 * </pre>
 *
 * <h2>Plaintext of a frame (entry payload version 1)</h2>
 * <pre>
 * offset size field
 *      0    1 payload version = 1
 *      1    1 kind: 1 = PUT (insert or update), 2 = TOMBSTONE (delete), 3 = META (named value)
 *      2    1 flags: 0x01 COMMIT   last entry of its transaction; a transaction (one write, or one
 *                                  insertMany) counts only once its COMMIT entry is in the log
 *                    0x02 CREATE   the PUT created the record (INSERT, else UPDATE)
 *                    0x04 REMOTE   applied from a peer, not written locally
 *      3    1 reserved, 0
 *      4    8 sequence: local change number, from 1, +1 per change (0 for META)
 *     12    8 hybrid-logical-clock timestamp (48-bit ms | 16-bit counter)
 *     20   16 origin node id (own node id for local writes)
 *     36    8 origin sequence (the sequence on the origin node; own sequence for local writes)
 *     44   16 record id (zero for META)
 *     60    2 name length N
 *     62    N name, UTF-8: the collection (PUT, TOMBSTONE) or the metadata key (META)
 *   62+N    4 body length B
 *   66+N    B body: the record in BlazeBinary v1 (PUT), empty (TOMBSTONE), the value (META)
 * 66+N+B    - optional sections up to the end of the plaintext, each
 *             [type u16 | length u32 | bytes]; readers skip types they do not know.
 *             type 1 = per-field HLC versions: count u16, then per field
 *                      [key length u16 | key UTF-8 | HLC u64]
 * </pre>
 *
 * <h2>Plaintext of a frame holding an entry group (payload version 2)</h2>
 * <pre>
 * offset size field
 *      0    1 payload version = 2 (an entry group)
 *      1    1 entry count n, 2 to 64
 *      2    2 reserved, 0
 *      4    - n times: [entry length L u32 | entry payload version 1, L bytes]; the entries fill
 *             the plaintext exactly
 * </pre>
 * Consecutive entries of one transaction (an {@code insertMany}, a batch applied from a peer)
 * share a frame up to {@value #GROUP_TARGET} plaintext bytes: one seal costs about as much for
 * 1 KiB as for 180 bytes (docs/storage-format.md). Only the last entry of a group may carry
 * COMMIT. An entry is addressed by its frame's position and its slot ({@link EntryAddress}).
 *
 * <p>Recovery replays frames in order and applies a transaction's entries when its COMMIT entry
 * arrives. A frame that fails its checks with no authentic COMMIT frame after it is a torn tail:
 * it is truncated. Damage followed by authentic committed data is corruption.
 */
public final class LogFormat {

    /** The log magic, "BLZDBLOG". */
    public static final byte[] MAGIC = "BLZDBLOG".getBytes(StandardCharsets.US_ASCII);
    /** The log format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The header length; the first frame starts here. */
    public static final int HEADER_LENGTH = 256;
    /** KDF algorithm id of Argon2id v1.3. */
    public static final int KDF_ARGON2ID = 1;

    static final int OFF_VERSION = 8;
    static final int OFF_HEADER_LENGTH = 10;
    static final int OFF_KDF_ALG = 12;
    static final int OFF_KDF_PARALLELISM = 13;
    static final int OFF_KDF_MEMORY = 16;
    static final int OFF_KDF_ITERATIONS = 20;
    static final int OFF_SALT = 24;
    static final int OFF_WRAP_NONCE = 40;
    static final int OFF_WRAPPED_KEY = 52;
    static final int OFF_LOG_ID = 116;
    static final int OFF_HEADER_CRC = 252;

    /** Salt length. */
    public static final int SALT_LENGTH = 16;
    /** GCM nonce length. */
    public static final int NONCE_LENGTH = 12;
    /** GCM tag length. */
    public static final int TAG_LENGTH = 16;
    /** Data key length (AES-256). */
    public static final int KEY_LENGTH = 32;
    /** Log id length. */
    public static final int LOG_ID_LENGTH = 16;
    /** Wrapped key length: data key, node id, tag. */
    public static final int WRAPPED_KEY_LENGTH = KEY_LENGTH + 16 + TAG_LENGTH;

    /** Frame header: length, header CRC, nonce. */
    public static final int FRAME_HEADER_LENGTH = 4 + 4 + NONCE_LENGTH;
    /** Frame overhead: header and tag. */
    public static final int FRAME_OVERHEAD = FRAME_HEADER_LENGTH + TAG_LENGTH;
    /** The largest frame, 64 MiB. */
    public static final int MAX_FRAME_LENGTH = 64 << 20;
    /** The AAD length: log id, position, length. */
    public static final int AAD_LENGTH = LOG_ID_LENGTH + 8 + 4;

    /** Entry payload version. */
    public static final int PAYLOAD_VERSION = 1;
    /** The first byte of a frame plaintext that holds an entry group. */
    public static final int GROUP_VERSION = 2;
    /** An entry group's header: version, count, reserved. */
    public static final int GROUP_HEADER_LENGTH = 4;
    /** The length prefix of each entry in a group. */
    public static final int GROUP_ENTRY_PREFIX = 4;
    /**
     * The plaintext size up to which a transaction's consecutive entries share a frame: sealing
     * and opening cost about the same up to here (docs/storage-format.md), and a read of one
     * entry opens its whole frame.
     */
    public static final int GROUP_TARGET = 1024;
    /** Kind: a record put. */
    public static final int KIND_PUT = 1;
    /** Kind: a delete tombstone. */
    public static final int KIND_TOMBSTONE = 2;
    /** Kind: a named metadata value. */
    public static final int KIND_META = 3;
    /** Flag: last entry of its transaction. */
    public static final int FLAG_COMMIT = 0x01;
    /** Flag: the put created the record. */
    public static final int FLAG_CREATE = 0x02;
    /** Flag: applied from a peer. */
    public static final int FLAG_REMOTE = 0x04;
    /** Flag: a remote change whose stored state also holds local state the peer did not send (docs/sync.md). */
    public static final int FLAG_MERGED = 0x08;
    /** The fixed part of the payload before the name. */
    public static final int PAYLOAD_FIXED_LENGTH = 62;
    /** Section type: per-field versions ({@code dev.blazedb.internal.sync.FieldVersions}). */
    public static final int SECTION_FIELD_VERSIONS = 1;
    /** Section type: the delete version of a live record: HLC u64 | node id 16. */
    public static final int SECTION_DELETED_AT = 2;
    /** Section type: the peer a remote change was received from: node id 16. */
    public static final int SECTION_VIA = 3;
    /** A section's header: type u16 | length u32. */
    public static final int SECTION_HEADER_LENGTH = 6;
    /** Longest collection or metadata name, in UTF-8 bytes. */
    public static final int MAX_NAME_LENGTH = 1024;

    private LogFormat() {
    }

    /** The plaintext length of an entry with a name of {@code nameLength} and a body of {@code bodyLength} bytes. */
    public static int payloadLength(int nameLength, int bodyLength) {
        return PAYLOAD_FIXED_LENGTH + nameLength + 4 + bodyLength;
    }

    /** The plaintext length of an entry: UTF-8 {@code name}, {@code body} and {@code sections} (either may be null). */
    public static int payloadLength(byte[] name, byte[] body, byte[] sections) {
        return payloadLength(name.length, body == null ? 0 : body.length) + (sections == null ? 0 : sections.length);
    }

    /**
     * Whether an entry of {@code entryLength} bytes may join a group that holds {@code count}
     * entries in {@code groupLength} plaintext bytes (its header included): the group stays
     * within {@link #GROUP_TARGET} and {@link EntryAddress#MAX_SLOT}. With {@code count} 0, whether
     * the entry can share a frame at all.
     */
    public static boolean fitsInGroup(int groupLength, int count, int entryLength) {
        return count <= EntryAddress.MAX_SLOT && groupLength + GROUP_ENTRY_PREFIX + entryLength <= GROUP_TARGET;
    }

    /** The CRC32C of a frame's length and nonce fields, as stored at offset 4 of the frame. */
    public static int frameHeaderCrc(byte[] frame, int offset) {
        CRC32C crc = new CRC32C();
        crc.update(frame, offset, 4);
        crc.update(frame, offset + 8, NONCE_LENGTH);
        return (int) crc.getValue();
    }

    /** Writes the AAD of a frame into {@code aad}. */
    public static void aad(byte[] aad, byte[] logId, long position, int length) {
        System.arraycopy(logId, 0, aad, 0, LOG_ID_LENGTH);
        Bytes.putLong(aad, LOG_ID_LENGTH, position);
        Bytes.putInt(aad, LOG_ID_LENGTH + 8, length);
    }

    /** The header fields of a log file. */
    public record Header(int version, int kdfAlgorithm, Argon2Params kdf, byte[] salt, byte[] wrapNonce,
                         byte[] wrappedKey, byte[] logId) {

        /** Encodes the header (256 bytes, CRC included). */
        public byte[] toBytes() {
            byte[] b = new byte[HEADER_LENGTH];
            System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
            Bytes.putShort(b, OFF_VERSION, version);
            Bytes.putShort(b, OFF_HEADER_LENGTH, HEADER_LENGTH);
            b[OFF_KDF_ALG] = (byte) kdfAlgorithm;
            b[OFF_KDF_PARALLELISM] = (byte) kdf.parallelism();
            Bytes.putInt(b, OFF_KDF_MEMORY, kdf.memoryKiB());
            Bytes.putInt(b, OFF_KDF_ITERATIONS, kdf.iterations());
            System.arraycopy(salt, 0, b, OFF_SALT, SALT_LENGTH);
            System.arraycopy(wrapNonce, 0, b, OFF_WRAP_NONCE, NONCE_LENGTH);
            System.arraycopy(wrappedKey, 0, b, OFF_WRAPPED_KEY, WRAPPED_KEY_LENGTH);
            System.arraycopy(logId, 0, b, OFF_LOG_ID, LOG_ID_LENGTH);
            CRC32C crc = new CRC32C();
            crc.update(b, 0, OFF_HEADER_CRC);
            Bytes.putInt(b, OFF_HEADER_CRC, (int) crc.getValue());
            return b;
        }

        /** The bytes authenticated by the key wrap: everything before the wrapped key. */
        public byte[] wrapAad() {
            return Arrays.copyOf(toBytes(), OFF_WRAPPED_KEY);
        }

        /** A copy with another log id (for a compacted log). */
        public Header withLogId(byte[] newLogId) {
            return new Header(version, kdfAlgorithm, kdf, salt, wrapNonce, wrappedKey, newLogId.clone());
        }

        /**
         * Parses a header.
         *
         * @param bytes    at least {@link #HEADER_LENGTH} bytes from offset 0 of the file, or fewer
         *                 when the file is shorter
         * @param fileName for error messages
         * @throws CorruptDatabaseException when it is not a BlazeDB log or the header is damaged
         */
        public static Header parse(byte[] bytes, int length, String fileName) {
            if (length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new CorruptDatabaseException(fileName, 0, "not a BlazeDB database file (bad magic)");
            }
            if (length < HEADER_LENGTH) {
                throw new CorruptDatabaseException(fileName, length, "truncated database header");
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, OFF_HEADER_CRC);
            if ((int) crc.getValue() != Bytes.getInt(bytes, OFF_HEADER_CRC)) {
                throw new CorruptDatabaseException(fileName, 0, "damaged database header (CRC mismatch)");
            }
            int version = Bytes.getUnsignedShort(bytes, OFF_VERSION);
            if (version != FORMAT_VERSION) {
                throw new CorruptDatabaseException(fileName, OFF_VERSION,
                        "unsupported database format version " + version + " (this build reads " + FORMAT_VERSION + ")");
            }
            if (Bytes.getUnsignedShort(bytes, OFF_HEADER_LENGTH) != HEADER_LENGTH) {
                throw new CorruptDatabaseException(fileName, OFF_HEADER_LENGTH, "unexpected header length");
            }
            int alg = bytes[OFF_KDF_ALG] & 0xFF;
            if (alg != KDF_ARGON2ID) {
                throw new CorruptDatabaseException(fileName, OFF_KDF_ALG, "unknown key-derivation algorithm " + alg);
            }
            Argon2Params kdf;
            try {
                kdf = new Argon2Params(Bytes.getInt(bytes, OFF_KDF_MEMORY), Bytes.getInt(bytes, OFF_KDF_ITERATIONS),
                        bytes[OFF_KDF_PARALLELISM] & 0xFF);
            } catch (IllegalArgumentException e) {
                throw new CorruptDatabaseException(fileName, OFF_KDF_PARALLELISM, "invalid key-derivation parameters", e);
            }
            return new Header(version, alg, kdf, Arrays.copyOfRange(bytes, OFF_SALT, OFF_SALT + SALT_LENGTH),
                    Arrays.copyOfRange(bytes, OFF_WRAP_NONCE, OFF_WRAP_NONCE + NONCE_LENGTH),
                    Arrays.copyOfRange(bytes, OFF_WRAPPED_KEY, OFF_WRAPPED_KEY + WRAPPED_KEY_LENGTH),
                    Arrays.copyOfRange(bytes, OFF_LOG_ID, OFF_LOG_ID + LOG_ID_LENGTH));
        }

        /** Reads the log id from a header buffer. */
        static byte[] logIdOf(ByteBuffer header) {
            byte[] id = new byte[LOG_ID_LENGTH];
            header.get(OFF_LOG_ID, id);
            return id;
        }
    }
}
