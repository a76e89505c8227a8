package dev.blazedb.internal.storage;

import dev.blazedb.BlazeStorageException;
import java.io.IOException;
import java.util.Arrays;

/**
 * The bounded buffer of sealed frames not yet written to the log: a list of chunks, appended by
 * the writer (under the engine's write lock) and drained by whoever holds the flush lock.
 *
 * <p>The writer seals frames straight into the active chunk and then publishes them by advancing
 * the chunk's volatile {@code limit}; it never does file I/O, and it waits only when the chunks
 * not yet written add up to the capacity. Readers copy committed frames that are not yet in the
 * file out of the chunks. Chunks are never reused, so a reader holding an old chunk still sees the
 * bytes it expects.
 */
public final class WriteBuffer {

    /** A contiguous range of the log, starting at {@link #base}. */
    public static final class Chunk {
        final long base;
        final byte[] data;
        volatile int limit;
        volatile boolean closed;
        int written;

        Chunk(long base, int size) {
            this.base = base;
            this.data = new byte[size];
        }

        /** The bytes. */
        public byte[] data() {
            return data;
        }

        /** The log position of byte 0. */
        public long base() {
            return base;
        }

        /** The end of the published bytes, relative to {@link #base}. */
        public int limit() {
            return limit;
        }
    }

    private final int chunkSize;
    private final long capacity;
    private final Object lock = new Object();
    private volatile Chunk[] pending;
    private Chunk active;
    private volatile long pendingBytes;
    private volatile Throwable failure;

    /**
     * A buffer whose first byte is log position {@code base}.
     *
     * @param chunkSize bytes per chunk (frames larger than this get a chunk of their own)
     * @param capacity  the most bytes held in chunks not yet written, before the writer waits
     */
    public WriteBuffer(long base, int chunkSize, long capacity) {
        this.chunkSize = chunkSize;
        this.capacity = capacity;
        this.active = new Chunk(base, chunkSize);
        this.pending = new Chunk[] {active};
        this.pendingBytes = chunkSize;
    }

    /** The log position after the last published byte (writer thread only). */
    public long end() {
        return active.base + active.limit;
    }

    /**
     * The active chunk with at least {@code len} free bytes at its limit; opens a new chunk when
     * needed, waiting (uninterruptibly) while the buffer is full. Writer thread only.
     *
     * @param wakeFlusher asks the flusher to drain; called before waiting and when half full
     */
    public Chunk reserve(int len, Runnable wakeFlusher) {
        Chunk a = active;
        if (a.data.length - a.limit >= len) {
            return a;
        }
        long base = a.base + a.limit;
        int size = Math.max(chunkSize, len);
        boolean interrupted = false;
        Chunk c = new Chunk(base, size);
        long held;
        synchronized (lock) {
            a.closed = true;
            for (;;) {
                checkFailure();
                Chunk[] ps = pending;
                int drop = 0;
                long freed = 0;
                while (drop < ps.length && ps[drop].closed && ps[drop].written == ps[drop].limit) {
                    freed += ps[drop].data.length;
                    drop++;
                }
                if (drop == ps.length || pendingBytes - freed + size <= capacity) {
                    Chunk[] next = new Chunk[ps.length - drop + 1];
                    System.arraycopy(ps, drop, next, 0, ps.length - drop);
                    next[next.length - 1] = c;
                    pendingBytes = pendingBytes - freed + size;
                    pending = next;
                    active = c;
                    held = pendingBytes;
                    break;
                }
                wakeFlusher.run();
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (held > capacity / 2) {
            wakeFlusher.run();
        }
        return c;
    }

    private void checkFailure() {
        Throwable f = failure;
        if (f != null) {
            throw new BlazeStorageException("the database failed to write its log and refuses further writes", f);
        }
    }

    /**
     * Whether frames of {@code len} bytes in total can be reserved without waiting for the
     * flusher: they fit in the active chunk, or in one new chunk that fits beside the chunks not
     * yet written (an upper bound of what they hold: the flusher only ever frees). Writer thread only.
     */
    public boolean hasRoomWithoutWaiting(int len) {
        Chunk a = active;
        return a.data.length - a.limit >= len || len <= chunkSize && pendingBytes + chunkSize <= capacity;
    }

    /** Publishes bytes written into {@code chunk} up to {@code newLimit}. Writer thread only. */
    public void advance(Chunk chunk, int newLimit) {
        chunk.limit = newLimit;
    }

    /**
     * Writes every published byte not yet written to {@code store}, in order. Flush-lock holder only.
     *
     * @return the log position up to which everything is now written
     */
    public long drainTo(LogStore store) throws IOException {
        Chunk[] ps = pending;
        long end = ps[0].base + ps[0].written;
        for (Chunk c : ps) {
            boolean closed = c.closed;
            int lim = c.limit;
            if (lim > c.written) {
                store.write(c.base + c.written, c.data, c.written, lim - c.written);
                c.written = lim;
            }
            end = c.base + c.written;
            if (!closed) {
                break;
            }
        }
        return end;
    }

    /** Drops chunks that are closed and fully written, and wakes waiting writers. */
    public void release() {
        synchronized (lock) {
            releaseLocked();
            lock.notifyAll();
        }
    }

    private void releaseLocked() {
        Chunk[] ps = pending;
        int drop = 0;
        while (drop < ps.length - 1 && ps[drop].closed && ps[drop].written == ps[drop].limit) {
            pendingBytes -= ps[drop].data.length;
            drop++;
        }
        if (drop > 0) {
            pending = Arrays.copyOfRange(ps, drop, ps.length);
        }
    }

    /** Records a write failure: waiting and later writers fail with it. */
    public void fail(Throwable cause) {
        synchronized (lock) {
            failure = cause;
            lock.notifyAll();
        }
    }

    /**
     * Copies {@code len} published bytes at log position {@code pos} into {@code dst}, if a chunk
     * still holds them. Any thread.
     */
    public boolean copy(long pos, byte[] dst, int off, int len) {
        for (Chunk c : pending) {
            if (pos >= c.base && pos + len <= c.base + c.limit) {
                System.arraycopy(c.data, (int) (pos - c.base), dst, off, len);
                return true;
            }
        }
        return false;
    }

    /** Whether published bytes are waiting to be written. Any thread. */
    public boolean hasPendingBytes() {
        for (Chunk c : pending) {
            if (c.written < c.limit) {
                return true;
            }
        }
        return false;
    }
}
