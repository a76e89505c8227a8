package dev.blazedb.internal.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * A parsed frame plaintext (see {@link LogFormat}): a mutable view over a plaintext buffer, reused
 * while scanning, showing one entry at a time (a frame holds one entry or a group of them).
 * {@link #parse} validates the layout; sections of unknown type are skipped.
 */
public final class EntryView {

    /** The plaintext buffer. */
    public byte[] buf;
    /** The plaintext length (of the whole frame: every entry of a group). */
    public int length;
    /** The number of entries in the frame: 1, or a group's count (see {@link LogFormat}). */
    public int entryCount;
    /** The slot of the entry this view shows, 0 to {@code entryCount - 1}. */
    public int slot;
    /** Offset of the entry's payload in {@link #buf}. */
    public int entryOffset;
    /** Length of the entry's payload. */
    public int entryLength;
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

    /** Whether the last parse, select or next failed: the fields above may then be half set. */
    private boolean broken;
    private byte[] lastNameBytes = new byte[0];
    private String lastName = "";

    /**
     * Parses the plaintext {@code buf[0, length)} of a frame: one entry, or a group of entries,
     * whose framing is checked whole; the view then shows the first entry ({@link #select}).
     *
     * @return null on success, else what is malformed
     */
    public String parse(byte[] buf, int length) {
        this.buf = buf;
        this.length = length;
        broken = true;
        if (length < 1 || (buf[0] & 0xFF) != LogFormat.GROUP_VERSION) {
            entryCount = 1;
            return parseEntry(0, 0, length);
        }
        if (length < LogFormat.GROUP_HEADER_LENGTH) {
            return "entry group too short";
        }
        int count = buf[1] & 0xFF;
        if (count < 2 || count > EntryAddress.MAX_SLOT + 1) {
            return "bad entry group count " + count;
        }
        int p = LogFormat.GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            if (length - p < LogFormat.GROUP_ENTRY_PREFIX) {
                return "truncated entry group";
            }
            long len = Bytes.getInt(buf, p) & 0xFFFFFFFFL;
            if (len > length - p - LogFormat.GROUP_ENTRY_PREFIX) {
                return "bad entry length " + len + " in group";
            }
            p += LogFormat.GROUP_ENTRY_PREFIX + (int) len;
        }
        if (p != length) {
            return "entry group does not fill its frame";
        }
        entryCount = count;
        return parseEntry(0, LogFormat.GROUP_HEADER_LENGTH + LogFormat.GROUP_ENTRY_PREFIX,
                Bytes.getInt(buf, LogFormat.GROUP_HEADER_LENGTH));
    }

    /**
     * Shows entry {@code slot} of the parsed frame.
     *
     * @return null on success, else what is malformed
     */
    public String select(int slot) {
        if (slot < 0 || slot >= entryCount) {
            return "no entry " + slot + " in a frame of " + entryCount;
        }
        if (entryCount == 1) {
            return null; // the only entry, shown since parse
        }
        int p = LogFormat.GROUP_HEADER_LENGTH;
        for (int i = 0; i < slot; i++) {
            p += LogFormat.GROUP_ENTRY_PREFIX + Bytes.getInt(buf, p);
        }
        return parseEntry(slot, p + LogFormat.GROUP_ENTRY_PREFIX, Bytes.getInt(buf, p));
    }

    /** Whether the frame has an entry after this one. */
    public boolean hasNext() {
        return slot + 1 < entryCount;
    }

    /**
     * Shows the next entry of the frame ({@link #hasNext()} must be true).
     *
     * @return null on success, else what is malformed
     */
    public String next() {
        int p = entryOffset + entryLength;
        return parseEntry(slot + 1, p + LogFormat.GROUP_ENTRY_PREFIX, Bytes.getInt(buf, p));
    }

    /** Whether the view shows an entry that parsed: false after a parse, select or next failed. */
    public boolean intact() {
        return !broken;
    }

    /** Parses the entry payload {@code buf[off, off + len)} as entry {@code slot}. */
    private String parseEntry(int slot, int off, int len) {
        String bad = parseEntryFields(slot, off, len);
        broken = bad != null;
        return bad;
    }

    private String parseEntryFields(int slot, int off, int len) {
        this.slot = slot;
        entryOffset = off;
        entryLength = len;
        fieldVersionsOffset = -1;
        fieldVersionsLength = 0;
        deletedAtOffset = -1;
        viaOffset = -1;
        int end = off + len;
        if (len < LogFormat.PAYLOAD_FIXED_LENGTH + 4) {
            return "entry too short";
        }
        if ((buf[off] & 0xFF) != LogFormat.PAYLOAD_VERSION) {
            return "unknown entry version " + (buf[off] & 0xFF);
        }
        kind = buf[off + 1] & 0xFF;
        if (kind < LogFormat.KIND_PUT || kind > LogFormat.KIND_META) {
            return "unknown entry kind " + kind;
        }
        flags = buf[off + 2] & 0xFF;
        sequence = Bytes.getLong(buf, off + 4);
        hlc = Bytes.getLong(buf, off + 12);
        originMsb = Bytes.getLong(buf, off + 20);
        originLsb = Bytes.getLong(buf, off + 28);
        originSequence = Bytes.getLong(buf, off + 36);
        idMsb = Bytes.getLong(buf, off + 44);
        idLsb = Bytes.getLong(buf, off + 52);
        nameLength = Bytes.getUnsignedShort(buf, off + 60);
        nameOffset = off + LogFormat.PAYLOAD_FIXED_LENGTH;
        int p = nameOffset + nameLength;
        if (nameLength > LogFormat.MAX_NAME_LENGTH || p + 4 > end) {
            return "bad name length " + nameLength;
        }
        long body = Bytes.getInt(buf, p) & 0xFFFFFFFFL;
        bodyOffset = p + 4;
        if (body > end - bodyOffset) {
            return "bad body length " + body;
        }
        bodyLength = (int) body;
        p = bodyOffset + bodyLength;
        while (p < end) {
            if (p + 6 > end) {
                return "truncated section header";
            }
            int type = Bytes.getUnsignedShort(buf, p);
            long sectionLength = Bytes.getInt(buf, p + 2) & 0xFFFFFFFFL;
            if (sectionLength > end - p - 6) {
                return "bad section length " + sectionLength;
            }
            if (type == LogFormat.SECTION_FIELD_VERSIONS) {
                fieldVersionsOffset = p + 6;
                fieldVersionsLength = (int) sectionLength;
            } else if (type == LogFormat.SECTION_DELETED_AT) {
                if (sectionLength != 24) {
                    return "bad delete-version section length " + sectionLength;
                }
                deletedAtOffset = p + 6;
            } else if (type == LogFormat.SECTION_VIA) {
                if (sectionLength != 16) {
                    return "bad via section length " + sectionLength;
                }
                viaOffset = p + 6;
            }
            p += 6 + (int) sectionLength;
        }
        if (kind != LogFormat.KIND_META && sequence <= 0) {
            return "change entry without a sequence";
        }
        if (entryCount > 1 && (flags & LogFormat.FLAG_COMMIT) != 0 && slot != entryCount - 1) {
            return "COMMIT entry before the end of its group";
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
     * Writes the header of an entry group of {@code count} entries into {@code dst} at
     * {@code off} (see {@link LogFormat}); returns the offset of the first entry's length prefix.
     */
    public static int writeGroupHeader(byte[] dst, int off, int count) {
        dst[off] = (byte) LogFormat.GROUP_VERSION;
        dst[off + 1] = (byte) count;
        dst[off + 2] = 0;
        dst[off + 3] = 0;
        return off + LogFormat.GROUP_HEADER_LENGTH;
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
