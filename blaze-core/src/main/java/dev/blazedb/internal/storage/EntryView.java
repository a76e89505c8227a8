package dev.blazedb.internal.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * A parsed entry payload (see {@link LogFormat}): a mutable view over a plaintext buffer, reused
 * while scanning. {@link #parse} validates the layout; sections of unknown type are skipped.
 */
public final class EntryView {

    /** The plaintext buffer. */
    public byte[] buf;
    /** The plaintext length. */
    public int length;
    /** The kind. */
    public int kind;
    /** The flags. */
    public int flags;
    /** The sequence (0 for META). */
    public long sequence;
    /** The HLC timestamp. */
    public long hlc;
    /** Origin node id, high half. */
    public long originMsb;
    /** Origin node id, low half. */
    public long originLsb;
    /** Origin sequence. */
    public long originSequence;
    /** Record id, high half. */
    public long idMsb;
    /** Record id, low half. */
    public long idLsb;
    /** Offset of the name. */
    public int nameOffset;
    /** Length of the name. */
    public int nameLength;
    /** Offset of the body. */
    public int bodyOffset;
    /** Length of the body. */
    public int bodyLength;
    /** Offset of the per-field versions section, or -1. */
    public int fieldVersionsOffset = -1;
    /** Length of the per-field versions section. */
    public int fieldVersionsLength;
    /** Offset of the delete-version section (HLC u64 | node 16), or -1. */
    public int deletedAtOffset = -1;
    /** Offset of the via-peer section (node 16), or -1. */
    public int viaOffset = -1;

    private byte[] lastNameBytes = new byte[0];
    private String lastName = "";

    /**
     * Parses {@code buf[0, length)}.
     *
     * @return null on success, else what is malformed
     */
    public String parse(byte[] buf, int length) {
        this.buf = buf;
        this.length = length;
        fieldVersionsOffset = -1;
        fieldVersionsLength = 0;
        deletedAtOffset = -1;
        viaOffset = -1;
        if (length < LogFormat.PAYLOAD_FIXED_LENGTH + 4) {
            return "entry too short";
        }
        if ((buf[0] & 0xFF) != LogFormat.PAYLOAD_VERSION) {
            return "unknown entry version " + (buf[0] & 0xFF);
        }
        kind = buf[1] & 0xFF;
        if (kind < LogFormat.KIND_PUT || kind > LogFormat.KIND_META) {
            return "unknown entry kind " + kind;
        }
        flags = buf[2] & 0xFF;
        sequence = Bytes.getLong(buf, 4);
        hlc = Bytes.getLong(buf, 12);
        originMsb = Bytes.getLong(buf, 20);
        originLsb = Bytes.getLong(buf, 28);
        originSequence = Bytes.getLong(buf, 36);
        idMsb = Bytes.getLong(buf, 44);
        idLsb = Bytes.getLong(buf, 52);
        nameLength = Bytes.getUnsignedShort(buf, 60);
        nameOffset = LogFormat.PAYLOAD_FIXED_LENGTH;
        int p = nameOffset + nameLength;
        if (nameLength > LogFormat.MAX_NAME_LENGTH || p + 4 > length) {
            return "bad name length " + nameLength;
        }
        long body = Bytes.getInt(buf, p) & 0xFFFFFFFFL;
        bodyOffset = p + 4;
        if (body > length - bodyOffset) {
            return "bad body length " + body;
        }
        bodyLength = (int) body;
        p = bodyOffset + bodyLength;
        while (p < length) {
            if (p + 6 > length) {
                return "truncated section header";
            }
            int type = Bytes.getUnsignedShort(buf, p);
            long len = Bytes.getInt(buf, p + 2) & 0xFFFFFFFFL;
            if (len > length - p - 6) {
                return "bad section length " + len;
            }
            if (type == LogFormat.SECTION_FIELD_VERSIONS) {
                fieldVersionsOffset = p + 6;
                fieldVersionsLength = (int) len;
            } else if (type == LogFormat.SECTION_DELETED_AT) {
                if (len != 24) {
                    return "bad delete-version section length " + len;
                }
                deletedAtOffset = p + 6;
            } else if (type == LogFormat.SECTION_VIA) {
                if (len != 16) {
                    return "bad via section length " + len;
                }
                viaOffset = p + 6;
            }
            p += 6 + (int) len;
        }
        if (kind != LogFormat.KIND_META && sequence <= 0) {
            return "change entry without a sequence";
        }
        return null;
    }

    /** Whether this entry ends a transaction. */
    public boolean isCommit() {
        return (flags & LogFormat.FLAG_COMMIT) != 0;
    }

    /** Whether this is a PUT or TOMBSTONE. */
    public boolean isChange() {
        return kind != LogFormat.KIND_META;
    }

    /** The name as a string; repeated names return the same instance. */
    public String name() {
        if (nameLength == lastNameBytes.length
                && Arrays.equals(buf, nameOffset, nameOffset + nameLength, lastNameBytes, 0, nameLength)) {
            return lastName;
        }
        lastNameBytes = Arrays.copyOfRange(buf, nameOffset, nameOffset + nameLength);
        lastName = new String(lastNameBytes, StandardCharsets.UTF_8);
        return lastName;
    }

    /** The record id. */
    public UUID id() {
        return new UUID(idMsb, idLsb);
    }

    /** The origin node id. */
    public UUID origin() {
        return new UUID(originMsb, originLsb);
    }

    /** A copy of the body. */
    public byte[] body() {
        return Arrays.copyOfRange(buf, bodyOffset, bodyOffset + bodyLength);
    }

    /**
     * Writes an entry payload into {@code dst} at {@code off}; returns the offset after it.
     * {@code name} is UTF-8; {@code body} may be null for an empty body.
     */
    public static int write(byte[] dst, int off, int kind, int flags, long sequence, long hlc, UUID origin,
                            long originSequence, long idMsb, long idLsb, byte[] name, byte[] body) {
        return write(dst, off, kind, flags, sequence, hlc, origin, originSequence, idMsb, idLsb, name, body, null);
    }

    /**
     * Writes an entry payload followed by {@code sections} (already encoded as
     * [type u16 | length u32 | bytes]..., or null for none); returns the offset after it.
     */
    public static int write(byte[] dst, int off, int kind, int flags, long sequence, long hlc, UUID origin,
                            long originSequence, long idMsb, long idLsb, byte[] name, byte[] body, byte[] sections) {
        int p = writeFixed(dst, off, kind, flags, sequence, hlc, origin, originSequence, idMsb, idLsb, name, body);
        if (sections != null && sections.length > 0) {
            System.arraycopy(sections, 0, dst, p, sections.length);
            p += sections.length;
        }
        return p;
    }

    private static int writeFixed(byte[] dst, int off, int kind, int flags, long sequence, long hlc, UUID origin,
                                  long originSequence, long idMsb, long idLsb, byte[] name, byte[] body) {
        dst[off] = (byte) LogFormat.PAYLOAD_VERSION;
        dst[off + 1] = (byte) kind;
        dst[off + 2] = (byte) flags;
        dst[off + 3] = 0;
        Bytes.putLong(dst, off + 4, sequence);
        Bytes.putLong(dst, off + 12, hlc);
        Bytes.putLong(dst, off + 20, origin.getMostSignificantBits());
        Bytes.putLong(dst, off + 28, origin.getLeastSignificantBits());
        Bytes.putLong(dst, off + 36, originSequence);
        Bytes.putLong(dst, off + 44, idMsb);
        Bytes.putLong(dst, off + 52, idLsb);
        Bytes.putShort(dst, off + 60, name.length);
        int p = off + LogFormat.PAYLOAD_FIXED_LENGTH;
        System.arraycopy(name, 0, dst, p, name.length);
        p += name.length;
        int bodyLength = body == null ? 0 : body.length;
        Bytes.putInt(dst, p, bodyLength);
        p += 4;
        if (bodyLength > 0) {
            System.arraycopy(body, 0, dst, p, bodyLength);
            p += bodyLength;
        }
        return p;
    }
}
