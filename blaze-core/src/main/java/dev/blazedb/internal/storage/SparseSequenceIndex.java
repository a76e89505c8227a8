package dev.blazedb.internal.storage;

import java.util.Arrays;

/**
 * Every {@value #INTERVAL}th sequence's entry address ({@link EntryAddress}), so change-feed
 * catch-up can start reading the log near any sequence. Appended by the writer, read by any thread.
 */
public final class SparseSequenceIndex {

    /** Sequences between samples. */
    public static final long INTERVAL = 1024;

    private long[] seqs = new long[64];
    private long[] addresses = new long[64];
    private int size;
    private final long start;
    /** Only read and written by the single writer (and the synchronized add). */
    private long lastBlock = -1;

    /** An index whose floor for any sequence before the first sample is {@code start}. */
    public SparseSequenceIndex(long start) {
        this.start = start;
    }

    /** Samples {@code seq} at entry {@code address} when it starts a new interval. One writer thread. */
    public void maybeAdd(long seq, long address) {
        if (seq / INTERVAL <= lastBlock) {
            return;
        }
        add(seq, address);
    }

    private synchronized void add(long seq, long address) {
        lastBlock = seq / INTERVAL;
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
            addresses = Arrays.copyOf(addresses, size * 2);
        }
        seqs[size] = seq;
        addresses[size] = address;
        size++;
    }

    /** An entry address at or before the first change with sequence >= {@code seq}. */
    public synchronized long floor(long seq) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        if (i >= 0) {
            return addresses[i];
        }
        int ins = -i - 1;
        return ins == 0 ? start : addresses[ins - 1];
    }

    /** The samples whose frame lies below {@code limit}, as [seq, address] pairs. */
    public synchronized long[][] snapshot(long limit) {
        int n = 0;
        while (n < size && EntryAddress.frame(addresses[n]) < limit) {
            n++;
        }
        return new long[][] {Arrays.copyOf(seqs, n), Arrays.copyOf(addresses, n)};
    }
}
