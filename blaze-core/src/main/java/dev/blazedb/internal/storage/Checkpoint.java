package dev.blazedb.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * An index checkpoint: the in-memory index as of a committed, fsynced log position, so an open
 * replays only the log after it. Written to {@code <database>.ckpt.tmp}, fsynced, renamed over
 * {@code <database>.ckpt}, then the directory is fsynced.
 *
 * <pre>
 * offset size field
 *      0    8 magic "BLZDCKPT"
 *      8    2 version = 1
 *     10    2 reserved, 0
 *     12   16 log id of the log it indexes
 *     28    8 covered position: the log end it indexes (a commit boundary, fsynced)
 *     36    - blocks, each [sealed length u32 | nonce 12 | ciphertext | tag 16], AES-256-GCM
 *             under the data key; AAD = bytes 0..35 | block index u32 | last-block flag u8,
 *             so a block of another checkpoint or log, a reordered, dropped or truncated block
 *             fails authentication
 * </pre>
 *
 * The blocks' plaintexts, concatenated:
 * <pre>
 * last sequence u64 | HLC high-water u64
 * sparse samples: count u32, then [sequence u64 | entry address u64] * count
 * metadata:       count u32, then [name length u16 | name | entry address u64 | value length u32 | value] * count
 * collections:    count u32, then per collection
 *                   [name length u16 | name | expected slot count u32], then runs of slots
 *                   [n u32 | slot * n] ending with n = 0;
 *                   slot = [id msb u64 | id lsb u64 | value u64], value = the entry's address
 *                   ({@link EntryAddress}: frame position, slot in the frame), with bit 63 set for
 *                   a tombstone
 * </pre>
 *
 * A checkpoint that is missing, of another log, covers more than the log holds, or fails
 * authentication anywhere is ignored: the open replays the whole log instead.
 */
public final class Checkpoint {

    static final byte[] MAGIC = "BLZDCKPT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int PREAMBLE_LENGTH = 36;
    static final int BLOCK_SIZE = 1 << 20;

    /** The loaded state. */
    public static final class State {
        /** The covered log position. */
        public long covered;
        /** The last sequence at the covered position. */
        public long lastSequence;
        /** The HLC high-water mark. */
        public long hlc;
        /** Sparse samples: sequences. */
        public long[] sparseSeqs = new long[0];
        /** Sparse samples: entry addresses. */
        public long[] sparsePositions = new long[0];
        /** Metadata values by name. */
        public final Map<String, MetaValue> meta = new HashMap<>();
        /** Collections. */
        public final List<CollectionIndex> collections = new ArrayList<>();
    }

    /** A metadata value and the address of its entry ({@link EntryAddress}). */
    public record MetaValue(byte[] value, long position) {
    }

    private Checkpoint() {
    }

    /** The checkpoint file of database {@code file}. */
    public static Path file(Path db) {
        return db.resolveSibling(db.getFileName() + ".ckpt");
    }

    /** The temporary checkpoint file of database {@code file}. */
    public static Path tempFile(Path db) {
        return db.resolveSibling(db.getFileName() + ".ckpt.tmp");
    }

    private static byte[] preamble(byte[] logId, long covered) {
        byte[] p = new byte[PREAMBLE_LENGTH];
        System.arraycopy(MAGIC, 0, p, 0, MAGIC.length);
        Bytes.putShort(p, 8, VERSION);
        System.arraycopy(logId, 0, p, 12, LogFormat.LOG_ID_LENGTH);
        Bytes.putLong(p, 28, covered);
        return p;
    }

    private static byte[] blockAad(byte[] preamble, int index, boolean last) {
        byte[] aad = Arrays.copyOf(preamble, PREAMBLE_LENGTH + 5);
        Bytes.putInt(aad, PREAMBLE_LENGTH, index);
        aad[PREAMBLE_LENGTH + 4] = (byte) (last ? 1 : 0);
        return aad;
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param body writes the plaintext body
     */
    public static void write(Path db, FrameCipher cipher, byte[] logId, long covered, BodyWriter body) throws IOException {
        Path tmp = tempFile(db);
        byte[] preamble = preamble(logId, covered);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, preamble);
            Sink sink = new Sink(ch, cipher, preamble);
            body.write(sink);
            sink.finish();
            ch.force(true);
        }
        Files.move(tmp, file(db), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(db.toAbsolutePath().getParent());
    }

