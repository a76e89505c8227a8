package dev.blazedb.internal.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
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
import java.util.UUID;
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
 * sparse samples: count u32, then [sequence u64 | position u64] * count
 * metadata:       count u32, then [name length u16 | name | position u64 | value length u32 | value] * count
 * collections:    count u32, then per collection
 *                   [name length u16 | name], then runs of slots [n u32 | slot * n] ending with n = 0;
 *                   slot = [id msb u64 | id lsb u64 | position u64 | length u32 | tombstone u8]
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
        /** Sparse samples: positions. */
        public long[] sparsePositions = new long[0];
        /** Metadata values by name. */
        public final Map<String, MetaValue> meta = new HashMap<>();
        /** Collections. */
        public final List<CollectionIndex> collections = new ArrayList<>();
    }

    /** A metadata value and the position of its entry. */
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
     * @param body writes the plaintext body to the stream
     */
    public static void write(Path db, FrameCipher cipher, byte[] logId, long covered, BodyWriter body) throws IOException {
        Path tmp = tempFile(db);
        byte[] preamble = preamble(logId, covered);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(ch);
            raw.write(preamble);
            BlockSealingStream sealing = new BlockSealingStream(raw, cipher, preamble);
            DataOutputStream out = new DataOutputStream(sealing);
            body.write(out);
            out.flush();
            sealing.finish();
            ch.force(true);
        }
        Files.move(tmp, file(db), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(db.toAbsolutePath().getParent());
    }

    /** Writes a checkpoint body. */
    @FunctionalInterface
    public interface BodyWriter {
        /** Writes the body. */
        void write(DataOutputStream out) throws IOException;
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
            byte[] preamble = Arrays.copyOf(all, PREAMBLE_LENGTH);
            DataInputStream in = new DataInputStream(new BlockOpeningStream(all, cipher, preamble));
            State s = new State();
            s.covered = covered;
            s.lastSequence = in.readLong();
            s.hlc = in.readLong();
            int sparse = in.readInt();
            checkCount(sparse, all.length / 16);
            s.sparseSeqs = new long[sparse];
            s.sparsePositions = new long[sparse];
            for (int i = 0; i < sparse; i++) {
                s.sparseSeqs[i] = in.readLong();
                s.sparsePositions[i] = in.readLong();
                checkPosition(s.sparsePositions[i], covered);
            }
            int metas = in.readInt();
            checkCount(metas, all.length);
            for (int i = 0; i < metas; i++) {
                String name = readName(in);
                long pos = in.readLong();
                checkPosition(pos, covered);
                int len = in.readInt();
                checkCount(len, all.length);
                byte[] value = new byte[len];
                in.readFully(value);
                s.meta.put(name, new MetaValue(value, pos));
            }
            int collections = in.readInt();
            checkCount(collections, all.length);
            for (int i = 0; i < collections; i++) {
                String name = readName(in);
                CollectionIndex ci = new CollectionIndex(name, 16);
                for (;;) {
                    int n = in.readInt();
                    checkCount(n, all.length / 29);
                    if (n == 0) {
                        break;
                    }
                    for (int k = 0; k < n; k++) {
                        long msb = in.readLong();
                        long lsb = in.readLong();
                        long pos = in.readLong();
                        int len = in.readInt();
                        int tomb = in.readUnsignedByte();
                        checkPosition(pos, covered);
                        if (len < LogFormat.FRAME_OVERHEAD || pos + len > covered || tomb > 1) {
                            throw new IOException("bad slot");
                        }
                        ci.slots.put(new UUID(msb, lsb), new Slot(pos, len, tomb == 1));
                    }
                }
                ci.recount();
                s.collections.add(ci);
            }
            if (in.read() != -1) {
                throw new IOException("trailing data");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            problem[0] = "damaged: " + e.getMessage();
            return null;
        }
    }

    private static void checkCount(int n, long max) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException("bad count " + n);
        }
    }

    private static void checkPosition(long pos, long covered) throws IOException {
        if (pos < LogFormat.HEADER_LENGTH || pos >= covered) {
            throw new IOException("bad position " + pos);
        }
    }

    private static String readName(DataInputStream in) throws IOException {
        int len = in.readUnsignedShort();
        if (len > LogFormat.MAX_NAME_LENGTH) {
            throw new IOException("bad name length");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Writes a name as u16 length + UTF-8. */
    public static void writeName(DataOutputStream out, byte[] utf8) throws IOException {
        out.writeShort(utf8.length);
        out.write(utf8);
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

    /** Buffers plaintext and writes it as sealed blocks. */
    private static final class BlockSealingStream extends OutputStream {
        private final OutputStream out;
        private final FrameCipher cipher;
        private final byte[] preamble;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(BLOCK_SIZE);
        private int index;

        BlockSealingStream(OutputStream out, FrameCipher cipher, byte[] preamble) {
            this.out = out;
            this.cipher = cipher;
            this.preamble = preamble;
        }

        @Override
        public void write(int b) throws IOException {
            buf.write(b);
            if (buf.size() >= BLOCK_SIZE) {
                emit(false);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            buf.write(b, off, len);
            if (buf.size() >= BLOCK_SIZE) {
                emit(false);
            }
        }

        private void emit(boolean last) throws IOException {
            byte[] plain = buf.toByteArray();
            buf.reset();
            byte[] sealed = cipher.sealBlob(plain, 0, plain.length, blockAad(preamble, index++, last));
            byte[] len = new byte[4];
            Bytes.putInt(len, 0, sealed.length);
            out.write(len);
            out.write(sealed);
        }

        void finish() throws IOException {
            emit(true);
            out.flush();
        }
    }

    /** Opens sealed blocks and serves their plaintext. */
    private static final class BlockOpeningStream extends InputStream {
        private final byte[] all;
        private final FrameCipher cipher;
        private final byte[] preamble;
        private int next = PREAMBLE_LENGTH;
        private int index;
        private boolean lastSeen;
        private byte[] block = new byte[0];
        private int pos;

        BlockOpeningStream(byte[] all, FrameCipher cipher, byte[] preamble) {
            this.all = all;
            this.cipher = cipher;
            this.preamble = preamble;
        }

        private boolean fill() throws IOException {
            while (pos >= block.length) {
                if (lastSeen) {
                    if (next != all.length) {
                        throw new IOException("data after the last block");
                    }
                    return false;
                }
                if (next + 4 > all.length) {
                    throw new EOFException("checkpoint truncated");
                }
                int len = Bytes.getInt(all, next);
                if (len < LogFormat.NONCE_LENGTH + LogFormat.TAG_LENGTH || len > all.length - next - 4) {
                    throw new IOException("bad block length at " + next);
                }
                boolean last = next + 4 + len == all.length;
                try {
                    block = cipher.openBlob(all, next + 4, len, blockAad(preamble, index, last));
                } catch (AEADBadTagException e) {
                    throw new IOException("block " + index + " at " + next + " fails authentication");
                }
                lastSeen = last;
                index++;
                next += 4 + len;
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return block[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, block.length - pos);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
