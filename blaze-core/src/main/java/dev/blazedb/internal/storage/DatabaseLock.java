package dev.blazedb.internal.storage;

import dev.blazedb.BlazeStorageException;
import dev.blazedb.DatabaseLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a database: an OS file lock on {@code <database>.lock} (other processes)
 * plus a JVM-wide registry (other handles in this process, which OS locks do not exclude).
 *
 * <p>The lock file is left in place on release: deleting it would let two processes lock two
 * different files of the same name.
 */
public final class DatabaseLock implements AutoCloseable {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DatabaseLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of database {@code file}. */
    public static Path lockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /**
     * Locks database {@code file}.
     *
     * @throws DatabaseLockedException when another handle or process holds it
     */
    public static DatabaseLock acquire(Path file) {
        Path key = canonical(file);
        if (!HELD.add(key)) {
            throw new DatabaseLockedException("database " + file + " is already open in this process;"
                    + " close the other BlazeDBClient first");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile(file), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                throw new DatabaseLockedException("database " + file + " is locked by another process"
                        + (holder.isEmpty() ? "" : " (" + holder + ")"));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            DatabaseLock held = new DatabaseLock(key, channel, lock);
            channel = null;
            return held;
        } catch (IOException e) {
            throw new BlazeStorageException("cannot lock database " + file + ": " + e.getMessage(), e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
                HELD.remove(key);
            }
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            int n = channel.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Path canonical(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            if (parent != null && Files.exists(parent)) {
                return parent.toRealPath().resolve(abs.getFileName());
            }
        } catch (IOException ignored) {
            // fall back to the absolute path
        }
        return abs;
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock anyway
        } finally {
            HELD.remove(key);
        }
    }
}
