package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.storage.StorageEngine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;

/**
 * An embedded, encrypted document database: an append-only log sealed with AES-256-GCM, an
 * in-memory index, a change feed, and named collections.
 *
 * <pre>{@code
 * try (BlazeDBClient db = new BlazeDBClient("notes", Path.of("notes.blazedb"), "correct horse battery")) {
 *     UUID id = db.insert(BlazeDataRecord.builder().put("title", "hello").build());
 *     db.fetch(id).ifPresent(System.out::println);
 *     db.changes(0).take(1).blockLast();
 * }
 * }</pre>
 *
 * <p>The methods on the client act on the collection named {@code default};
 * {@link #collection(String)} gives the same operations on another collection. All methods are
 * safe to call from any thread. Reads and writes block the calling thread (writes briefly, reads
 * possibly on disk I/O): call them from a thread that may block, not from a Reactor non-blocking
 * thread. Change streams never block the thread that subscribes or requests.
 *
 * <p>Every failure is a {@link BlazeException}: {@link InvalidPasswordException},
 * {@link CorruptDatabaseException}, {@link DatabaseLockedException},
 * {@link DuplicateRecordException}, {@link RecordNotFoundException},
 * {@link DatabaseClosedException}, {@link BlazeStorageException}.
 */
public final class BlazeDBClient implements AutoCloseable {

    static {
        InternalAccess.register(client -> client.engine);
    }

    /** The name of the collection the client's own methods act on. */
    public static final String DEFAULT_COLLECTION = StorageEngine.DEFAULT_COLLECTION;

    private final StorageEngine engine;
    private final ConcurrentHashMap<String, BlazeCollection> collections = new ConcurrentHashMap<>();
    private final BlazeCollection defaultCollection;
    private final RowLevelSecurity security = new RowLevelSecurity();

    /**
     * Opens or creates the encrypted database file {@code file} with the default options.
     *
     * @param name     the database's name (used in logs, and by sync to identify it)
     * @param file     the database file; its folder must exist. Beside it live
     *                 {@code <file>.lock} and {@code <file>.ckpt}.
     * @param password at least 8 characters
     * @throws InvalidPasswordException when the password is too short, or wrong for an existing
     *     file (the folder is then left exactly as it was)
     * @throws CorruptDatabaseException when the file is damaged
     * @throws DatabaseLockedException  when another process or handle has the file open
     */
    public BlazeDBClient(String name, Path file, String password) {
        this(name, file, password, BlazeOptions.defaults());
    }

    /**
     * Opens or creates the encrypted database file {@code file}.
     *
     * @see #BlazeDBClient(String, Path, String)
     */
    public BlazeDBClient(String name, Path file, String password, BlazeOptions options) {
        this(openEngine(name, file, password == null ? null : password.toCharArray(), options, true));
    }

    private BlazeDBClient(StorageEngine engine) {
        this.engine = engine;
        this.defaultCollection = new BlazeCollection(this, engine, DEFAULT_COLLECTION);
        collections.put(DEFAULT_COLLECTION, defaultCollection);
    }

