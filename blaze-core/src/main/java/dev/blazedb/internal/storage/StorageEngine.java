package dev.blazedb.internal.storage;

import dev.blazedb.BlazeException;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeStorageException;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.CorruptDatabaseException;
import dev.blazedb.DamagedRegion;
import dev.blazedb.DatabaseClosedException;
import dev.blazedb.DuplicateRecordException;
import dev.blazedb.Durability;
import dev.blazedb.InvalidPasswordException;
import dev.blazedb.NodeId;
import dev.blazedb.PolicyCommand;
import dev.blazedb.RecordNotFoundException;
import dev.blazedb.RecoveryReport;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.codec.BlazeBinaryException;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.ConflictResolver;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.clock.HybridLogicalClock;
import dev.blazedb.internal.feed.ChangeFeed;
import dev.blazedb.internal.sync.FieldVersions;
import dev.blazedb.internal.sync.LwwMerge;
import dev.blazedb.internal.sync.RecordState;
import dev.blazedb.internal.sync.SyncMessage;
import dev.blazedb.internal.sync.SyncMeta;
import dev.blazedb.internal.sync.SyncStore;
import dev.blazedb.internal.sync.Version;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine behind a {@code BlazeDBClient}: an append-only log of sealed frames
 * ({@link LogFormat}), an in-memory index, group commit, checkpoints, compaction and the change
 * feed's source.
 *
 * <h2>Threads and locks</h2>
 * <ul>
 *   <li>{@code writeLock}: one transaction at a time seals its entries into the {@link WriteBuffer},
 *       updates the index and publishes its commit point. No file I/O happens under it except
 *       reading the current record for update/upsert.
 *   <li>{@code flushLock}: whoever holds it writes buffered frames to the file (the flusher thread,
 *       a SYNC committer acting as group-commit leader, {@code sync()}). Lock order: write, then
 *       flush; the flusher never takes the write lock.
 *   <li>{@code maintenanceLock}: one checkpoint or compaction at a time.
 *   <li>Readers take no lock: they read the current {@link Generation} (log + index) and retry when
 *       compaction replaced it under them.
 * </ul>
 */
