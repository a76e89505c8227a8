package dev.blazedb.internal.storage;

import java.io.IOException;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;

/**
 * Reads a log file front to back during recovery, with large positional reads (never memory maps:
 * recovery may truncate the file afterwards). Tells authentic frames from damaged bytes and can
 * resynchronise after damage by searching for the next authentic frame: a candidate needs a
 * plausible length and a matching header CRC, and then must authenticate at exactly that
 * position, which a misaligned or foreign frame cannot.
 */
final class LogScanner {

    private static final int BUFFER_SIZE = 4 << 20;

    private final FileLogStore store;
    private final byte[] logId;
    private final FrameCipher cipher;
    private final long size;
    private final CRC32C crc = new CRC32C();
    final EntryView view = new EntryView();
    int frameLength;
    /** Whether the last entry of the frame read last carries COMMIT. */
    boolean commits;
    /**
     * Whether the frame read last is authentic but of a payload version this build does not
     * know: written by a newer BlazeDB, not damaged.
     */
    boolean newerFormat;
    private byte[] buf = new byte[BUFFER_SIZE];
    private long bufStart = -1;
    private int bufLen;
    private byte[] plain = new byte[4096];

    LogScanner(FileLogStore store, byte[] logId, FrameCipher cipher, long size) {
        this.store = store;
        this.logId = logId;
        this.cipher = cipher;
        this.size = size;
    }

    /** Makes {@code buf[pos - bufStart, + len)} valid; returns the offset of {@code pos} in it. */
    private int ensure(long pos, int len) throws IOException {
        if (bufStart >= 0 && pos >= bufStart && pos + len <= bufStart + bufLen) {
            return (int) (pos - bufStart);
        }
        if (len > buf.length) {
            buf = new byte[len];
        }
        int n = (int) Math.min(buf.length, size - pos);
        store.readDirect(pos, buf, 0, n);
        bufStart = pos;
        bufLen = n;
        return 0;
    }

    /** Whether a frame could start at {@code pos}: plausible length, matching header CRC. */
    private int candidateLength(long pos) throws IOException {
        if (size - pos < LogFormat.FRAME_OVERHEAD + LogFormat.PAYLOAD_FIXED_LENGTH + 4) {
            return -1;
        }
        int off = ensure(pos, LogFormat.FRAME_HEADER_LENGTH);
        int len = Bytes.getInt(buf, off);
        if (len < LogFormat.FRAME_OVERHEAD + LogFormat.PAYLOAD_FIXED_LENGTH + 4 || len > LogFormat.MAX_FRAME_LENGTH
                || len > size - pos) {
            return -1;
        }
        crc.reset();
        crc.update(buf, off, 4);
        crc.update(buf, off + 8, LogFormat.NONCE_LENGTH);
        return (int) crc.getValue() == Bytes.getInt(buf, off + 4) ? len : -1;
    }

    /**
     * Reads the frame at {@code pos}.
     *
     * @return null when it is authentic and well-formed ({@link #view} shows its first entry,
     *     {@link #frameLength} and {@link #commits} hold what the frame is), else what is wrong
     */
    String frameAt(long pos) throws IOException {
        newerFormat = false;
        if (size - pos < LogFormat.FRAME_HEADER_LENGTH) {
            return "truncated frame header";
        }
        int off = ensure(pos, LogFormat.FRAME_HEADER_LENGTH);
        int len = Bytes.getInt(buf, off);
        if (len < LogFormat.FRAME_OVERHEAD + LogFormat.PAYLOAD_FIXED_LENGTH + 4 || len > LogFormat.MAX_FRAME_LENGTH) {
            return "bad frame length " + len;
        }
        if (len > size - pos) {
            return "frame of " + len + " bytes extends past the end of the log";
        }
        crc.reset();
        crc.update(buf, off, 4);
        crc.update(buf, off + 8, LogFormat.NONCE_LENGTH);
        if ((int) crc.getValue() != Bytes.getInt(buf, off + 4)) {
            return "frame header checksum mismatch";
        }
        off = ensure(pos, len);
        if (plain.length < len) {
            plain = new byte[Math.max(len, plain.length * 2)];
        }
        int plainLen;
        try {
            plainLen = cipher.open(buf, off, len, logId, pos, plain);
        } catch (AEADBadTagException e) {
            return "authentication failed";
        }
        newerFormat = plainLen > 0 && (plain[0] & 0xFF) > LogFormat.GROUP_VERSION;
        String bad = view.parse(plain, plainLen);
        while (bad == null && view.hasNext()) {
            bad = view.next(); // every entry of a group is checked before any is used
        }
        if (bad != null) {
            return "malformed entry: " + bad;
        }
        commits = view.isCommit();
        view.select(0);
        frameLength = len;
        return null;
    }

    /** The position of the next authentic frame at or after {@code from}, or -1. */
    long resync(long from) throws IOException {
        for (long p = from; p < size; p++) {
            if (candidateLength(p) > 0 && frameAt(p) == null) {
                return p;
            }
        }
        return -1;
    }

    /** Whether an authentic COMMIT frame exists at or after the authentic frame at {@code pos}. */
    boolean committedFrom(long pos) throws IOException {
        long p = pos;
        while (p >= 0 && p < size) {
            if (frameAt(p) == null) {
                if (commits) {
                    return true;
                }
                p += frameLength;
            } else {
                p = resync(p + 1);
            }
        }
        return false;
    }
}
