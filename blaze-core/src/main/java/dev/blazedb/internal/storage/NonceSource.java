package dev.blazedb.internal.storage;

import java.security.SecureRandom;

/**
 * GCM nonces that never repeat under one data key: an 8-byte random prefix drawn at each open and
 * a 4-byte counter; the prefix is drawn again when the counter wraps.
 *
 * <p>Nonces are not derived from sequence numbers or positions, which a torn tail can hand out a
 * second time after a crash. Two opens repeat a prefix with probability about n^2 / 2^65 for n
 * opens. Thread-safe.
 */
public final class NonceSource {

    private final SecureRandom random;
    private long prefix;
    private long counter;

    /** A source with a fresh random prefix. */
    public NonceSource(SecureRandom random) {
        this(random, 0);
    }

    /** A source whose counter starts at {@code counter} (tests of the wrap-around). */
    NonceSource(SecureRandom random, long counter) {
        this.random = random;
        this.prefix = random.nextLong();
        this.counter = counter;
    }

    /** Writes the next nonce into {@code dst} at {@code off}. */
    public synchronized void next(byte[] dst, int off) {
        if (counter > 0xFFFF_FFFFL) {
            long next;
            do {
                next = random.nextLong();
            } while (next == prefix);
            prefix = next;
            counter = 0;
        }
        Bytes.putLong(dst, off, prefix);
        Bytes.putInt(dst, off + 8, (int) counter);
        counter++;
    }
}