    private static void writeFully(FileChannel ch, byte[] b) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    /** Writes a checkpoint body. */
    @FunctionalInterface
    public interface BodyWriter {
        /** Writes the body. */
        void write(Sink out) throws IOException;
    }

    /** Big-endian plaintext output, sealed and written in blocks of {@link #BLOCK_SIZE}. */
    public static final class Sink {
        private final FileChannel ch;
        private final FrameCipher cipher;
        private final byte[] preamble;
        private final byte[] buf = new byte[BLOCK_SIZE];
        private int pos;
        private int index;

        Sink(FileChannel ch, FrameCipher cipher, byte[] preamble) {
            this.ch = ch;
            this.cipher = cipher;
            this.preamble = preamble;
        }

        private void room(int n) throws IOException {
            if (pos + n > BLOCK_SIZE) {
                emit(false);
            }
        }

        /** Writes a u64. */
        public void writeLong(long v) throws IOException {
            room(8);
            Bytes.putLong(buf, pos, v);
            pos += 8;
        }

        /** Writes a u32. */
        public void writeInt(int v) throws IOException {
            room(4);
            Bytes.putInt(buf, pos, v);
            pos += 4;
        }

        /** Writes a byte. */
        public void writeByte(int v) throws IOException {
            room(1);
            buf[pos++] = (byte) v;
        }

        /** Writes a name: u16 length, then the bytes. */
        public void writeName(byte[] utf8) throws IOException {
            room(2 + utf8.length);
            Bytes.putShort(buf, pos, utf8.length);
            System.arraycopy(utf8, 0, buf, pos + 2, utf8.length);
            pos += 2 + utf8.length;
        }

        /** Writes bytes, across blocks when needed. */
        public void write(byte[] b, int off, int len) throws IOException {
            int o = off;
            int left = len;
            while (left > 0) {
                if (pos == BLOCK_SIZE) {
                    emit(false);
                }
                int n = Math.min(left, BLOCK_SIZE - pos);
                System.arraycopy(b, o, buf, pos, n);
                pos += n;
                o += n;
                left -= n;
            }
        }

        /** Writes one index entry: id msb, id lsb, value (see {@link RecordIndex}), 24 bytes. */
        public void writeSlot(long msb, long lsb, long value) throws IOException {
            room(SLOT_LENGTH);
            Bytes.putLong(buf, pos, msb);
            Bytes.putLong(buf, pos + 8, lsb);
            Bytes.putLong(buf, pos + 16, value);
            pos += SLOT_LENGTH;
        }

        private void emit(boolean last) throws IOException {
            byte[] sealed = cipher.sealBlob(buf, 0, pos, blockAad(preamble, index++, last));
            byte[] len = new byte[4];
            Bytes.putInt(len, 0, sealed.length);
            writeFully(ch, len);
            writeFully(ch, sealed);
            pos = 0;
        }

        void finish() throws IOException {
            emit(true);
        }
    }

    static final int SLOT_LENGTH = 24;

    /** Bounds-checked big-endian reads over the opened plaintext. */
    private static final class Source {
        final byte[] b;
        final int end;
        int pos;

        Source(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        void need(int n) throws IOException {
            if (n < 0 || end - pos < n) {
                throw new EOFException("checkpoint body truncated at " + pos);
            }
        }

        long readLong() throws IOException {
            need(8);
            long v = Bytes.getLong(b, pos);
            pos += 8;
            return v;
        }

        int readInt() throws IOException {
            need(4);
            int v = Bytes.getInt(b, pos);
            pos += 4;
            return v;
        }

        String readName() throws IOException {
            need(2);
            int len = Bytes.getUnsignedShort(b, pos);
            if (len > LogFormat.MAX_NAME_LENGTH) {
                throw new IOException("bad name length");
            }
            need(2 + len);
            String s = new String(b, pos + 2, len, StandardCharsets.UTF_8);
            pos += 2 + len;
            return s;
        }

        byte[] readBytes(int len) throws IOException {
            need(len);
            byte[] v = Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return v;
        }
    }

