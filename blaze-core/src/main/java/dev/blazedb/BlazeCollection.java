package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.storage.StorageEngine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;

/**
 * A named collection of a {@link BlazeDBClient}: the client's CRUD operations, scoped to this
 * collection. Records with the same id in different collections are different records.
 * Thread-safe; obtained from {@link BlazeDBClient#collection(String)}.
 *
 * <p>A collection obtained for a {@link SecurityContext} ({@link BlazeDBClient#collection(String, SecurityContext)},
 * {@link SecuredDatabase#collection(String)}) honours the database's {@linkplain BlazeDBClient#security()
 * row-level security} for that context: reads ({@link #fetch}, {@link #fetchAll}, {@link #ids},
 * {@link #count}, {@link #changes()}) see only rows it may READ, and writes are checked against
 * the INSERT, UPDATE and DELETE policies, permissive and restrictive, under the write lock: a
 * refused write fails with {@link AccessDeniedException} and writes nothing. Without a context the
 * collection acts as the database's owner and is never restricted.
 */
public final class BlazeCollection {

    private final BlazeDBClient client;
    private final StorageEngine engine;
    private final String name;
    private final SecurityContext context;
    private final StorageEngine.WriteCheck check;

    BlazeCollection(BlazeDBClient client, StorageEngine engine, String name) {
        this(client, engine, name, null);
    }

    BlazeCollection(BlazeDBClient client, StorageEngine engine, String name, SecurityContext context) {
        this.client = client;
        this.engine = engine;
        this.name = name;
        this.context = context;
        this.check = context == null ? null : (command, collection, id, existing, proposed) -> {
            java.util.Optional<String> no = client.security().check(context, command, collection, existing, proposed);
            if (no.isPresent()) {
                throw new AccessDeniedException(command, collection, id, no.get());
            }
        };
    }

    /** The context this collection reads and writes as; empty for the owner's unrestricted view. */
    public Optional<SecurityContext> context() {
        return Optional.ofNullable(context);
    }

    /** Whether reads must be filtered now: a context, and row-level security on for this collection. */
    private boolean restricted() {
        return context != null && client.security().isEnabled(name);
    }

    private boolean readable(BlazeDataRecord r) {
        return client.security().canRead(context, name, r);
    }

    /** The collection name. */
    public String name() {
        return name;
    }

    /** The database this collection belongs to. */
    public BlazeDBClient database() {
        return client;
    }

    /**
     * Inserts a record; see {@link BlazeDBClient#insert(BlazeDataRecord)}.
     *
     * @return the id
     * @throws DuplicateRecordException when a live record of this collection has the id
     */
    public UUID insert(BlazeDataRecord record) {
        Objects.requireNonNull(record, "record");
        return engine.insert(name, record, check);
    }

    /** Inserts records atomically; see {@link BlazeDBClient#insertMany(List)}. */
    public List<UUID> insertMany(List<BlazeDataRecord> records) {
        Objects.requireNonNull(records, "records");
        return engine.insertMany(name, records, check);
    }

    /** The record with {@code id}, if it exists. */
    public Optional<BlazeDataRecord> fetch(UUID id) {
        Optional<BlazeDataRecord> r = engine.fetch(name, id);
        return restricted() ? r.filter(this::readable) : r;
    }

    /** Every record (that the context may read), in the order they were last written. */
    public List<BlazeDataRecord> fetchAll() {
        List<BlazeDataRecord> all = engine.fetchAll(name);
        return restricted() ? all.stream().filter(this::readable).collect(Collectors.toUnmodifiableList()) : all;
    }

    /** The ids of every record (that the context may read). */
    public List<UUID> ids() {
        if (!restricted()) {
            return engine.ids(name);
        }
        return fetchAll().stream().map(r -> r.uuid("id").orElseThrow()).collect(Collectors.toUnmodifiableList());
    }

    /** The number of records (that the context may read). */
    public long count() {
        return restricted() ? engine.fetchAll(name).stream().filter(this::readable).count() : engine.count(name);
    }

    /**
     * Merges {@code changes} into record {@code id}; see {@link BlazeDBClient#update(UUID, BlazeDataRecord)}.
     *
     * @throws RecordNotFoundException when there is no such record
     */
    public void update(UUID id, BlazeDataRecord changes) {
        Objects.requireNonNull(changes, "changes");
        engine.update(name, id, changes, check);
    }

    /**
     * Merges into record {@code id} or creates it; see {@link BlazeDBClient#upsert(UUID, BlazeDataRecord)}.
     *
     * @return true when the record was created
     */
    public boolean upsert(UUID id, BlazeDataRecord record) {
        return engine.upsert(name, id, record, check);
    }

    /**
     * Deletes record {@code id}; idempotent.
     *
     * @return true when a record was deleted
     */
    public boolean delete(UUID id) {
        return engine.delete(name, id, check);
    }

    /**
     * Live changes of this collection; see {@link BlazeDBClient#changes()}. For a context, only
     * inserts and updates of rows it may read (as they are after the change), and deletes (they
     * carry no data).
     */
    public Flux<ChangeEvent> changes() {
        return client.changes().filter(e -> e.collection().equals(name) && visible(client, context, e));
    }

    /** Changes of this collection after {@code afterSequence}; see {@link BlazeDBClient#changes(long)} and {@link #changes()}. */
    public Flux<ChangeEvent> changes(long afterSequence) {
        return client.changes(afterSequence).filter(e -> e.collection().equals(name) && visible(client, context, e));
    }

    /** Whether {@code context} (null: the owner) may see {@code e}: deletes always, other changes if it may read the row. */
    static boolean visible(BlazeDBClient client, SecurityContext context, ChangeEvent e) {
        if (context == null || e.type() == ChangeType.DELETE) {
            return true;
        }
        return e.record().map(r -> client.security().canRead(context, e.collection(), r)).orElse(true);
    }

    @Override
    public String toString() {
        return "BlazeCollection[" + name + (context == null ? "" : ", as " + context) + "]";
    }
}
