package dev.blazedb.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

/** A log held in memory, in 1 MiB pages, for in-memory databases. */
public final class MemoryLogStore implements LogStore {

    private static final int PAGE_SHIFT = 20;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private final String name;
    private volatile byte[][] pages = new byte[0][];
    private volatile long writtenEnd;
    private volatile boolean closed;

    /** An empty store labelled {@code name}. */
    public MemoryLogStore(String name) {
        this.name = name;
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (pos + len > writtenEnd) {
            throw new EOFException("read past the end of " + name);
        }
        byte[][] ps = pages;
        long p = pos;
        int o = off;
        int remaining = len;
        while (remaining > 0) {
            byte[] page = ps[(int) (p >>> PAGE_SHIFT)];
            int inPage = (int) (p & (PAGE_SIZE - 1));
            int n = Math.min(remaining, PAGE_SIZE - inPage);
            System.arraycopy(page, inPage, dst, o, n);
            p += n;
            o += n;
            remaining -= n;
        }
    }

    @Override
    public void write(long pos, byte[] src, int off, int len) {
        if (len == 0) {
            return;
        }
        long end = pos + len;
        byte[][] ps = pages;
        int needed = (int) ((end + PAGE_SIZE - 1) >>> PAGE_SHIFT);
        if (needed > ps.length) {
            ps = Arrays.copyOf(ps, Math.max(needed, ps.length * 2));
        }
        for (int i = (int) (pos >>> PAGE_SHIFT); i < needed; i++) {
            if (ps[i] == null) {
                ps[i] = new byte[PAGE_SIZE];
            }
        }
        long p = pos;
        int o = off;
        int remaining = len;
        while (remaining > 0) {
            byte[] page = ps[(int) (p >>> PAGE_SHIFT)];
            int inPage = (int) (p & (PAGE_SIZE - 1));
            int n = Math.min(remaining, PAGE_SIZE - inPage);
            System.arraycopy(src, o, page, inPage, n);
            p += n;
            o += n;
            remaining -= n;
        }
        pages = ps;
        if (end > writtenEnd) {
            writtenEnd = end;
        }
    }

    @Override
    public void force() {
        // nothing to force
    }

    @Override
    public long writtenEnd() {
        return writtenEnd;
    }

    @Override
    public void truncate(long size) {
        writtenEnd = Math.min(writtenEnd, size);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
    }
}