public final class StorageEngine implements ChangeFeed.Source, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CHUNK_SIZE = 256 << 10;
    private static final String META_HLC = "blaze.hlc";
    private static final String META_SEQUENCE = "blaze.seq.reserved";
    /** Sequences reserved per durable reservation entry; refilled when half is used. */
    static final long SEQUENCE_BLOCK = 1 << 16;
    /** The default collection. */
    public static final String DEFAULT_COLLECTION = "default";

    /** One log and the index over it; compaction replaces the whole generation. */
    static final class Generation {
        final LogStore store;
        final byte[] logId;
        final ConcurrentHashMap<String, CollectionIndex> collections;
        final ConcurrentHashMap<String, Checkpoint.MetaValue> meta;
        final SparseSequenceIndex sparse;
        final WriteBuffer buffer;
        volatile long writtenPosition;
        volatile long syncedPosition;

        Generation(LogStore store, byte[] logId, long end, int bufferCapacity) {
            this.store = store;
            this.logId = logId;
            this.collections = new ConcurrentHashMap<>();
            this.meta = new ConcurrentHashMap<>();
            this.sparse = new SparseSequenceIndex(LogFormat.HEADER_LENGTH);
            this.buffer = new WriteBuffer(end, CHUNK_SIZE, bufferCapacity);
            this.writtenPosition = end;
            this.syncedPosition = end;
        }

        Generation(LogStore store, byte[] logId, long end, int bufferCapacity, SparseSequenceIndex sparse,
                   ConcurrentHashMap<String, CollectionIndex> collections, ConcurrentHashMap<String, Checkpoint.MetaValue> meta) {
            this.store = store;
            this.logId = logId;
            this.collections = collections;
            this.meta = meta;
            this.sparse = sparse;
            this.buffer = new WriteBuffer(end, CHUNK_SIZE, bufferCapacity);
            this.writtenPosition = end;
            this.syncedPosition = end;
        }
    }

    /** The last committed sequence and the log end after it, in one generation. */
    record CommitPoint(long sequence, long position, Generation gen) {
    }

    /** Where a change-feed reader continues: {@code position} is an entry address ({@link EntryAddress}). */
    record ScanHint(Generation gen, long nextSequence, long position) {
    }

    /**
     * Per-thread read state. Static, so that a thread's {@code ThreadLocal} value never refers to
     * its engine: long-lived threads (a pool, the main thread) that read from many databases
     * would otherwise keep every one of them alive after it is closed.
     */
    private static final class Reader {
        final FrameCipher cipher;
        final EntryView view = new EntryView();
        byte[] frame = new byte[4096];
        byte[] plain = new byte[4096];
        final byte[] lengthBuf = new byte[4];
        /**
         * The frame whose plaintext {@link #plain} and {@link #view} hold: its log (the
         * generation's log id array, compared by identity: it does not keep the engine alive)
         * and position; -1 when none. Committed frames never change, so reading the next entry
         * of the same group needs no second decryption (unless the view failed to show one:
         * {@link EntryView#intact()}).
         */
        byte[] openedLog;
        long openedFrame = -1;

        Reader(SecretKey key) {
            this.cipher = new FrameCipher(key, null);
        }

        byte[] frame(int len) {
            if (frame.length < len) {
                frame = new byte[Math.max(len, frame.length * 2)];
            }
            return frame;
        }

        byte[] plain(int len) {
            if (plain.length < len) {
                plain = new byte[Math.max(len, plain.length * 2)];
            }
            return plain;
        }
    }

    private final String name;
    private final Path file;
    private final NodeId nodeId;
    private final UUID nodeUuid;
    private final BlazeOptions options;
    private final SecretKey dataKey;
    private final NonceSource nonces;
    private final LogFormat.Header header;
    private final DatabaseLock lock;
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ChangeFeed feed;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ReentrantLock maintenanceLock = new ReentrantLock();
    private final FrameCipher writerCipher;
    private final ThreadLocal<Reader> readers;
    private final Durability durability;
    private final AtomicBoolean checkpointScheduled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread flusher;
    private final Runnable wakeFlusher;
    /**
     * Set by the flusher before it parks with nothing to flush; the writer that publishes the next
     * bytes wakes it. An idle database's flusher thus sleeps instead of waking every interval
     * (a thousand in-memory databases in one process were a hundred thousand wake-ups a second).
     */
    private volatile boolean flusherIdle;

    private volatile Generation gen;
    private volatile CommitPoint commitPoint;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile boolean stopFlusher;
    private volatile long lastCheckpointPosition;
    private long lastSequence;
    private long maxWrittenHlc;
    /**
     * Sequence reservation (file databases only). A sequence is handed out only once a durable
     * {@value #META_SEQUENCE} entry at or above it is in the log, and reopening continues above
     * the highest reservation found. So a sequence that a subscriber or a peer has seen is never
     * issued again for another change, even when a crash loses the change itself (GROUP and OS
     * durability publish changes before they are on disk). Under the write lock.
     */
    private long durableReservation;
    private long appendedReservation;
    private long appendedReservationEnd;
    /**
     * Makes the index changes of a multi-record transaction visible to readers all at once:
     * the writer holds it (exclusively) only while it applies a batch to the in-memory index;
     * readers validate an optimistic stamp and retry, never park.
     */
    private final StampedLock visibility = new StampedLock();
    private int lastFrameLength;
    private RecoveryReport report;

    private StorageEngine(String name, Path file, NodeId nodeId, BlazeOptions options, SecretKey dataKey,
                          LogFormat.Header header, DatabaseLock lock) {
        this.name = name;
        this.file = file;
        this.nodeId = nodeId;
        this.nodeUuid = nodeId.uuid();
        this.options = options;
        this.dataKey = dataKey;
        this.nonces = new NonceSource(RANDOM);
        this.header = header;
        this.lock = lock;
        this.writerCipher = new FrameCipher(dataKey, nonces);
        SecretKey key = dataKey;
        this.readers = ThreadLocal.withInitial(() -> new Reader(key));
        this.durability = file == null ? Durability.OS : options.durability();
        this.feed = new ChangeFeed(this, options.changeBufferSize(), options.blockingScheduler());
        this.flusher = new Thread(this::flusherLoop, "blazedb-flusher-" + name);
        this.flusher.setDaemon(true);
        this.wakeFlusher = () -> LockSupport.unpark(this.flusher);
    }

    // ---------------------------------------------------------------------------------------
    // Opening

    /** Opens an in-memory database. */
    public static StorageEngine inMemory(String name, BlazeOptions options) {
        byte[] key = new byte[LogFormat.KEY_LENGTH];
        RANDOM.nextBytes(key);
        byte[] logId = new byte[LogFormat.LOG_ID_LENGTH];
        RANDOM.nextBytes(logId);
        StorageEngine e = new StorageEngine(name, null, NodeId.random(), options, new SecretKeySpec(key, "AES"), null, null);
        MemoryLogStore store = new MemoryLogStore("memory:" + name);
        try {
            store.write(0, new byte[LogFormat.HEADER_LENGTH], 0, LogFormat.HEADER_LENGTH);
        } catch (RuntimeException ex) {
            throw new BlazeStorageException("cannot allocate memory log", ex);
        }
        Generation g = new Generation(store, logId, LogFormat.HEADER_LENGTH, options.writeBufferSize());
        e.gen = g;
        e.commitPoint = new CommitPoint(0, LogFormat.HEADER_LENGTH, g);
        e.report = new RecoveryReport(false, LogFormat.HEADER_LENGTH, 0, 0, List.of(), Duration.ZERO);
        e.flusher.start();
        return e;
    }

    /**
     * Opens or creates the database file {@code file}.
     *
     * <p>Order: validate the password; if the file exists, read its header and unwrap the data key
     * (a wrong password fails here, having read only the header); lock; clean leftovers; load a
     * checkpoint; replay; truncate a torn tail.
     */
    public static StorageEngine open(String name, Path file, char[] password, BlazeOptions options) {
        long t0 = System.nanoTime();
        checkPassword(password);
        Path abs = file.toAbsolutePath().normalize();
        for (int attempt = 0; attempt < 5; attempt++) {
            StorageEngine e;
            if (Files.exists(abs)) {
                Unlocked keys = unlock(readHeader(abs), password, abs);
                e = underLock(abs, lock -> recover(name, abs, keys, options, lock, t0));
            } else {
                Path parent = abs.getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    throw new BlazeStorageException("directory " + parent + " does not exist");
                }
                // Another process may have created it between the check and the lock.
                e = underLock(abs, lock -> Files.exists(abs) ? null
                        : recover(name, abs, create(abs, password, options), options, lock, t0));
            }
            if (e != null) {
                return e;
            }
        }
        throw new BlazeStorageException("database " + abs + " keeps changing while being opened");
    }

    /**
     * Runs {@code body} holding the database lock; the engine it returns keeps the lock, while a
     * failure or a null (the file changed under us: try again) releases it.
     */
    private static StorageEngine underLock(Path abs, Function<DatabaseLock, StorageEngine> body) {
        DatabaseLock lock = DatabaseLock.acquire(abs);
        StorageEngine engine;
        try {
            engine = body.apply(lock);
        } catch (RuntimeException | Error ex) {
            lock.close();
            throw ex;
        }
        if (engine == null) {
            lock.close();
        }
        return engine;
    }

    private static void checkPassword(char[] password) {
        if (password == null) {
            throw new InvalidPasswordException("a password is required");
        }
        int codePoints = Character.codePointCount(password, 0, password.length);
        if (codePoints < 8) {
            throw new InvalidPasswordException("password too short: at least 8 characters are required");
        }
    }

    private record Unlocked(LogFormat.Header header, SecretKey dataKey, NodeId nodeId) {
    }

    private static LogFormat.Header readHeader(Path abs) {
        try (FileChannel ch = FileChannel.open(abs, StandardOpenOption.READ)) {
            return readHeader(ch, abs);
        } catch (NoSuchFileException e) {
            throw new BlazeStorageException("database " + abs + " disappeared while being opened", e);
        } catch (IOException e) {
            throw new BlazeStorageException("cannot read database " + abs + ": " + e.getMessage(), e);
        }
    }

    private static LogFormat.Header readHeader(FileChannel ch, Path abs) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LogFormat.HEADER_LENGTH);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                break;
            }
        }
        return LogFormat.Header.parse(b.array(), b.position(), abs.toString());
    }

    private static Unlocked unlock(LogFormat.Header h, char[] password, Path abs) {
        byte[] kek = KeyDerivation.argon2id(password, h.salt(), h.kdf());
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, h.wrapNonce()));
            c.updateAAD(h.wrapAad());
            byte[] plain = c.doFinal(h.wrappedKey());
            SecretKey key = new SecretKeySpec(plain, 0, LogFormat.KEY_LENGTH, "AES");
            NodeId node = new NodeId(Bytes.getUuid(plain, LogFormat.KEY_LENGTH));
            Arrays.fill(plain, (byte) 0);
            return new Unlocked(h, key, node);
        } catch (AEADBadTagException e) {
            throw new InvalidPasswordException("wrong password for database " + abs);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private static Unlocked create(Path abs, char[] password, BlazeOptions options) {
        byte[] salt = new byte[LogFormat.SALT_LENGTH];
        byte[] wrapNonce = new byte[LogFormat.NONCE_LENGTH];
        byte[] dataKey = new byte[LogFormat.KEY_LENGTH];
        byte[] logId = new byte[LogFormat.LOG_ID_LENGTH];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(wrapNonce);
        RANDOM.nextBytes(dataKey);
        RANDOM.nextBytes(logId);
        NodeId node = NodeId.random();
        LogFormat.Header unsigned = new LogFormat.Header(LogFormat.FORMAT_VERSION, LogFormat.KDF_ARGON2ID, options.argon2(),
                salt, wrapNonce, new byte[LogFormat.WRAPPED_KEY_LENGTH], logId);
        byte[] kek = KeyDerivation.argon2id(password, salt, options.argon2());
        byte[] wrapped;
        try {
            byte[] plain = new byte[LogFormat.KEY_LENGTH + 16];
            System.arraycopy(dataKey, 0, plain, 0, LogFormat.KEY_LENGTH);
            Bytes.putUuid(plain, LogFormat.KEY_LENGTH, node.uuid());
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, wrapNonce));
            c.updateAAD(unsigned.wrapAad());
            wrapped = c.doFinal(plain);
            Arrays.fill(plain, (byte) 0);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        LogFormat.Header h = new LogFormat.Header(LogFormat.FORMAT_VERSION, LogFormat.KDF_ARGON2ID, options.argon2(),
                salt, wrapNonce, wrapped, logId);
        Path tmp = abs.resolveSibling(abs.getFileName() + ".new");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(h.toBytes());
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            Checkpoint.fsyncDirectory(abs.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw new BlazeStorageException("cannot create database " + abs + ": " + e.getMessage(), e);
        }
        SecretKey key = new SecretKeySpec(dataKey, "AES");
        Arrays.fill(dataKey, (byte) 0);
        return new Unlocked(h, key, node);
    }

    private static void deleteLeftovers(Path abs) throws IOException {
        for (String suffix : new String[] {".compact", ".ckpt.tmp", ".new"}) {
            Path p = abs.resolveSibling(abs.getFileName() + suffix);
            if (Files.deleteIfExists(p)) {
                LOG.info("removed leftover {} of an interrupted operation", p);
            }
        }
    }

    /** Recovers the log under the lock; returns null when the file changed identity since unlocking. */
    private static StorageEngine recover(String name, Path abs, Unlocked keys, BlazeOptions options,
                                         DatabaseLock lock, long t0) {
        FileChannel ch = null;
        try {
            deleteLeftovers(abs);
            ch = FileChannel.open(abs, StandardOpenOption.READ, StandardOpenOption.WRITE);
            LogFormat.Header h = readHeader(ch, abs);
            if (!Arrays.equals(h.salt(), keys.header().salt()) || !Arrays.equals(h.wrappedKey(), keys.header().wrappedKey())) {
                ch.close();
                return null;
            }
            StorageEngine e = new StorageEngine(name, abs, keys.nodeId(), options, keys.dataKey(), h, lock);
            FileLogStore store = new FileLogStore(abs, ch);
            e.replay(store, h.logId(), t0);
            ch = null;
            e.flusher.start();
            return e;
        } catch (IOException ex) {
            throw new BlazeStorageException("cannot open database " + abs + ": " + ex.getMessage(), ex);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    /** A committed entry waiting for its transaction's COMMIT during replay; {@code position} is its address. */
    private record Pending(int kind, int flags, long sequence, String name, long idMsb, long idLsb, long position,
                           byte[] metaValue, long hlc) {
    }

    private void replay(FileLogStore store, byte[] logId, long t0) throws IOException {
        long tReplay = System.nanoTime();
        long size = store.writtenEnd();
        String fileName = store.name();
        Checkpoint.State ck = null;
        FrameCipher cipher = new FrameCipher(dataKey, nonces);
        if (!options.salvage()) {
            String[] problem = new String[1];
            ck = Checkpoint.read(file, cipher, logId, size, problem);
            if (ck == null && problem[0] != null) {
                LOG.warn("ignoring index checkpoint of {}: {}; replaying the whole log", fileName, problem[0]);
            }
        }
        Generation g;
        long start;
        if (ck != null) {
            ConcurrentHashMap<String, CollectionIndex> cols = new ConcurrentHashMap<>();
            for (CollectionIndex ci : ck.collections) {
                cols.put(ci.name, ci);
            }
            SparseSequenceIndex sparse = new SparseSequenceIndex(LogFormat.HEADER_LENGTH);
            for (int i = 0; i < ck.sparseSeqs.length; i++) {
                sparse.maybeAdd(ck.sparseSeqs[i], ck.sparsePositions[i]);
            }
            g = new Generation(store, logId, size, options.writeBufferSize(), sparse, cols, new ConcurrentHashMap<>(ck.meta));
            start = ck.covered;
            lastSequence = ck.lastSequence;
            clock.observe(ck.hlc);
            maxWrittenHlc = ck.hlc;
        } else {
            g = new Generation(store, logId, size, options.writeBufferSize());
            start = LogFormat.HEADER_LENGTH;
        }
        lastCheckpointPosition = ck != null ? ck.covered : 0;
        long tCheckpoint = System.nanoTime();

        LogScanner scanner = new LogScanner(store, logId, cipher, size);
        List<Pending> txn = new ArrayList<>();
        List<DamagedRegion> damaged = new ArrayList<>();
        long pos = start;
        long lastCommitEnd = start;
        long replayed = 0;
        long lastSeq = lastSequence;
        while (pos < size) {
            String bad = scanner.frameAt(pos);
            if (scanner.newerFormat) {
                // Authentic, so not damage: never truncated or skipped as if it were.
                throw new CorruptDatabaseException(fileName, pos, "log entry written by a newer version of BlazeDB ("
                        + bad + "); this build reads entry payload versions " + LogFormat.PAYLOAD_VERSION + " and "
                        + LogFormat.GROUP_VERSION);
            }
            EntryView v = scanner.view;
            long seq = lastSeq;
            int mark = txn.size();
            while (bad == null) {
                if (v.isChange()) {
                    if (v.sequence <= seq) {
                        bad = "sequence " + v.sequence + " does not follow " + seq;
                        txn.subList(mark, txn.size()).clear(); // none of a bad frame's entries counts
                        break;
                    }
                    seq = v.sequence;
                }
                txn.add(new Pending(v.kind, v.flags, v.sequence, v.name(), v.idMsb, v.idLsb,
                        EntryAddress.of(pos, v.slot), v.kind == LogFormat.KIND_META ? v.body() : null, v.hlc));
                if (!v.hasNext()) {
                    break;
                }
                v.next(); // checked by frameAt
            }
            if (bad == null) {
                replayed += v.entryCount;
                lastSeq = seq;
                pos += scanner.frameLength;
                if (scanner.commits) {
                    applyReplayed(g, txn);
                    txn.clear();
                    lastCommitEnd = pos;
                }
                continue;
            }
            long next = scanner.resync(pos + 1);
            boolean committedAfter = next >= 0 && scanner.committedFrom(next);
            if (!committedAfter) {
                break;
            }
            if (!options.salvage()) {
                throw new CorruptDatabaseException(fileName, pos, "damaged log entry (" + bad + ")");
            }
            LOG.error("salvage: skipping {} damaged bytes at position {} of {}: {}", next - pos, pos, fileName, bad);
            damaged.add(new DamagedRegion(pos, next - pos, bad));
            pos = next;
        }
        long discarded = size - lastCommitEnd;
        if (discarded > 0) {
            LOG.warn("discarding {} bytes of torn or uncommitted log tail at position {} of {}", discarded, lastCommitEnd, fileName);
            store.truncate(lastCommitEnd);
            g = new Generation(store, logId, lastCommitEnd, options.writeBufferSize(), g.sparse, g.collections, g.meta);
        }
        for (CollectionIndex ci : g.collections.values()) {
            ci.recount();
        }
        Checkpoint.MetaValue hlcMeta = g.meta.get(META_HLC);
        if (hlcMeta != null && hlcMeta.value().length == 8) {
            clock.observe(Bytes.getLong(hlcMeta.value(), 0));
        }
        clock.observe(maxWrittenHlc);
        Checkpoint.MetaValue seqMeta = g.meta.get(META_SEQUENCE);
        if (seqMeta != null && seqMeta.value().length == 8) {
            // Sequences up to the reservation may have been seen before a crash lost them.
            lastSequence = Math.max(lastSequence, Bytes.getLong(seqMeta.value(), 0));
        }
        durableReservation = lastSequence;
        appendedReservation = lastSequence;
        gen = g;
        commitPoint = new CommitPoint(lastSequence, lastCommitEnd, g);
        report = new RecoveryReport(ck != null, start, replayed, Math.max(0, discarded), damaged,
                Duration.ofNanos(System.nanoTime() - t0));
        LOG.debug("opened {}: {} (key derivation and header {} ms, checkpoint {} ms, replay {} ms)", fileName, report,
                (tReplay - t0) / 1_000_000, (tCheckpoint - tReplay) / 1_000_000, (System.nanoTime() - tCheckpoint) / 1_000_000);
    }

    private void applyReplayed(Generation g, List<Pending> txn) {
        for (Pending p : txn) {
            if (p.kind() == LogFormat.KIND_META) {
                g.meta.put(p.name(), new Checkpoint.MetaValue(p.metaValue(), p.position()));
                continue;
            }
            CollectionIndex ci = g.collections.computeIfAbsent(p.name(), n -> new CollectionIndex(n, 16));
            ci.index.put(p.idMsb(), p.idLsb(), RecordIndex.value(p.position(), p.kind() == LogFormat.KIND_TOMBSTONE));
            lastSequence = p.sequence();
            maxWrittenHlc = Math.max(maxWrittenHlc, p.hlc());
            g.sparse.maybeAdd(p.sequence(), p.position());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Identity

    /**
     * A 32-byte key for {@code purpose}, derived (HKDF-SHA256) from this database's data key: a
     * secret only someone who can open the database has, for protecting files kept beside it
     * (such as the TLS identity's private key). Stable across reopen; distinct per purpose.
     */
    public byte[] deriveKey(String purpose) {
        org.bouncycastle.crypto.generators.HKDFBytesGenerator g =
                new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
        g.init(new org.bouncycastle.crypto.params.HKDFParameters(dataKey.getEncoded(),
                "blazedb-derived-key-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[] out = new byte[32];
        g.generateBytes(out, 0, out.length);
        return out;
    }

    /** The database name given at open. */
    public String name() {
        return name;
    }

    /** The node id. */
    public NodeId nodeId() {
        return nodeId;
    }

    /** The database file, or null in memory. */
    public Path file() {
        return file;
    }

    /** What the open found and did. */
    public RecoveryReport recoveryReport() {
        return report;
    }

    /** The hybrid logical clock stamping local writes. */
    public HybridLogicalClock clock() {
        return clock;
    }

    /** The change feed. */
    public ChangeFeed feed() {
        return feed;
    }

    @Override
    public long publishedSequence() {
        return commitPoint.sequence();
    }

    /** The sequence of the last committed change. */
    public long lastSequence() {
        return commitPoint.sequence();
    }

    /** The size of the log in bytes (committed entries, written or buffered). */
    public long logSize() {
        return commitPoint.position();
    }

    // ---------------------------------------------------------------------------------------
    // Writes

    /** A record ready to insert: id resolved, fields completed, encoded. */
    private record Prepared(UUID id, BlazeDataRecord record, byte[] body) {
    }

    private static byte[] encode(BlazeDataRecord record) {
        byte[] body = BlazeBinary.encode(record, false);
        if (body.length > LogFormat.MAX_FRAME_LENGTH - 4096) {
            throw new IllegalArgumentException("record too large: " + body.length + " bytes encoded, at most "
                    + (LogFormat.MAX_FRAME_LENGTH - 4096));
        }
        return body;
    }

    /** Generates a record id: a version-7 UUID (time-ordered, 74 random bits). */
    static UUID newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long ms = System.currentTimeMillis();
        long msb = (ms << 16) | 0x7000L | (r.nextInt() & 0x0FFF);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The id a record asks for: its {@code id} field when that holds a UUID or a UUID string. */
    static UUID requestedId(BlazeDataRecord record) {
        BlazeValue v = record.get("id").orElse(null);
        if (v instanceof BlazeValue.UuidValue u) {
            return u.value();
        }
        if (v instanceof BlazeValue.StringValue s) {
            return parseUuid(s.value());
        }
        return null;
    }

    private static UUID parseUuid(String s) {
        if (s.length() != 36 || s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-') {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            if (Character.digit(c, 16) < 0) {
                return null;
            }
        }
        return UUID.fromString(s);
    }

    private static Prepared prepare(BlazeDataRecord record, UUID forcedId) {
        UUID id = forcedId != null ? forcedId : requestedId(record);
        if (id == null) {
            id = newId();
        }
        BlazeDataRecord stored = record;
        BlazeValue idValue = BlazeValue.uuid(id);
        if (!idValue.equals(record.get("id").orElse(null))) {
            stored = stored.with("id", idValue);
        }
        if (!stored.has("createdAt")) {
            stored = stored.with("createdAt", BlazeValue.date(now()));
        }
        return new Prepared(id, stored, encode(stored));
    }

    /** Now, to the microsecond: BlazeBinary dates round-trip exactly at that precision. */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static BlazeDataRecord merge(BlazeDataRecord existing, BlazeDataRecord changes, UUID id) {
        TreeMap<String, BlazeValue> fields = new TreeMap<>(existing.fields());
        changes.fields().forEach((k, v) -> {
            if (!k.equals("id") && !k.equals("createdAt")) {
                fields.put(k, v);
            }
        });
        fields.put("id", BlazeValue.uuid(id));
        fields.put("updatedAt", BlazeValue.date(now()));
        return new BlazeDataRecord(fields);
    }

    private void ensureWritable() {
        if (closed) {
            throw new DatabaseClosedException("database '" + name + "' is closed");
        }
        Throwable f = failure;
        if (f != null) {
            throw new BlazeStorageException("database '" + name + "' failed to write its log and refuses further writes", f);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new DatabaseClosedException("database '" + name + "' is closed");
        }
    }

    private CollectionIndex collectionForWrite(Generation g, String collection) {
        CollectionIndex ci = g.collections.get(collection);
        if (ci == null) {
            ci = new CollectionIndex(collection, 16);
            g.collections.put(collection, ci);
        }
        return ci;
    }

    /** Validates a collection name (cheap for names already in use). */
    public String checkName(String collection) {
        if (collection != null && gen.collections.containsKey(collection)) {
            return collection;
        }
        return checkCollection(collection);
    }

    /** Validates a collection name. */
    public static String checkCollection(String collection) {
        if (collection == null || collection.isEmpty()) {
            throw new IllegalArgumentException("collection name must not be empty");
        }
        if (Bytes.utf8(collection).length > LogFormat.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("collection name longer than " + LogFormat.MAX_NAME_LENGTH + " UTF-8 bytes");
        }
        return collection;
    }


    /**
     * Seals one entry into the write buffer, a frame of its own; returns its position ({@link
     * #lastFrameLength} holds its length). Under the write lock.
     */
    private long append(Generation g, int kind, int flags, long seq, long hlc, UUID origin, long originSeq,
                        long idMsb, long idLsb, byte[] nameUtf8, byte[] body) {
        return append(g, kind, flags, seq, hlc, origin, originSeq, idMsb, idLsb, nameUtf8, body, null);
    }

    /** {@link #append} with sync sections (see {@link SyncSections}); {@code sections} may be null. */
    private long append(Generation g, int kind, int flags, long seq, long hlc, UUID origin, long originSeq,
                        long idMsb, long idLsb, byte[] nameUtf8, byte[] body, byte[] sections) {
        int plain = LogFormat.payloadLength(nameUtf8, body, sections);
        WriteBuffer.Chunk c = g.buffer.reserve(FrameCipher.frameLength(plain), wakeFlusher);
        int off = c.limit();
        try {
            EntryView.write(c.data(), off + LogFormat.FRAME_HEADER_LENGTH, kind, flags, seq, hlc, origin, originSeq,
                    idMsb, idLsb, nameUtf8, body, sections);
        } catch (RuntimeException | Error e) {
            fail(e);
            throw e;
        }
        if (hlc > maxWrittenHlc) {
            maxWrittenHlc = hlc;
        }
        return seal(g, c, off, plain);
    }

    /** An entry of a transaction for {@link #appendAll}: the arguments of {@link #append}. */
    private record NewEntry(int kind, int flags, long seq, long hlc, UUID origin, long originSeq, long idMsb, long idLsb,
                            byte[] name, byte[] body, byte[] sections) {

        int plainLength() {
            return LogFormat.payloadLength(name, body, sections);
        }
    }

    /**
     * Appends a transaction's entries in order, consecutive ones sharing a frame (an entry group,
     * {@link LogFormat}) up to {@link LogFormat#GROUP_TARGET} plaintext bytes: a seal costs about
     * as much for a group as for one entry. Returns the entries' addresses ({@link
     * EntryAddress}); {@link #lastFrameLength} holds the length of the last frame. Under the write
     * lock.
     */
    private long[] appendAll(Generation g, List<NewEntry> entries) {
        int n = entries.size();
        long[] addresses = new long[n];
        int i = 0;
        while (i < n) {
            int first = i;
            int plain = LogFormat.GROUP_HEADER_LENGTH + LogFormat.GROUP_ENTRY_PREFIX + entries.get(i).plainLength();
            for (i++; i < n; i++) {
                int entryLength = entries.get(i).plainLength();
                if (!LogFormat.fitsInGroup(plain, i - first, entryLength)) {
                    break;
                }
                plain += LogFormat.GROUP_ENTRY_PREFIX + entryLength;
            }
            if (i - first == 1) {
                NewEntry e = entries.get(first);
                addresses[first] = append(g, e.kind(), e.flags(), e.seq(), e.hlc(), e.origin(), e.originSeq(), e.idMsb(),
                        e.idLsb(), e.name(), e.body(), e.sections());
                continue;
            }
            WriteBuffer.Chunk c = g.buffer.reserve(FrameCipher.frameLength(plain), wakeFlusher);
            int off = c.limit();
            byte[] b = c.data();
            try {
                int p = EntryView.writeGroupHeader(b, off + LogFormat.FRAME_HEADER_LENGTH, i - first);
                for (int k = first; k < i; k++) {
                    NewEntry e = entries.get(k);
                    int start = p + LogFormat.GROUP_ENTRY_PREFIX;
                    p = EntryView.write(b, start, e.kind(), e.flags(), e.seq(), e.hlc(), e.origin(), e.originSeq(),
                            e.idMsb(), e.idLsb(), e.name(), e.body(), e.sections());
                    Bytes.putInt(b, start - LogFormat.GROUP_ENTRY_PREFIX, p - start);
                    if (e.hlc() > maxWrittenHlc) {
                        maxWrittenHlc = e.hlc();
                    }
                }
            } catch (RuntimeException | Error e) {
                fail(e);
                throw e;
            }
            long pos = seal(g, c, off, plain);
            for (int k = first; k < i; k++) {
                addresses[k] = EntryAddress.of(pos, k - first);
            }
        }
        return addresses;
    }

    /**
     * Seals the frame whose plaintext was written into {@code c} at {@code off} (after the frame
     * header's room) and hands it to the flusher; returns its position and sets {@link
     * #lastFrameLength}.
     */
    private long seal(Generation g, WriteBuffer.Chunk c, int off, int plainLength) {
        long pos = c.base() + off;
        int frameLength = FrameCipher.frameLength(plainLength);
        try {
            writerCipher.seal(c.data(), off, plainLength, g.logId, pos);
        } catch (RuntimeException | Error e) {
            fail(e);
            throw e;
        }
        g.buffer.advance(c, off + frameLength);
        if (flusherIdle) {
            // Read after the bytes were published: the flusher sets the flag before it looks for
            // bytes, so either it sees these or this sees the flag.
            flusherIdle = false;
            LockSupport.unpark(flusher);
        }
        lastFrameLength = frameLength;
        return pos;
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            LOG.error("database '{}' failed: {}", name, t.toString(), t);
        }
        Generation g = gen;
        if (g != null) {
            g.buffer.fail(t);
        }
    }

    /** After a commit, outside the write lock: durability, then the change feed. */
    private void afterCommit(Generation g, long end) {
        if (durability.mode() == Durability.Mode.SYNC) {
            flushTo(g, end, true);
        }
        feed.signal();
    }

    /**
     * Checks a local write under the write lock, before anything is appended: it throws to refuse
     * the write, which then leaves no trace. Used for row-level security on a context's view.
     */
    @FunctionalInterface
    public interface WriteCheck {
        /**
         * Refuses the write by throwing.
         *
         * @param existing the record as it is (UPDATE, DELETE); null for INSERT
         * @param proposed the record as it would be stored (INSERT, UPDATE); null for DELETE
         */
        void check(PolicyCommand command, String collection, UUID id, BlazeDataRecord existing, BlazeDataRecord proposed);
    }

    /** Inserts a record into {@code collection}. */
    public UUID insert(String collection, BlazeDataRecord record) {
        return insert(collection, record, null);
    }

    /** Inserts a record into {@code collection} if {@code check} (null: none) lets it. */
    public UUID insert(String collection, BlazeDataRecord record, WriteCheck check) {
        checkName(collection);
        Prepared p = prepare(record, null);
        Generation g;
        long end;
        writeLock.lock();
        try {
            ensureWritable();
            g = gen;
            CollectionIndex ci = collectionForWrite(g, collection);
            long msb = p.id().getMostSignificantBits();
            long lsb = p.id().getLeastSignificantBits();
            long prev = ci.index.get(msb, lsb);
            if (prev != 0 && !RecordIndex.isTombstone(prev)) {
                throw new DuplicateRecordException(collection, p.id());
            }
            if (check != null) {
                check.check(PolicyCommand.INSERT, collection, p.id(), null, p.record());
            }
            // Re-inserting a deleted id keeps the delete's version: older writes stay dead (docs/sync.md).
            Version deletedAt = prev == 0 ? null : tombstoneVersion(g, prev);
            reserveSequences(g, lastSequence + 1);
            long seq = lastSequence + 1;
            long hlc = clock.now();
            long pos = append(g, LogFormat.KIND_PUT, LogFormat.FLAG_COMMIT | LogFormat.FLAG_CREATE, seq, hlc, nodeUuid, seq,
                    msb, lsb, ci.nameUtf8, p.body(), SyncSections.encode(null, deletedAt, null));
            lastSequence = seq;
            ci.apply(msb, lsb, RecordIndex.value(pos, false));
            g.sparse.maybeAdd(seq, pos);
            end = pos + lastFrameLength;
            feed.publish(event(seq, collection, p.id(), ChangeType.INSERT, p.record(), nodeId, seq, hlc, false,
                    new SyncMeta(null, deletedAt, null, false, p.body())));
            commitPoint = new CommitPoint(seq, end, g);
        } finally {
            writeLock.unlock();
        }
        afterCommit(g, end);
        return p.id();
    }

    /** Inserts records atomically: all or none, also across a crash. */
    public List<UUID> insertMany(String collection, List<BlazeDataRecord> records) {
        return insertMany(collection, records, null);
    }

    /** Inserts records atomically if {@code check} (null: none) lets every one of them. */
    public List<UUID> insertMany(String collection, List<BlazeDataRecord> records, WriteCheck check) {
        checkName(collection);
        if (records.isEmpty()) {
            ensureOpen();
            return List.of();
        }
        List<Prepared> prepared = new ArrayList<>(records.size());
        Set<UUID> ids = new HashSet<>(records.size() * 2);
        for (BlazeDataRecord r : records) {
            Prepared p = prepare(r, null);
            if (!ids.add(p.id())) {
                throw new DuplicateRecordException(collection, p.id());
            }
            prepared.add(p);
        }
        Generation g;
        long end;
        writeLock.lock();
        try {
            ensureWritable();
            g = gen;
            CollectionIndex ci = collectionForWrite(g, collection);
            Version[] deletedAts = null;
            for (int i = 0; i < prepared.size(); i++) {
                Prepared p = prepared.get(i);
                long prev = ci.index.get(p.id());
                if (prev != 0 && !RecordIndex.isTombstone(prev)) {
                    throw new DuplicateRecordException(collection, p.id());
                }
                if (check != null) {
                    check.check(PolicyCommand.INSERT, collection, p.id(), null, p.record());
                }
                if (prev != 0) {
                    if (deletedAts == null) {
                        deletedAts = new Version[prepared.size()];
                    }
                    deletedAts[i] = tombstoneVersion(g, prev);
                }
            }
            int n = prepared.size();
            reserveSequences(g, lastSequence + n);
            long first = lastSequence + 1;
            long[] hlcs = new long[n];
            List<NewEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Prepared p = prepared.get(i);
                long seq = first + i;
                hlcs[i] = clock.now();
                int flags = LogFormat.FLAG_CREATE | (i == n - 1 ? LogFormat.FLAG_COMMIT : 0);
                entries.add(new NewEntry(LogFormat.KIND_PUT, flags, seq, hlcs[i], nodeUuid, seq,
                        p.id().getMostSignificantBits(), p.id().getLeastSignificantBits(), ci.nameUtf8, p.body(),
                        deletedAts == null ? null : SyncSections.encode(null, deletedAts[i], null)));
            }
            long[] addresses = appendAll(g, entries);
            lastSequence = first + n - 1;
            long stamp = visibility.writeLock();
            try {
                for (int i = 0; i < n; i++) {
                    Prepared p = prepared.get(i);
                    long seq = first + i;
                    ci.apply(p.id().getMostSignificantBits(), p.id().getLeastSignificantBits(), RecordIndex.value(addresses[i], false));
                    g.sparse.maybeAdd(seq, addresses[i]);
                    Version deletedAt = deletedAts == null ? null : deletedAts[i];
                    feed.publish(event(seq, collection, p.id(), ChangeType.INSERT, p.record(), nodeId, seq, hlcs[i], false,
                            new SyncMeta(null, deletedAt, null, false, p.body())));
                }
            } finally {
                visibility.unlockWrite(stamp);
            }
            end = EntryAddress.frame(addresses[n - 1]) + lastFrameLength;
            commitPoint = new CommitPoint(lastSequence, end, g);
        } finally {
            writeLock.unlock();
        }
        afterCommit(g, end);
        List<UUID> out = new ArrayList<>(prepared.size());
        for (Prepared p : prepared) {
            out.add(p.id());
        }
        return Collections.unmodifiableList(out);
    }

    /** Merges {@code changes} into an existing record. */
    public void update(String collection, UUID id, BlazeDataRecord changes) {
        update(collection, id, changes, null);
    }

    /** Merges {@code changes} into an existing record if {@code check} (null: none) lets it. */
    public void update(String collection, UUID id, BlazeDataRecord changes, WriteCheck check) {
        checkName(collection);
        if (upsertOrUpdate(collection, id, changes, false, check) == ABSENT) {
            throw new RecordNotFoundException(collection, id);
        }
    }

    /** Merges into an existing record or creates it; true when created. */
    public boolean upsert(String collection, UUID id, BlazeDataRecord record) {
        return upsert(collection, id, record, null);
    }

    /** Merges into an existing record or creates it if {@code check} (null: none) lets it; true when created. */
    public boolean upsert(String collection, UUID id, BlazeDataRecord record, WriteCheck check) {
        checkName(collection);
        return upsertOrUpdate(collection, id, record, true, check) == CREATED;
    }

    private static final int ABSENT = 0;
    private static final int UPDATED = 1;
    private static final int CREATED = 2;

    /** Returns {@link #ABSENT} (nothing written, only when !createIfAbsent), {@link #UPDATED} or {@link #CREATED}. */
    private int upsertOrUpdate(String collection, UUID id, BlazeDataRecord record, boolean createIfAbsent, WriteCheck check) {
        java.util.Objects.requireNonNull(id, "id");
        java.util.Objects.requireNonNull(record, "record");
        Prepared created = createIfAbsent ? prepare(record, id) : null;
        Generation g;
        long end;
        int result;
        writeLock.lock();
        try {
            ensureWritable();
            g = gen;
            CollectionIndex ci = g.collections.get(collection);
            long prev = ci == null ? 0 : ci.index.get(id);
            boolean exists = prev != 0 && !RecordIndex.isTombstone(prev);
            if (!exists && !createIfAbsent) {
                return ABSENT;
            }
            if (ci == null) {
                ci = collectionForWrite(g, collection);
            }
            BlazeDataRecord stored;
            byte[] body;
            int flags = LogFormat.FLAG_COMMIT;
            ChangeType type;
            byte[] versions = null;
            Version deletedAt;
            if (exists) {
                Current current = readCurrent(g, RecordIndex.address(prev), collection, id);
                stored = merge(current.record(), record, id);
                body = encode(stored);
                type = ChangeType.UPDATE;
                if (check != null) {
                    check.check(PolicyCommand.UPDATE, collection, id, current.record(), stored);
                }
                versions = keptVersions(current, stored, record);
                deletedAt = current.deletedAt();
            } else {
                stored = created.record();
                if (check != null) {
                    check.check(PolicyCommand.INSERT, collection, id, null, stored);
                }
                body = created.body();
                flags |= LogFormat.FLAG_CREATE;
                type = ChangeType.INSERT;
                deletedAt = prev == 0 ? null : tombstoneVersion(g, prev);
            }
            reserveSequences(g, lastSequence + 1);
            long seq = lastSequence + 1;
            long hlc = clock.now();
            long pos = append(g, LogFormat.KIND_PUT, flags, seq, hlc, nodeUuid, seq,
                    id.getMostSignificantBits(), id.getLeastSignificantBits(), ci.nameUtf8, body,
                    SyncSections.encode(versions, deletedAt, null));
            lastSequence = seq;
            ci.apply(id.getMostSignificantBits(), id.getLeastSignificantBits(), RecordIndex.value(pos, false));
            g.sparse.maybeAdd(seq, pos);
            end = pos + lastFrameLength;
            feed.publish(event(seq, collection, id, type, stored, nodeId, seq, hlc, false,
                    new SyncMeta(versions, deletedAt, null, false, body)));
            commitPoint = new CommitPoint(seq, end, g);
            result = exists ? UPDATED : CREATED;
        } finally {
            writeLock.unlock();
        }
        afterCommit(g, end);
        return result;
    }

    /** A change event, with sync metadata when there is any. */
    private static ChangeEvent event(long seq, String collection, UUID id, ChangeType type, BlazeDataRecord record,
                                     NodeId origin, long originSeq, long hlc, boolean remote, SyncMeta meta) {
        if (meta == null) {
            return new ChangeEvent(seq, collection, id, type, record, origin, originSeq, hlc, remote);
        }
        return InternalAccess.events().create(seq, collection, id, type, record, origin, originSeq, hlc, remote, meta);
    }

    /** The stored record an update starts from, with the versions of its fields. */
    private record Current(BlazeDataRecord record, Version version, Map<String, Version> exceptions, Version deletedAt) {
    }

    private Current readCurrent(Generation g, long pos, String collection, UUID id) {
        EntryView v = openFrameAt(g, pos, readers.get());
        if (v.kind != LogFormat.KIND_PUT || !v.name().equals(collection)
                || v.idMsb != id.getMostSignificantBits() || v.idLsb != id.getLeastSignificantBits()) {
            throw corrupt(g, pos, "log entry does not belong to " + collection + "/" + id);
        }
        try {
            BlazeDataRecord record = BlazeBinary.decode(v.buf, v.bodyOffset, v.bodyLength);
            return new Current(record, SyncSections.version(v, nodeId), SyncSections.fieldVersions(v),
                    SyncSections.deletedAt(v, nodeId));
        } catch (BlazeBinaryException | IllegalArgumentException e) {
            throw corrupt(g, pos, "undecodable record in log entry", e);
        }
    }

    /**
     * The per-field versions of an update's result: the fields the update wrote (and
     * {@code updatedAt}) take the new entry's version and are not listed; every other field keeps
     * the version it had. Null when none is kept.
     */
    private static byte[] keptVersions(Current current, BlazeDataRecord stored, BlazeDataRecord changes) {
        java.util.TreeMap<String, Version> kept = new java.util.TreeMap<>(BlazeDataRecord.CODE_POINT_ORDER);
        for (String k : stored.fields().keySet()) {
            if (k.equals("id") || k.equals("updatedAt") || !k.equals("createdAt") && changes.has(k)) {
                continue;
            }
            Version v = current.exceptions().get(k);
            kept.put(k, v != null ? v : current.version());
        }
        return kept.isEmpty() ? null : FieldVersions.encode(kept);
    }

    /** The version of the tombstone at index value {@code indexValue}. */
    private Version tombstoneVersion(Generation g, long indexValue) {
        EntryView v = openFrameAt(g, RecordIndex.address(indexValue), readers.get());
        return SyncSections.version(v, nodeId);
    }

    /** Deletes a record; true when it existed. */
    public boolean delete(String collection, UUID id) {
        return delete(collection, id, null);
    }

    /** Deletes a record if {@code check} (null: none) lets it; true when it existed. */
    public boolean delete(String collection, UUID id, WriteCheck check) {
        checkName(collection);
        java.util.Objects.requireNonNull(id, "id");
        Generation g;
        long end;
        writeLock.lock();
        try {
            ensureWritable();
            g = gen;
            CollectionIndex ci = g.collections.get(collection);
            long prev = ci == null ? 0 : ci.index.get(id);
            if (prev == 0 || RecordIndex.isTombstone(prev)) {
                return false;
            }
            if (check != null) {
                check.check(PolicyCommand.DELETE, collection, id,
                        readCurrent(g, RecordIndex.address(prev), collection, id).record(), null);
            }
            reserveSequences(g, lastSequence + 1);
            long seq = lastSequence + 1;
            long hlc = clock.now();
            long pos = append(g, LogFormat.KIND_TOMBSTONE, LogFormat.FLAG_COMMIT, seq, hlc, nodeUuid, seq,
                    id.getMostSignificantBits(), id.getLeastSignificantBits(), ci.nameUtf8, null);
            lastSequence = seq;
            ci.apply(id.getMostSignificantBits(), id.getLeastSignificantBits(), RecordIndex.value(pos, true));
            g.sparse.maybeAdd(seq, pos);
            end = pos + lastFrameLength;
            feed.publish(new ChangeEvent(seq, collection, id, ChangeType.DELETE, null, nodeId, seq, hlc, false));
            commitPoint = new CommitPoint(seq, end, g);
        } finally {
            writeLock.unlock();
        }
        afterCommit(g, end);
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // Sync (docs/sync.md)

    /** The META key of the resume point kept for {@code peer}. */
    public static String resumeKey(NodeId peer) {
        return "blaze.sync.peer." + peer;
    }

    /** The resume point stored for {@code peer}: the highest sequence of its log applied here. */
    public long storedResumePoint(NodeId peer) {
        Checkpoint.MetaValue v = gen.meta.get(resumeKey(peer));
        return v == null || v.value().length != 8 ? 0 : Bytes.getLong(v.value(), 0);
    }

    /**
     * A peer's resume point is written to the log once it has moved this many sequences past the
     * stored one (and when a session ends, and at close), not with every applied batch: a
     * resume-point entry per batch was a third AES-GCM seal per change when changes arrive one by
     * one. Crash-safe: the stored point never runs ahead of the changes (it is appended after
     * them), so after a crash the peer resends at most this many sequences, and re-applying a
     * change is a no-op that writes nothing (docs/sync.md).
     */
    static final long RESUME_POINT_EVERY = 4096;

    /**
     * Resume points as applied, ahead of the stored ones: reconnects within this process resume
     * from here, so only a crash ever resends. Written to the log by {@link #close()}.
     */
    private final ConcurrentHashMap<NodeId, Long> memoryResumePoints = new ConcurrentHashMap<>();

    /** The resume point for {@code peer}: stored, or advanced in memory since. */
    public long resumePoint(NodeId peer) {
        long stored = closed ? 0 : storedResumePoint(peer);
        Long mem = memoryResumePoints.get(peer);
        return mem == null ? stored : Math.max(stored, mem);
    }

    /** Records that {@code peer}'s log up to {@code point} is applied; persisted now when asked. */
    public void advanceResumePoint(NodeId peer, long point, boolean persistNow) {
        memoryResumePoints.merge(peer, point, Math::max);
        if (persistNow && !closed && storedResumePoint(peer) < point) {
            byte[] v = new byte[8];
            Bytes.putLong(v, 0, point);
            putMeta(resumeKey(peer), v);
        }
    }

    /** Appends the resume points that moved past the stored ones; under the write lock (close). */
    private void persistMemoryResumePoints(Generation g) {
        if (file == null) {
            return; // nothing survives a close
        }
        for (Map.Entry<NodeId, Long> e : memoryResumePoints.entrySet()) {
            long point = e.getValue();
            if (storedResumePoint(e.getKey()) < point) {
                String key = resumeKey(e.getKey());
                byte[] v = new byte[8];
                Bytes.putLong(v, 0, point);
                long end = appendMeta(g, Bytes.utf8(key), key, v);
                commitPoint = new CommitPoint(lastSequence, end, g);
            }
        }
    }

    /** One change of a remote batch that will be written. */
    private record Planned(SyncMessage.Change change, int kind, int flags, long hlc, NodeId origin, byte[] body,
                           byte[] sections, ChangeType type, BlazeDataRecord record, SyncMeta meta) {
    }

    /** A record touched earlier in the same batch. */
    private record Touched(String collection, UUID id) {
    }

    /**
     * Merges a peer's batch in one transaction (see {@link SyncStore#apply}): per change, the
     * stored state and the change's state are merged by {@link LwwMerge}; a change that alters
     * the state and is admitted is written as a REMOTE entry (MERGED when the result is not what
     * the peer sent) with its origin kept and {@code peer} as via; the resume point of
     * {@code peer} becomes {@code coveredThrough}, in memory at once and in the log (a META entry
     * closing the same transaction) once it has moved {@link #RESUME_POINT_EVERY} past the stored
     * one. Everything that can
     * fail (merge, admission, encoding) happens before the first byte is appended.
     *
     * <p>With {@code mayBlock} false it returns null, having changed nothing, where it would wait:
     * for the write lock (another writer holds it), for a read of an older version from the file,
     * for room in the write buffer, for the sequence reservation's flush or for an fsync
     * ({@link SyncStore#apply}).
     */
    public SyncStore.ApplyResult applyRemote(NodeId peer, List<SyncMessage.Change> changes, long coveredThrough,
                                             SyncStore.Admission admission, ConflictResolver resolver, boolean mayBlock) {
        String resumeKey = resumeKey(peer);
        for (SyncMessage.Change c : changes) {
            checkName(c.collection());
        }
        if (!mayBlock && durability.mode() == Durability.Mode.SYNC) {
            return null; // every commit waits for its fsync
        }
        List<SyncStore.Rejected> rejected = new ArrayList<>(0);
        Generation g;
        long end;
        int applied;
        if (mayBlock) {
            writeLock.lock();
        } else if (!writeLock.tryLock()) {
            return null;
        }
        try {
            ensureWritable();
            g = gen;
            Reader r = readers.get();
            // Records written earlier in this batch: their new state (a RecordState), or the
            // change that created them through the fast path (its state is computed if needed).
            Map<Touched, Object> touched = changes.size() == 1 ? null : new java.util.HashMap<>();
            List<Planned> plan = new ArrayList<>(changes.size());
            long[] indexed = indexValues(g, changes);
            for (int k = 0; k < changes.size(); k++) {
                SyncMessage.Change c = changes.get(k);
                clock.receive(c.hlc());
                UUID id = c.recordId();
                Touched key = touched == null ? null : new Touched(c.collection(), id);
                Object earlier = touched == null ? null : touched.get(key);
                RecordState local;
                if (earlier instanceof SyncMessage.Change e) {
                    local = e.state();
                } else if (earlier != null) {
                    local = (RecordState) earlier;
                } else if (indexed[k] == 0 && !c.tombstone() && c.deletedAt() == null) {
                    // Fast path: a record this database has never seen. The merge of nothing with
                    // the change is the change itself, so it is stored as received.
                    Planned p = planNew(c, peer, admission, rejected);
                    if (p != null) {
                        plan.add(p);
                        if (touched != null) {
                            touched.put(key, c);
                        }
                    }
                    continue;
                } else if (!mayBlock && indexed[k] != 0 && file != null) {
                    return null; // its stored state is read from the file
                } else {
                    local = storedState(g, indexed[k], r);
                }
                RecordState incoming = c.state();
                RecordState merged = LwwMerge.merge(c.collection(), id, local, incoming, resolver);
                if (merged == local) {
                    continue; // already known: nothing to write, no event
                }
                BlazeDataRecord existing = local.live() ? local.toRecord(id) : null;
                BlazeDataRecord proposed = merged.live() ? merged.toRecord(id) : null;
                SyncStore.Rejection no = admission.admit(c, existing, proposed);
                if (no != null) {
                    rejected.add(new SyncStore.Rejected(c, no));
                    continue;
                }
                if (touched != null) {
                    touched.put(key, merged);
                }
                boolean pure = merged.equals(incoming);
                int flags = LogFormat.FLAG_REMOTE | (pure ? 0 : LogFormat.FLAG_MERGED);
                if (merged.live()) {
                    Version entry = new Version(c.hlc(), c.origin());
                    java.util.TreeMap<String, Version> ex = merged.exceptions(entry);
                    byte[] fv = ex.isEmpty() ? null : FieldVersions.encode(ex);
                    byte[] body = pure && c.body() != null && c.bodyHasId() ? c.body() : encode(proposed);
                    if (!local.live()) {
                        flags |= LogFormat.FLAG_CREATE;
                    }
                    SyncMeta meta = new SyncMeta(fv, merged.deletedAt(), peer, !pure, body);
                    plan.add(new Planned(c, LogFormat.KIND_PUT, flags, c.hlc(), c.origin(), body,
                            SyncSections.encode(fv, merged.deletedAt(), peer),
                            local.live() ? ChangeType.UPDATE : ChangeType.INSERT, proposed, meta));
                } else {
                    Version d = merged.deletedAt();
                    plan.add(new Planned(c, LogFormat.KIND_TOMBSTONE, flags, d.hlc(), d.node(), null,
                            SyncSections.encode(null, null, peer), ChangeType.DELETE, null,
                            new SyncMeta(null, null, peer, !pure, null)));
                }
            }
            applied = plan.size();
            long stored = storedResumePoint(peer);
            long point = Math.max(stored, coveredThrough);
            boolean persistPoint = point - stored >= RESUME_POINT_EVERY;
            int n = plan.size();
            if (n == 0 && !persistPoint) {
                memoryResumePoints.merge(peer, point, Math::max);
                return new SyncStore.ApplyResult(0, rejected);
            }
            if (!mayBlock && (n > 0 && reservationWouldWait(lastSequence + n) || !g.buffer.hasRoomWithoutWaiting(logBytes(plan)))) {
                return null;
            }
            if (n > 0) {
                reserveSequences(g, lastSequence + n);
            }
            long first = lastSequence + 1;
            CollectionIndex[] indexes = new CollectionIndex[n];
            List<NewEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Planned p = plan.get(i);
                SyncMessage.Change c = p.change();
                CollectionIndex ci = collectionForWrite(g, c.collection());
                indexes[i] = ci;
                // Without a resume-point entry the last change closes the transaction.
                int commit = i == n - 1 && !persistPoint ? LogFormat.FLAG_COMMIT : 0;
                entries.add(new NewEntry(p.kind(), p.flags() | commit, first + i, p.hlc(), p.origin().uuid(),
                        c.originSequence(), c.recordId().getMostSignificantBits(), c.recordId().getLeastSignificantBits(),
                        ci.nameUtf8, p.body(), p.sections()));
            }
            long[] addresses = appendAll(g, entries);
            if (persistPoint) {
                byte[] v = new byte[8];
                Bytes.putLong(v, 0, point);
                end = appendMeta(g, Bytes.utf8(resumeKey), resumeKey, v);
            } else {
                end = EntryAddress.frame(addresses[n - 1]) + lastFrameLength;
            }
            memoryResumePoints.merge(peer, point, Math::max);
            lastSequence = first + n - 1;
            long stamp = visibility.writeLock();
            try {
                for (int i = 0; i < n; i++) {
                    Planned p = plan.get(i);
                    SyncMessage.Change c = p.change();
                    long seq = first + i;
                    indexes[i].apply(c.recordId().getMostSignificantBits(), c.recordId().getLeastSignificantBits(),
                            RecordIndex.value(addresses[i], p.kind() == LogFormat.KIND_TOMBSTONE));
                    g.sparse.maybeAdd(seq, addresses[i]);
                    feed.publish(event(seq, c.collection(), c.recordId(), p.type(), p.record(), p.origin(),
                            c.originSequence(), p.hlc(), true, p.meta()));
                }
            } finally {
                visibility.unlockWrite(stamp);
            }
            commitPoint = new CommitPoint(lastSequence, end, g);
        } finally {
            writeLock.unlock();
        }
        afterCommit(g, end);
        return new SyncStore.ApplyResult(applied, rejected);
    }

    /**
     * An upper bound of the log bytes {@code plan} appends: its entries' frames, and room for the
     * META entries a transaction may add (the sequence reservation and the resume point).
     */
    private static int logBytes(List<Planned> plan) {
        long total = 2L * FrameCipher.frameLength(LogFormat.payloadLength(256, 8));
        for (Planned p : plan) {
            int name = 4 * p.change().collection().length(); // UTF-8 is at most 4 bytes per char
            int plain = LogFormat.payloadLength(name, p.body() == null ? 0 : p.body().length)
                    + (p.sections() == null ? 0 : p.sections().length);
            total += FrameCipher.frameLength(plain);
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** Whether {@link #reserveSequences} up to {@code upTo} would wait for the flusher; under the write lock. */
    private boolean reservationWouldWait(long upTo) {
        return file != null && upTo > durableReservation;
    }

    /**
     * The index value of every change's record (0 when the database has never seen it), looked up
     * in one pass before the batch is merged. In a large index each lookup is a cache miss; in a
     * tight loop of independent lookups the processor overlaps them, where between merges it
     * waited for each in turn (JFR: 26 % of a batched apply's samples in RecordIndex.get).
     * Under the write lock, so the values hold for the whole batch.
     */
    private static long[] indexValues(Generation g, List<SyncMessage.Change> changes) {
        long[] values = new long[changes.size()];
        String lastName = null;
        CollectionIndex last = null;
        for (int i = 0; i < values.length; i++) {
            SyncMessage.Change c = changes.get(i);
            if (!c.collection().equals(lastName)) {
                lastName = c.collection();
                last = g.collections.get(lastName);
            }
            if (last != null) {
                UUID id = c.recordId();
                values[i] = last.index.get(id.getMostSignificantBits(), id.getLeastSignificantBits());
            }
        }
        return values;
    }

    /**
     * The entry for a record this database has never seen (no entry, not even a tombstone) that
     * carries no delete version: merging it changes nothing about it. Null when not written.
     */
    private Planned planNew(SyncMessage.Change c, NodeId peer, SyncStore.Admission admission, List<SyncStore.Rejected> rejected) {
        BlazeDataRecord record = c.record();
        if (record.size() == 0 || record.size() == 1 && c.bodyHasId()) {
            return null; // nothing but an id: not a live record
        }
        boolean hasId = c.bodyHasId();
        BlazeDataRecord proposed = hasId ? record : record.with(RecordState.ID_FIELD, BlazeValue.uuid(c.recordId()));
        SyncStore.Rejection no = admission.admit(c, null, proposed);
        if (no != null) {
            rejected.add(new SyncStore.Rejected(c, no));
            return null;
        }
        byte[] body = hasId && c.body() != null ? c.body() : encode(proposed);
        byte[] fv = c.exceptions().isEmpty() ? null : FieldVersions.encode(c.exceptions());
        return new Planned(c, LogFormat.KIND_PUT, LogFormat.FLAG_REMOTE | LogFormat.FLAG_CREATE, c.hlc(), c.origin(), body,
                SyncSections.encode(fv, null, peer), ChangeType.INSERT, proposed, new SyncMeta(fv, null, peer, false, body));
    }

    /** The state stored for a record (absent, tombstone or live with versions) given its index value; under the write lock. */
    private RecordState storedState(Generation g, long indexValue, Reader r) {
        if (indexValue == 0) {
            return RecordState.absent();
        }
        long pos = RecordIndex.address(indexValue);
        EntryView e = openFrameAt(g, pos, r);
        try {
            return SyncSections.state(e, nodeId);
        } catch (BlazeBinaryException | IllegalArgumentException ex) {
            throw corrupt(g, pos, "undecodable record in log entry", ex);
        }
    }

    /** Stores a named metadata value (per-peer checkpoints and the like) in the log. */
    public void putMeta(String key, byte[] value) {
        checkCollection(key);
        byte[] nameUtf8 = Bytes.utf8(key);
        byte[] copy = value.clone();
        Generation g;
        long end;
        writeLock.lock();
        try {
            ensureWritable();
            g = gen;
            end = appendMeta(g, nameUtf8, key, copy);
            commitPoint = new CommitPoint(lastSequence, end, g);
        } finally {
            writeLock.unlock();
        }
        if (durability.mode() == Durability.Mode.SYNC) {
            flushTo(g, end, true);
        }
    }

    private long appendMeta(Generation g, byte[] nameUtf8, String key, byte[] value) {
        long pos = append(g, LogFormat.KIND_META, LogFormat.FLAG_COMMIT, 0, clock.now(), nodeUuid, 0, 0, 0, nameUtf8, value);
        g.meta.put(key, new Checkpoint.MetaValue(value, pos));
        return pos + lastFrameLength;
    }

    /**
     * Makes sure sequences up to {@code upTo} are covered by a durable reservation before they are
     * handed out; under the write lock. Appends the next block when half of the current one is
     * used, so that the flusher has made it durable long before it is needed; waits for the disk
     * only when it has not (the first write after open, or a flusher far behind).
     */
    private void reserveSequences(Generation g, long upTo) {
        if (file == null) {
            return; // nothing survives a restart, so nothing can be reissued
        }
        if (appendedReservation < upTo + SEQUENCE_BLOCK / 2) {
            appendedReservation = Math.max(appendedReservation, upTo) + SEQUENCE_BLOCK;
            byte[] v = new byte[8];
            Bytes.putLong(v, 0, appendedReservation);
            appendedReservationEnd = appendMeta(g, Bytes.utf8(META_SEQUENCE), META_SEQUENCE, v);
            commitPoint = new CommitPoint(lastSequence, appendedReservationEnd, g);
        }
        if (upTo <= durableReservation) {
            return;
        }
        boolean fsync = durability.mode() != Durability.Mode.OS;
        if ((fsync ? g.syncedPosition : g.writtenPosition) < appendedReservationEnd) {
            flushTo(g, appendedReservationEnd, fsync);
        }
        durableReservation = appendedReservation;
    }

    /** Shrinks the reservation to what was handed out, so a clean reopen leaves no gap. Under the write lock. */
    private void releaseUnusedSequences(Generation g) {
        if (file != null && appendedReservation > lastSequence) {
            byte[] v = new byte[8];
            Bytes.putLong(v, 0, lastSequence);
            long end = appendMeta(g, Bytes.utf8(META_SEQUENCE), META_SEQUENCE, v);
            appendedReservation = lastSequence;
            durableReservation = Math.min(durableReservation, lastSequence);
            commitPoint = new CommitPoint(lastSequence, end, g);
        }
    }

    /** Runs {@code read} against a state in which no multi-record transaction is half applied. */
    private <T> T consistentRead(Supplier<T> read) {
        for (;;) {
            long stamp = visibility.tryOptimisticRead();
            if (stamp != 0) {
                T result = read.get();
                if (visibility.validate(stamp)) {
                    return result;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** A named metadata value. */
    public Optional<byte[]> meta(String key) {
        ensureOpen();
        Checkpoint.MetaValue v = gen.meta.get(key);
        return v == null ? Optional.empty() : Optional.of(v.value().clone());
    }

    // ---------------------------------------------------------------------------------------
    // Reads

    /** The record {@code id} of {@code collection}. */
    public Optional<BlazeDataRecord> fetch(String collection, UUID id) {
        java.util.Objects.requireNonNull(id, "id");
        return consistentRead(() -> fetchLatest(collection, id));
    }

    private Optional<BlazeDataRecord> fetchLatest(String collection, UUID id) {
        for (;;) {
            ensureOpen();
            Generation g = gen;
            CollectionIndex ci = g.collections.get(collection);
            long v = ci == null ? 0 : ci.index.get(id);
            if (v == 0 || RecordIndex.isTombstone(v)) {
                return Optional.empty();
            }
            try {
                return Optional.of(readRecord(g, RecordIndex.address(v), collection, id));
            } catch (GenerationGoneException retry) {
                // compaction replaced the log; read again from the new one
            }
        }
    }

    /** All live records of {@code collection}, in log order. */
    public List<BlazeDataRecord> fetchAll(String collection) {
        for (;;) {
            ensureOpen();
            Generation g = gen;
            CollectionIndex ci = g.collections.get(collection);
            if (ci == null) {
                return List.of();
            }
            // Addresses are a snapshot; the entries behind them never change, so reading them
            // afterwards still gives the state as of the snapshot.
            long[] addresses = consistentRead(() -> liveAddresses(ci, Long.MAX_VALUE, false));
            List<BlazeDataRecord> out = new ArrayList<>(addresses.length);
            try {
                for (long address : addresses) {
                    out.add(readRecord(g, address, collection, null));
                }
                return out;
            } catch (GenerationGoneException retry) {
                // compaction replaced the log; read again from the new one
            }
        }
    }

    /**
     * The addresses of the entries of {@code ci} whose frames lie below {@code limit}, in log
     * order; tombstones only if asked.
     */
    private static long[] liveAddresses(CollectionIndex ci, long limit, boolean withTombstones) {
        long[][] buf = {new long[Math.max(16, ci.index.size())]};
        int[] n = {0};
        ci.index.forEach((msb, lsb, v) -> {
            long address = RecordIndex.address(v);
            if (EntryAddress.frame(address) < limit && (withTombstones || !RecordIndex.isTombstone(v))) {
                if (n[0] == buf[0].length) {
                    buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
                }
                buf[0][n[0]++] = address;
            }
        });
        long[] out = Arrays.copyOf(buf[0], n[0]);
        sortInLogOrder(out, out.length);
        return out;
    }

    /** The ids of all live records of {@code collection}. */
    public List<UUID> ids(String collection) {
        ensureOpen();
        CollectionIndex ci = gen.collections.get(collection);
        if (ci == null) {
            return List.of();
        }
        return consistentRead(() -> {
            List<UUID> out = new ArrayList<>();
            ci.index.forEach((msb, lsb, v) -> {
                if (!RecordIndex.isTombstone(v)) {
                    out.add(new UUID(msb, lsb));
                }
            });
            return out;
        });
    }

    /**
     * The log position of the frame that holds the latest entry of a record, -1 when there is
     * none (diagnostics, tests).
     */
    public long positionOf(String collection, UUID id) {
        CollectionIndex ci = gen.collections.get(collection);
        long v = ci == null ? 0 : ci.index.get(id);
        return v == 0 ? -1 : EntryAddress.frame(RecordIndex.address(v));
    }

    /** The number of live records of {@code collection}. */
    public long count(String collection) {
        ensureOpen();
        CollectionIndex ci = gen.collections.get(collection);
        return ci == null ? 0 : consistentRead(ci::live);
    }

    /** The names of collections that hold at least one live record. */
    public List<String> collections() {
        ensureOpen();
        List<String> out = consistentRead(() -> {
            List<String> names = new ArrayList<>();
            gen.collections.forEach((n, ci) -> {
                if (ci.live() > 0) {
                    names.add(n);
                }
            });
            return names;
        });
        Collections.sort(out);
        return out;
    }

    /** Thrown inside reads when the generation was closed by compaction: retry. */
    private static final class GenerationGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GenerationGoneException() {
            super(null, null, false, false);
        }
    }

    /** Reads {@code len} committed bytes at {@code pos} from the file or the write buffer. */
    private void readBytes(Generation g, long pos, byte[] dst, int len) {
        try {
            for (;;) {
                long written = g.writtenPosition;
                if (pos + len <= written) {
                    g.store.read(pos, dst, 0, len);
                    return;
                }
                if (g.buffer.copy(pos, dst, 0, len)) {
                    return;
                }
            }
        } catch (ClosedChannelException e) {
            if (g != gen) {
                throw new GenerationGoneException();
            }
            throw new DatabaseClosedException("database '" + name + "' is closed");
        } catch (IOException e) {
            if (g != gen) {
                throw new GenerationGoneException();
            }
            if (closed) {
                throw new DatabaseClosedException("database '" + name + "' is closed");
            }
            throw new BlazeStorageException("cannot read " + g.store.name() + " at " + pos + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and opens the frame at {@code pos} unless the thread's reader has it open already; the
     * result is in the reader's view.
     */
    private EntryView openFrame(Generation g, long pos, int len, Reader r) {
        if (r.openedFrame == pos && r.openedLog == g.logId && r.view.intact()) {
            return r.view;
        }
        r.openedFrame = -1;
        byte[] frame = r.frame(len);
        readBytes(g, pos, frame, len);
        byte[] plain = r.plain(len);
        int plainLen;
        try {
            plainLen = r.cipher.open(frame, 0, len, g.logId, pos, plain);
        } catch (AEADBadTagException e) {
            if (g != gen) {
                throw new GenerationGoneException();
            }
            throw corrupt(g, pos, "damaged log entry (authentication failed)");
        }
        String bad = r.view.parse(plain, plainLen);
        if (bad != null) {
            throw corrupt(g, pos, "malformed log entry (" + bad + ")");
        }
        r.openedLog = g.logId;
        r.openedFrame = pos;
        return r.view;
    }

    /** A corruption error naming the frame of the entry at {@code address}. */
    private CorruptDatabaseException corrupt(Generation g, long address, String what) {
        return new CorruptDatabaseException(g.store.name(), EntryAddress.frame(address), what);
    }

    /** {@link #corrupt(Generation, long, String)} with a cause. */
    private CorruptDatabaseException corrupt(Generation g, long address, String what, Throwable cause) {
        return new CorruptDatabaseException(g.store.name(), EntryAddress.frame(address), what, cause);
    }

    /** Reads the record whose latest entry is at {@code pos}; {@code id} null skips the id check. */
    private BlazeDataRecord readRecord(Generation g, long pos, String collection, UUID id) {
        Reader r = readers.get();
        EntryView v = openFrameAt(g, pos, r);
        if (v.kind != LogFormat.KIND_PUT || !v.name().equals(collection)
                || id != null && (v.idMsb != id.getMostSignificantBits() || v.idLsb != id.getLeastSignificantBits())) {
            throw corrupt(g, pos, "log entry does not belong to " + collection + "/" + id);
        }
        try {
            return BlazeBinary.decode(v.buf, v.bodyOffset, v.bodyLength);
        } catch (BlazeBinaryException e) {
            throw corrupt(g, pos, "undecodable record in log entry", e);
        }
    }

    /** The end of the committed log of generation {@code g}. */
    private long end(Generation g) {
        CommitPoint cp = commitPoint;
        return cp.gen() == g ? cp.position() : g.writtenPosition;
    }

    /**
     * Reads the entry at {@code address} ({@link EntryAddress}), learning its frame's length from
     * the frame itself; the view shows that entry.
     */
    private EntryView openFrameAt(Generation g, long address, Reader r) {
        long pos = EntryAddress.frame(address);
        long end = end(g);
        if (pos < LogFormat.HEADER_LENGTH || pos + LogFormat.FRAME_OVERHEAD > end) {
            throw corrupt(g, pos, "index points outside the log");
        }
        readBytes(g, pos, r.lengthBuf, 4);
        int len = Bytes.getInt(r.lengthBuf, 0);
        if (len < LogFormat.FRAME_OVERHEAD || len > LogFormat.MAX_FRAME_LENGTH || pos + len > end) {
            if (g != gen) {
                throw new GenerationGoneException();
            }
            throw corrupt(g, pos, "damaged log entry (bad length " + len + ")");
        }
        EntryView v = openFrame(g, pos, len, r);
        int slot = EntryAddress.slot(address);
        if (v.slot != slot) {
            String bad = v.select(slot);
            if (bad != null) {
                throw corrupt(g, pos, "index points to a missing log entry (" + bad + ")");
            }
        }
        return v;
    }

    /**
     * Shows the next entry of the frame at {@code pos} that {@code v} shows ({@link
     * EntryView#hasNext()} must be true).
     *
     * @throws CorruptDatabaseException when that entry is malformed
     */
    private void nextEntry(Generation g, long pos, EntryView v) {
        String bad = v.next();
        if (bad != null) {
            throw corrupt(g, pos, "malformed log entry (" + bad + ")");
        }
    }

    private ChangeEvent toEvent(EntryView v, Generation g, long pos) {
        String collection = v.name();
        UUID id = v.id();
        UUID origin = v.origin();
        NodeId originNode = origin.equals(nodeUuid) ? nodeId : new NodeId(origin);
        boolean remote = (v.flags & LogFormat.FLAG_REMOTE) != 0;
        SyncMeta meta = SyncSections.meta(v, nodeId);
        if (v.kind == LogFormat.KIND_TOMBSTONE) {
            return event(v.sequence, collection, id, ChangeType.DELETE, null, originNode, v.originSequence, v.hlc, remote, meta);
        }
        BlazeDataRecord rec;
        try {
            rec = BlazeBinary.decode(v.buf, v.bodyOffset, v.bodyLength);
        } catch (BlazeBinaryException e) {
            throw corrupt(g, pos, "undecodable record in log entry", e);
        }
        ChangeType type = (v.flags & LogFormat.FLAG_CREATE) != 0 ? ChangeType.INSERT : ChangeType.UPDATE;
        return event(v.sequence, collection, id, type, rec, originNode, v.originSequence, v.hlc, remote, meta);
    }

    @Override
    public ChangeFeed.Batch load(long from, int max, Object hintObject) {
        for (;;) {
            CommitPoint cp = commitPoint;
            Generation g = cp.gen();
            long upto = cp.sequence();
            long end = cp.position();
            if (from > upto) {
                return new ChangeFeed.Batch(List.of(), from - 1, hintObject);
            }
            long address;
            if (hintObject instanceof ScanHint h && h.gen() == g && h.nextSequence() == from
                    && EntryAddress.frame(h.position()) <= end) {
                address = h.position();
            } else {
                address = g.sparse.floor(from);
            }
            Reader r = readers.get();
            List<ChangeEvent> events = new ArrayList<>(Math.min(max, 64));
            long lastSeq = from - 1;
            try {
                scan:
                while (EntryAddress.frame(address) < end) {
                    long pos = EntryAddress.frame(address);
                    EntryView v = openFrameAt(g, address, r);
                    for (;;) {
                        if (v.isChange() && v.sequence >= from) {
                            if (v.sequence > upto || events.size() >= max) {
                                break scan; // the address is this entry's: the next batch starts here
                            }
                            events.add(toEvent(v, g, pos));
                            lastSeq = v.sequence;
                        }
                        if (!v.hasNext()) {
                            break;
                        }
                        nextEntry(g, pos, v);
                        address = EntryAddress.of(pos, v.slot);
                    }
                    address = pos + FrameCipher.frameLength(v.length);
                }
            } catch (GenerationGoneException retry) {
                continue;
            }
            long covered = events.size() >= max ? lastSeq : upto;
            return new ChangeFeed.Batch(events, covered, new ScanHint(g, covered + 1, address));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Flushing

    /** Writes (and with {@code fsync} forces) everything of generation {@code g} up to {@code target}. */
    private void flushTo(Generation g, long target, boolean fsync) {
        flushLock.lock();
        try {
            if (g != gen) {
                return; // compaction rewrote and fsynced everything of that generation
            }
            if (fsync ? g.syncedPosition >= target : g.writtenPosition >= target) {
                checkFailure();
                return;
            }
            checkFailure();
            flushLocked(g, fsync);
        } finally {
            flushLock.unlock();
        }
    }

    private void checkFailure() {
        Throwable f = failure;
        if (f != null) {
            throw new BlazeStorageException("database '" + name + "' failed to write its log", f);
        }
    }

    /** Under the flush lock. */
    private void flushLocked(Generation g, boolean fsync) {
        try {
            long end = g.buffer.drainTo(g.store);
            g.writtenPosition = end;
            if (fsync && end > g.syncedPosition) {
                g.store.force();
                g.syncedPosition = end;
            }
            g.buffer.release();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (closed && e instanceof ClosedChannelException) {
                return;
            }
            fail(e);
            throw new BlazeStorageException("cannot write " + g.store.name() + ": " + e, e);
        }
    }

    /** Forces everything committed so far to stable storage. */
    public void sync() {
        ensureOpen();
        CommitPoint cp = commitPoint;
        flushTo(cp.gen(), cp.position(), true);
    }

    private void flusherLoop() {
        try {
            flusherLoop0();
        } catch (Throwable t) {
            // Never die silently: writers waiting for buffer space would wait forever.
            fail(t);
        }
    }

    private void flusherLoop0() {
        long interval = durability.interval().toNanos();
        boolean fsync = durability.mode() != Durability.Mode.OS;
        while (!stopFlusher) {
            LockSupport.parkNanos(this, interval);
            if (stopFlusher) {
                break;
            }
            Generation g = gen;
            if (failure != null) {
                continue;
            }
            boolean work = hasWorkForFlusher(g, fsync);
            if (work) {
                flushLock.lock();
                try {
                    if (g == gen && failure == null) {
                        flushLocked(g, fsync);
                    }
                } catch (BlazeException e) {
                    // recorded by fail(); writers see it
                } finally {
                    flushLock.unlock();
                }
            }
            maybeScheduleCheckpoint();
            if (!work) {
                flusherIdle = true;
                while (flusherIdle && !stopFlusher && !hasWorkForFlusher(gen, fsync)) {
                    LockSupport.park(this);
                }
                flusherIdle = false;
            }
        }
    }

    private static boolean hasWorkForFlusher(Generation g, boolean fsync) {
        return g.buffer.hasPendingBytes() || (fsync && g.syncedPosition < g.writtenPosition);
    }

    // ---------------------------------------------------------------------------------------
    // Checkpoints

    private void maybeScheduleCheckpoint() {
        long interval = options.checkpointInterval();
        if (file == null || interval <= 0 || closed) {
            return;
        }
        CommitPoint cp = commitPoint;
        if (cp.position() - lastCheckpointPosition < interval || !checkpointScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            options.blockingScheduler().schedule(() -> {
                try {
                    checkpoint();
                } catch (RuntimeException e) {
                    LOG.warn("background checkpoint of '{}' failed: {}", name, e.toString());
                } finally {
                    checkpointScheduled.set(false);
                }
            });
        } catch (RuntimeException e) {
            checkpointScheduled.set(false);
        }
    }

    /** Writes an index checkpoint now (file databases only). */
    public void checkpoint() {
        if (file == null) {
            return;
        }
        maintenanceLock.lock();
        try {
            if (closed) {
                return;
            }
            writeCheckpoint();
        } finally {
            maintenanceLock.unlock();
        }
    }

    /** Under the maintenance lock. */
    private void writeCheckpoint() {
        CommitPoint cp = commitPoint;
        Generation g = cp.gen();
        flushTo(g, cp.position(), true);
        long covered = cp.position();
        long hlc = clock.current();
        try {
            Checkpoint.write(file, new FrameCipher(dataKey, nonces), g.logId, covered, out -> writeIndex(out, g, cp.sequence(), covered, hlc));
            lastCheckpointPosition = covered;
            LOG.debug("checkpoint of '{}' at position {}", name, covered);
        } catch (IOException e) {
            throw new BlazeStorageException("cannot write checkpoint of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the index as of {@code covered}: entries at or beyond it are left out, and replay
     * from {@code covered} restores them (an index entry only ever moves forward in the log).
     */
    private static void writeIndex(Checkpoint.Sink out, Generation g, long lastSeq, long covered, long hlc) throws IOException {
        out.writeLong(lastSeq);
        out.writeLong(hlc);
        long[][] sparse = g.sparse.snapshot(covered);
        out.writeInt(sparse[0].length);
        for (int i = 0; i < sparse[0].length; i++) {
            out.writeLong(sparse[0][i]);
            out.writeLong(sparse[1][i]);
        }
        List<Map.Entry<String, Checkpoint.MetaValue>> metas = new ArrayList<>();
        for (Map.Entry<String, Checkpoint.MetaValue> e : g.meta.entrySet()) {
            if (EntryAddress.frame(e.getValue().position()) < covered) {
                metas.add(e);
            }
        }
        out.writeInt(metas.size());
        for (Map.Entry<String, Checkpoint.MetaValue> e : metas) {
            out.writeName(Bytes.utf8(e.getKey()));
            out.writeLong(e.getValue().position());
            out.writeInt(e.getValue().value().length);
            out.write(e.getValue().value(), 0, e.getValue().value().length);
        }
        List<CollectionIndex> cols = new ArrayList<>(g.collections.values());
        out.writeInt(cols.size());
        final int run = 4096;
        long[] entries = new long[run * 3];
        for (CollectionIndex ci : cols) {
            out.writeName(ci.nameUtf8);
            out.writeInt(ci.index.size());
            int[] n = {0};
            IOException[] failed = {null};
            ci.index.forEach((msb, lsb, v) -> {
                if (EntryAddress.frame(RecordIndex.address(v)) >= covered || failed[0] != null) {
                    return;
                }
                int k = n[0] * 3;
                entries[k] = msb;
                entries[k + 1] = lsb;
                entries[k + 2] = v;
                if (++n[0] == run) {
                    try {
                        writeRun(out, entries, run);
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                    n[0] = 0;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            if (n[0] > 0) {
                writeRun(out, entries, n[0]);
            }
            out.writeInt(0);
        }
    }

    private static void writeRun(Checkpoint.Sink out, long[] entries, int n) throws IOException {
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeSlot(entries[i * 3], entries[i * 3 + 1], entries[i * 3 + 2]);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Compaction

    /** Writes frames to a new log in large sequential writes. */
    private final class LogWriter {
        final LogStore store;
        final byte[] logId;
        final FrameCipher cipher = new FrameCipher(dataKey, nonces);
        byte[] buf = new byte[1 << 20];
        int used;
        long bufStart;
        long end;
        /** The entry group {@link #addToGroup} is building: its plaintext, used bytes, entries, last entry's offset. */
        private final byte[] group = new byte[LogFormat.GROUP_TARGET];
        private int groupUsed = LogFormat.GROUP_HEADER_LENGTH;
        private int groupCount;
        private int groupLast;

        LogWriter(LogStore store, byte[] logId, long start) {
            this.store = store;
            this.logId = logId;
            this.bufStart = start;
            this.end = start;
        }

        /**
         * Seals the entry {@code plain[off, off + len)} as the next frame, after the group being
         * built; returns its position.
         */
        long append(byte[] plain, int off, int len) throws IOException {
            closeGroup();
            return seal(plain, off, len, 0);
        }

        /**
         * Adds the entry {@code plain[off, off + len)} to the entry group being built, as a
         * transaction of committed data that ends with the group (compaction's first phase);
         * returns its address. The group is sealed when the next entry would not fit, or before
         * anything else is written.
         */
        long addToGroup(byte[] plain, int off, int len) throws IOException {
            if (groupCount > 0 && !LogFormat.fitsInGroup(groupUsed, groupCount, len)) {
                closeGroup();
            }
            if (!LogFormat.fitsInGroup(LogFormat.GROUP_HEADER_LENGTH, 0, len)) {
                return seal(plain, off, len, LogFormat.FLAG_COMMIT);
            }
            Bytes.putInt(group, groupUsed, len);
            groupLast = groupUsed + LogFormat.GROUP_ENTRY_PREFIX;
            System.arraycopy(plain, off, group, groupLast, len);
            group[groupLast + 2] &= (byte) ~LogFormat.FLAG_COMMIT;
            groupUsed = groupLast + len;
            return EntryAddress.of(end, groupCount++);
        }

        /** Seals the group being built, if any; its last entry commits it. */
        private void closeGroup() throws IOException {
            if (groupCount == 0) {
                return;
            }
            group[groupLast + 2] |= (byte) LogFormat.FLAG_COMMIT;
            if (groupCount == 1) {
                seal(group, groupLast, groupUsed - groupLast, 0);
            } else {
                EntryView.writeGroupHeader(group, 0, groupCount);
                seal(group, 0, groupUsed, 0);
            }
            groupCount = 0;
            groupUsed = LogFormat.GROUP_HEADER_LENGTH;
        }

        private long seal(byte[] plain, int off, int len, int addFlags) throws IOException {
            int frameLength = FrameCipher.frameLength(len);
            if (used + frameLength > buf.length) {
                write();
                if (frameLength > buf.length) {
                    buf = new byte[frameLength];
                }
            }
            long pos = end;
            System.arraycopy(plain, off, buf, used + LogFormat.FRAME_HEADER_LENGTH, len);
            buf[used + LogFormat.FRAME_HEADER_LENGTH + 2] |= (byte) addFlags;
            cipher.seal(buf, used, len, logId, pos);
            used += frameLength;
            end += frameLength;
            return pos;
        }

        /** Seals the group being built and writes everything sealed to the store. */
        void flush() throws IOException {
            closeGroup();
            write();
        }

        private void write() throws IOException {
            if (used > 0) {
                store.write(bufStart, buf, 0, used);
                bufStart += used;
                used = 0;
            }
        }
    }

    /**
     * Rewrites the log with only the latest entry of each record (tombstones kept) and the latest
     * metadata values, then atomically replaces the file. Writers continue during the copy and
     * wait only while the tail written meanwhile is copied and the files are swapped.
     *
     * <p>Crash safety: the new log is written to {@code <db>.compact}, fsynced, renamed over the
     * database and the directory fsynced. A crash before the rename leaves the old log (the
     * leftover is deleted at the next open); after it, the new one. The old checkpoint belongs to
     * the old log id and is ignored either way.
     *
     * @return the log size after compaction
     */
    public long compact() {
        maintenanceLock.lock();
        try {
            ensureWritable();
            return compactLocked();
        } catch (IOException e) {
            throw new BlazeStorageException("compaction of '" + name + "' failed: " + e.getMessage(), e);
        } finally {
            maintenanceLock.unlock();
        }
    }

    private long compactLocked() throws IOException {
        CommitPoint cp = commitPoint;
        Generation old = cp.gen();
        long snapshotEnd = cp.position();
        byte[] newLogId = new byte[LogFormat.LOG_ID_LENGTH];
        RANDOM.nextBytes(newLogId);
        Path tmp = file == null ? null : file.resolveSibling(file.getFileName() + ".compact");
        LogStore target;
        FileChannel ch = null;
        if (file != null) {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            target = new FileLogStore(file, ch);
            byte[] h = header.withLogId(newLogId).toBytes();
            target.write(0, h, 0, h.length);
        } else {
            target = new MemoryLogStore("memory:" + name);
            target.write(0, new byte[LogFormat.HEADER_LENGTH], 0, LogFormat.HEADER_LENGTH);
        }
        boolean swapped = false;
        try {
            LogWriter w = new LogWriter(target, newLogId, LogFormat.HEADER_LENGTH);
            ConcurrentHashMap<String, CollectionIndex> cols = new ConcurrentHashMap<>();
            ConcurrentHashMap<String, Checkpoint.MetaValue> metas = new ConcurrentHashMap<>();
            SparseSequenceIndex sparse = new SparseSequenceIndex(LogFormat.HEADER_LENGTH);
            Reader r = readers.get();

            // Phase 1, writers running: metadata, then the latest entry of every record, in log order.
            List<long[]> metaSlots = new ArrayList<>();
            for (Checkpoint.MetaValue mv : old.meta.values()) {
                if (EntryAddress.frame(mv.position()) < snapshotEnd) {
                    metaSlots.add(new long[] {mv.position()});
                }
            }
            long[] order = new long[0];
            int n = 0;
            for (CollectionIndex ci : old.collections.values()) {
                long[] p = liveAddresses(ci, snapshotEnd, true);
                order = Arrays.copyOf(order, n + p.length);
                System.arraycopy(p, 0, order, n, p.length);
                n += p.length;
            }
            sortInLogOrder(order, n);
            for (long[] m : metaSlots) {
                copyEntry(openFrameAt(old, m[0], r), w, cols, metas, sparse, true);
            }
            for (int i = 0; i < n; i++) {
                copyEntry(openFrameAt(old, order[i], r), w, cols, metas, sparse, true);
            }

            // Make the bulk durable before pausing writers; under the lock only the tail is fsynced.
            w.flush();
            target.force();

            // Phase 2, writers paused: the tail committed meanwhile, then the swap.
            writeLock.lock();
            try {
                ensureWritable();
                CommitPoint now = commitPoint;
                long pos = snapshotEnd;
                while (pos < now.position()) {
                    EntryView v = openFrameAt(old, pos, r);
                    copyEntry(v, w, cols, metas, sparse, false);
                    while (v.hasNext()) {
                        nextEntry(old, pos, v);
                        copyEntry(v, w, cols, metas, sparse, false);
                    }
                    pos += FrameCipher.frameLength(v.length);
                }
                Checkpoint.MetaValue hlcMeta = metas.get(META_HLC);
                long hlc = clock.current();
                if (hlcMeta == null || hlcMeta.value().length != 8 || Bytes.getLong(hlcMeta.value(), 0) < hlc) {
                    byte[] v = new byte[8];
                    Bytes.putLong(v, 0, hlc);
                    byte[] plain = new byte[LogFormat.payloadLength(Bytes.utf8(META_HLC).length, 8)];
                    int len = EntryView.write(plain, 0, LogFormat.KIND_META, LogFormat.FLAG_COMMIT, 0, hlc, nodeUuid, 0, 0, 0,
                            Bytes.utf8(META_HLC), v);
                    long p = w.append(plain, 0, len);
                    metas.put(META_HLC, new Checkpoint.MetaValue(v, p));
                }
                w.flush();
                target.force();
                for (CollectionIndex ci : cols.values()) {
                    ci.recount();
                }
                flushLock.lock();
                try {
                    if (file != null) {
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        Checkpoint.fsyncDirectory(file.getParent());
                        Files.deleteIfExists(Checkpoint.file(file));
                    }
                    Generation ng = new Generation(target, newLogId, w.end, options.writeBufferSize(), sparse, cols, metas);
                    gen = ng;
                    commitPoint = new CommitPoint(now.sequence(), w.end, ng);
                    swapped = true;
                    lastCheckpointPosition = 0;
                } finally {
                    flushLock.unlock();
                }
            } finally {
                writeLock.unlock();
            }
            LOG.info("compacted '{}': {} -> {} bytes", name, old.writtenPosition, w.end);
            try {
                old.store.close();
            } catch (IOException e) {
                LOG.debug("closing the old log failed: {}", e.toString());
            }
            if (file != null && options.checkpointInterval() > 0) {
                writeCheckpoint();
            }
            return w.end;
        } finally {
            if (!swapped) {
                try {
                    target.close();
                } catch (IOException ignored) {
                    // already failing
                }
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /**
     * Copies the entry {@code v} shows to the new log, sealed for its new place, and applies it to
     * the new index. Phase-1 copies ({@code grouped}), all committed data, share entry groups, each
     * group a transaction of its own; tail copies get a frame each and keep their flags, so
     * transaction boundaries survive.
     */
    private static void copyEntry(EntryView v, LogWriter w,
                           ConcurrentHashMap<String, CollectionIndex> cols, ConcurrentHashMap<String, Checkpoint.MetaValue> metas,
                           SparseSequenceIndex sparse, boolean grouped) throws IOException {
        long np = grouped ? w.addToGroup(v.buf, v.entryOffset, v.entryLength) : w.append(v.buf, v.entryOffset, v.entryLength);
        if (v.kind == LogFormat.KIND_META) {
            metas.put(v.name(), new Checkpoint.MetaValue(v.body(), np));
            return;
        }
        String coll = v.name();
        CollectionIndex ci = cols.computeIfAbsent(coll, c -> new CollectionIndex(c, 16));
        ci.index.put(v.idMsb, v.idLsb, RecordIndex.value(np, v.kind == LogFormat.KIND_TOMBSTONE));
        sparse.maybeAdd(v.sequence, np);
    }

    /** Sorts the first {@code n} entry addresses of {@code addresses} in log order. */
    private static void sortInLogOrder(long[] addresses, int n) {
        for (int i = 0; i < n; i++) {
            addresses[i] = EntryAddress.order(addresses[i]);
        }
        Arrays.sort(addresses, 0, n);
        for (int i = 0; i < n; i++) {
            addresses[i] = EntryAddress.fromOrder(addresses[i]);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Closing

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /** Flushes, fsyncs, checkpoints, completes the change feed and releases the file and lock. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        maintenanceLock.lock();
        try {
            writeLock.lock();
            try {
                if (failure == null) {
                    try {
                        releaseUnusedSequences(gen);
                        persistMemoryResumePoints(gen);
                        CommitPoint cp = commitPoint;
                        if (file != null && clock.current() > maxWrittenHlc) {
                            Generation g = gen;
                            byte[] v = new byte[8];
                            Bytes.putLong(v, 0, clock.current());
                            long end = appendMeta(g, Bytes.utf8(META_HLC), META_HLC, v);
                            commitPoint = new CommitPoint(cp.sequence(), end, g);
                            maxWrittenHlc = clock.current();
                        }
                        cp = commitPoint;
                        flushTo(cp.gen(), cp.position(), file != null);
                        if (file != null && options.checkpointOnClose() && cp.position() != lastCheckpointPosition) {
                            writeCheckpoint();
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("closing '{}': {}", name, e.toString());
                    }
                }
                closed = true;
            } finally {
                writeLock.unlock();
            }
        } finally {
            maintenanceLock.unlock();
        }
        stopFlusher = true;
        LockSupport.unpark(flusher);
        if (Thread.currentThread() != flusher) {
            try {
                flusher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        feed.close();
        try {
            gen.store.close();
        } catch (IOException e) {
            LOG.debug("closing the log failed: {}", e.toString());
        }
        if (lock != null) {
            lock.close();
        }
    }
}