    private static StorageEngine openEngine(String name, Path file, char[] password, BlazeOptions options, boolean wipe) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        try {
            return StorageEngine.open(name, file, password, options);
        } finally {
            if (wipe && password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /**
     * Opens or creates the encrypted database file {@code file} with the default options. The
     * caller keeps ownership of {@code password} (this method does not clear it).
     *
     * @see #BlazeDBClient(String, Path, String)
     */
    public static BlazeDBClient open(String name, Path file, char[] password) {
        return open(name, file, password, BlazeOptions.defaults());
    }

    /**
     * Opens or creates the encrypted database file {@code file}.
     *
     * @see #BlazeDBClient(String, Path, String)
     */
    public static BlazeDBClient open(String name, Path file, char[] password, BlazeOptions options) {
        return new BlazeDBClient(openEngine(name, file, password, options, false));
    }

    /** A database held in memory only, with the same semantics as a file database. */
    public static BlazeDBClient inMemory(String name) {
        return inMemory(name, BlazeOptions.defaults());
    }

    /** A database held in memory only; durability and KDF settings do not apply. */
    public static BlazeDBClient inMemory(String name, BlazeOptions options) {
        Objects.requireNonNull(name, "name");
        return new BlazeDBClient(StorageEngine.inMemory(name, options));
    }

    /**
     * Inserts a record into the default collection.
     *
     * <p>The id is the record's {@code id} field when it holds a UUID or a UUID string, else a new
     * time-ordered UUID; the stored record's {@code id} is a uuid value. A {@code createdAt} date
     * is added when missing.
     *
     * @return the id
     * @throws DuplicateRecordException when a live record has the id
     */
    public UUID insert(BlazeDataRecord record) {
        return defaultCollection.insert(record);
    }

    /**
     * Inserts records into the default collection atomically: all of them or, when any fails
     * (a duplicate id, also within the list), none; a crash never leaves some of them.
     *
     * @return the ids, in the order of {@code records}
     */
    public List<UUID> insertMany(List<BlazeDataRecord> records) {
        return defaultCollection.insertMany(records);
    }

    /** The record with {@code id} in the default collection, if it exists. */
    public Optional<BlazeDataRecord> fetch(UUID id) {
        return defaultCollection.fetch(id);
    }

    /** Every record of the default collection, in the order they were last written. */
    public List<BlazeDataRecord> fetchAll() {
        return defaultCollection.fetchAll();
    }

    /** The number of records in the default collection. */
    public long count() {
        return defaultCollection.count();
    }

    /**
     * Merges {@code changes} into the record {@code id} of the default collection: its fields
     * replace or add to the record's; {@code id} and {@code createdAt} are kept;
     * {@code updatedAt} is set to now.
     *
     * @throws RecordNotFoundException when there is no such record
     */
    public void update(UUID id, BlazeDataRecord changes) {
        defaultCollection.update(id, changes);
    }

    /**
     * Merges {@code record} into the record {@code id} as {@link #update} does, or, when there is
     * none, inserts it with that id.
     *
     * @return true when the record was created
     */
    public boolean upsert(UUID id, BlazeDataRecord record) {
        return defaultCollection.upsert(id, record);
    }

    /**
     * Deletes the record {@code id} of the default collection (the log keeps a tombstone).
     * Idempotent.
     *
     * @return true when a record was deleted, false when there was none
     */
    public boolean delete(UUID id) {
        return defaultCollection.delete(id);
    }

    /** The collection {@code name}; it exists once something is written to it. */
    public BlazeCollection collection(String name) {
        StorageEngine.checkCollection(name);
        return collections.computeIfAbsent(name, n -> new BlazeCollection(this, engine, n));
    }

    /**
     * The collection {@code name} as {@code context} sees and writes it, under this database's
     * row-level security; see {@link BlazeCollection} and {@link #withContext(SecurityContext)}.
     */
    public BlazeCollection collection(String name, SecurityContext context) {
        StorageEngine.checkCollection(name);
        return new BlazeCollection(this, engine, name, java.util.Objects.requireNonNull(context, "context"));
    }

    /**
     * This database as {@code context} sees and writes it: reads see only the rows the context
     * may READ, writes are checked against the INSERT, UPDATE and DELETE policies and refused
     * with {@link AccessDeniedException}. This client's own methods stay unrestricted (the owner's
     * view). See {@link SecuredDatabase}.
     */
    public SecuredDatabase withContext(SecurityContext context) {
        return new SecuredDatabase(this, context);
    }

    /** The names of the collections that hold at least one record, sorted. */
    public List<String> collections() {
        return engine.collections();
    }

    /**
     * A hot stream of every change committed from the moment of subscription on, local or applied
     * from a peer, in commit order. Each subscriber gets its own cursor; a slow subscriber is
     * served from the log and never loses events or makes memory grow. Completes when the
     * database is closed.
     *
     * <p>Events are delivered on the thread that committed them (or that requested more, or, for
     * a subscriber behind the in-memory ring, the blocking scheduler that reads the log): for a
     * local write the writing thread; for a change received over a socket usually the
     * transport's event loop, where it is applied when that cannot block. A subscriber that
     * blocks or does slow work should move it elsewhere ({@code publishOn}), as with any
     * Reactor Netty stream: an event loop it holds up delays every connection it serves.
     */
    public Flux<ChangeEvent> changes() {
        return engine.feed().live();
    }

    /**
     * Every committed change with a sequence greater than {@code afterSequence} that is still in
     * the log, then live changes, with no gap and no duplicate. Sequences start at 1, so
     * {@code changes(0)} replays everything. Reading the log runs on the options'
     * {@linkplain BlazeOptions#blockingScheduler() blocking scheduler}.
     *
     * @param afterSequence the last sequence already seen; 0 for all
     */
    public Flux<ChangeEvent> changes(long afterSequence) {
        return engine.feed().changes(afterSequence);
    }

    /** The sequence of the last committed change, 0 when none. */
    public long lastSequence() {
        return engine.lastSequence();
    }

    /** Forces every change committed so far to stable storage (fsync), whatever the durability. */
    public void sync() {
        engine.sync();
    }

    /**
     * Rewrites the log keeping only the latest version of each record (deletes are kept as
     * tombstones) and replaces the file atomically; crash-safe. Writes continue during most of
     * it. After compaction {@link #changes(long)} replays only the changes still in the log.
     *
     * @return the log size in bytes afterwards
     */
    public long compact() {
        return engine.compact();
    }

    /** Writes an index checkpoint now, so the next open replays as little as possible. */
    public void checkpoint() {
        engine.checkpoint();
    }

    /**
     * The row-level-security policies of this database, per collection (see
     * {@link RowLevelSecurity}). Sync enforces them for a peer's {@link SecurityContext} on
     * connections whose {@link SyncPolicy#respectRLS()} is on, and {@link #withContext(SecurityContext)}
     * for a local user; this client's own methods are not restricted. Policies live in memory: set them
     * up after opening the database.
     */
    public RowLevelSecurity security() {
        return security;
    }

    /** The database's name. */
    public String name() {
        return engine.name();
    }

    /** The node id of this database, chosen at creation and stable across reopen. */
    public NodeId nodeId() {
        return engine.nodeId();
    }

    /** The database file; empty for an in-memory database. */
    public Optional<Path> file() {
        return Optional.ofNullable(engine.file());
    }

    /** What opening the database found and did. */
    public RecoveryReport recoveryReport() {
        return engine.recoveryReport();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Flushes and fsyncs committed writes, writes a checkpoint, completes every change stream and
     * releases the file and its lock. Idempotent; later calls on this handle fail with
     * {@link DatabaseClosedException}.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "BlazeDBClient[" + engine.name() + (engine.file() == null ? ", in memory" : ", " + engine.file()) + "]";
    }
}