    /**
     * Loads the checkpoint of {@code db} for log {@code logId} whose file is {@code logSize} bytes.
     *
     * @return the state, or null when there is none or it is not valid (with {@code problem[0]} set)
     */
    public static State read(Path db, FrameCipher cipher, byte[] logId, long logSize, String[] problem) {
        byte[] all;
        try {
            all = Files.readAllBytes(file(db));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            problem[0] = "unreadable: " + e;
            return null;
        }
        try {
            if (all.length < PREAMBLE_LENGTH || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                    || Bytes.getUnsignedShort(all, 8) != VERSION) {
                problem[0] = "not a checkpoint of this format";
                return null;
            }
            if (!Arrays.equals(all, 12, 28, logId, 0, LogFormat.LOG_ID_LENGTH)) {
                problem[0] = "checkpoint of another log generation";
                return null;
            }
            long covered = Bytes.getLong(all, 28);
            if (covered < LogFormat.HEADER_LENGTH || covered > logSize) {
                problem[0] = "covers position " + covered + " but the log has " + logSize + " bytes";
                return null;
            }
            Source in = open(all, cipher, Arrays.copyOf(all, PREAMBLE_LENGTH));
            State s = new State();
            s.covered = covered;
            s.lastSequence = in.readLong();
            s.hlc = in.readLong();
            int sparse = in.readInt();
            in.need(sparse * 16);
            s.sparseSeqs = new long[sparse];
            s.sparsePositions = new long[sparse];
            for (int i = 0; i < sparse; i++) {
                s.sparseSeqs[i] = in.readLong();
                s.sparsePositions[i] = in.readLong();
                checkPosition(s.sparsePositions[i], covered);
            }
            int metas = in.readInt();
            in.need(metas);
            for (int i = 0; i < metas; i++) {
                String name = in.readName();
                long pos = in.readLong();
                checkPosition(pos, covered);
                int len = in.readInt();
                s.meta.put(name, new MetaValue(in.readBytes(len), pos));
            }
            int collections = in.readInt();
            in.need(collections);
            for (int i = 0; i < collections; i++) {
                String name = in.readName();
                int expected = in.readInt();
                CollectionIndex ci = new CollectionIndex(name, Math.max(0, Math.min(expected, all.length / SLOT_LENGTH)));
                byte[] b = in.b;
                for (;;) {
                    int n = in.readInt();
                    if (n == 0) {
                        break;
                    }
                    in.need(n * SLOT_LENGTH);
                    for (int k = 0; k < n; k++) {
                        int p = in.pos;
                        long value = Bytes.getLong(b, p + 16);
                        long address = RecordIndex.address(value);
                        long pos = EntryAddress.frame(address);
                        if (pos < LogFormat.HEADER_LENGTH || pos + LogFormat.FRAME_OVERHEAD > covered
                                || (value & ~RecordIndex.TOMBSTONE) != address) {
                            throw new IOException("bad index entry at " + p);
                        }
                        ci.index.put(Bytes.getLong(b, p), Bytes.getLong(b, p + 8), value);
                        in.pos = p + SLOT_LENGTH;
                    }
                }
                ci.recount();
                s.collections.add(ci);
            }
            if (in.pos != in.end) {
                throw new IOException("trailing data");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            problem[0] = "damaged: " + e.getMessage();
            return null;
        }
    }

    /** Authenticates every block and concatenates the plaintexts. */
    private static Source open(byte[] all, FrameCipher cipher, byte[] preamble) throws IOException {
        byte[] plain = new byte[Math.max(0, all.length - PREAMBLE_LENGTH)];
        int used = 0;
        int next = PREAMBLE_LENGTH;
        int index = 0;
        boolean last = false;
        while (!last) {
            if (next + 4 > all.length) {
                throw new EOFException("checkpoint truncated");
            }
            int len = Bytes.getInt(all, next);
            if (len < LogFormat.NONCE_LENGTH + LogFormat.TAG_LENGTH || len > all.length - next - 4) {
                throw new IOException("bad block length at " + next);
            }
            last = next + 4 + len == all.length;
            byte[] block;
            try {
                block = cipher.openBlob(all, next + 4, len, blockAad(preamble, index, last));
            } catch (AEADBadTagException e) {
                throw new IOException("block " + index + " at " + next + " fails authentication");
            }
            System.arraycopy(block, 0, plain, used, block.length);
            used += block.length;
            index++;
            next += 4 + len;
        }
        return new Source(plain, used);
    }

    private static void checkPosition(long address, long covered) throws IOException {
        long pos = EntryAddress.frame(address);
        if (pos < LogFormat.HEADER_LENGTH || pos >= covered) {
            throw new IOException("bad position " + pos);
        }
    }

    /** Fsyncs a directory, so a rename in it is durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
