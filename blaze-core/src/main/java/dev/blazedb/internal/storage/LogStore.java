package dev.blazedb.internal.storage;

import java.io.Closeable;
import java.io.IOException;

/**
 * The bytes of one log: a file, or memory for in-memory databases. Writes come from one thread at
 * a time (the flusher) and only append; reads of written ranges may come from any thread.
 */
public interface LogStore extends Closeable {

    /** Reads exactly {@code len} bytes at {@code pos}, which must lie below {@link #writtenEnd()}. */
    void read(long pos, byte[] dst, int off, int len) throws IOException;

    /** Writes {@code len} bytes at {@code pos} (at the end of what has been written). */
    void write(long pos, byte[] src, int off, int len) throws IOException;

    /** Forces written bytes to stable storage. */
    void force() throws IOException;

    /** The end of the bytes written so far. */
    long writtenEnd();

    /** Cuts the log at {@code size} (only during recovery, before any other use). */
    void truncate(long size) throws IOException;

    /** A name for messages: the file path, or a memory label. */
    String name();

    /** Whether bytes live in a file. */
    boolean persistent();

    @Override
    void close() throws IOException;
}
