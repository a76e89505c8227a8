package dev.blazedb.internal.storage;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Big-endian integer access on byte arrays. */
public final class Bytes {

    private Bytes() {
    }

    /** Writes a u16. */
    public static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** Writes a u32. */
    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Writes a u64. */
    public static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    /** Writes a UUID, most significant half first. */
    public static void putUuid(byte[] b, int off, UUID id) {
        putLong(b, off, id.getMostSignificantBits());
        putLong(b, off + 8, id.getLeastSignificantBits());
    }

    /** Reads a u16. */
    public static int getUnsignedShort(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    /** Reads a u32 as int. */
    public static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** Reads a u64. */
    public static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }

    /** Reads a UUID. */
    public static UUID getUuid(byte[] b, int off) {
        return new UUID(getLong(b, off), getLong(b, off + 8));
    }

    /** UTF-8 bytes of a string. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A lowercase hex string. */
    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
