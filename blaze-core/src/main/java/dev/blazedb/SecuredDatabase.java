package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * A {@link BlazeDBClient} as one {@link SecurityContext} sees and writes it, under the database's
 * {@linkplain BlazeDBClient#security() row-level security}: the same CRUD methods (on the default
 * collection, and on others through {@link #collection(String)}), where reads see only the rows
 * the context may READ and writes are checked against the INSERT, UPDATE and DELETE policies,
 * permissive and restrictive. A refused write fails with {@link AccessDeniedException} and writes
 * nothing. Collections without row-level security are not restricted, as in PostgreSQL.
 *
 * <pre>{@code
 * db.security().addPolicy("notes", RowPolicy.permissive("own notes").using(RowPredicate.fieldIsUser("owner")).build());
 * SecuredDatabase bob = db.withContext(SecurityContext.of("bob"));
 * bob.collection("notes").insert(BlazeDataRecord.builder().put("owner", "bob").build());   // allowed
 * bob.collection("notes").insert(BlazeDataRecord.builder().put("owner", "alice").build()); // AccessDeniedException
 * bob.collection("notes").fetchAll();                                                      // bob's notes only
 * }</pre>
 *
 * <p>The client's own methods stay unrestricted: they act as the database's owner. A view is
 * cheap and thread-safe; it holds no resources and is valid as long as its database is open.
 */
public final class SecuredDatabase {

    private final BlazeDBClient client;
    private final SecurityContext context;
    private final BlazeCollection defaultCollection;

    SecuredDatabase(BlazeDBClient client, SecurityContext context) {
        this.client = client;
        this.context = Objects.requireNonNull(context, "context");
        this.defaultCollection = client.collection(BlazeDBClient.DEFAULT_COLLECTION, context);
    }

    /** The context this view reads and writes as. */
    public SecurityContext context() {
        return context;
    }

    /** The database. */
    public BlazeDBClient database() {
        return client;
    }

    /** The collection {@code name} as this context sees it. */
    public BlazeCollection collection(String name) {
        return client.collection(name, context);
    }

    /**
     * Inserts a record into the default collection; see {@link BlazeDBClient#insert(BlazeDataRecord)}.
     *
     * @throws AccessDeniedException when no INSERT policy lets the context write the record as it would be stored
     */
    public UUID insert(BlazeDataRecord record) {
        return defaultCollection.insert(record);
    }

    /**
     * Inserts records atomically; see {@link BlazeDBClient#insertMany(List)}.
     *
     * @throws AccessDeniedException when any of them is refused (then none is written)
     */
    public List<UUID> insertMany(List<BlazeDataRecord> records) {
        return defaultCollection.insertMany(records);
    }

    /** The record {@code id} of the default collection, if it exists and the context may read it. */
    public Optional<BlazeDataRecord> fetch(UUID id) {
        return defaultCollection.fetch(id);
    }

    /** Every record of the default collection that the context may read. */
    public List<BlazeDataRecord> fetchAll() {
        return defaultCollection.fetchAll();
    }

    /** The number of records of the default collection that the context may read. */
    public long count() {
        return defaultCollection.count();
    }

    /**
     * Updates a record; see {@link BlazeDBClient#update(UUID, BlazeDataRecord)}.
     *
     * @throws AccessDeniedException when the UPDATE policies refuse the row as it is (USING) or as it would be (WITH CHECK)
     */
    public void update(UUID id, BlazeDataRecord changes) {
        defaultCollection.update(id, changes);
    }

    /**
     * Updates or creates a record; see {@link BlazeDBClient#upsert(UUID, BlazeDataRecord)}.
     *
     * @throws AccessDeniedException when the UPDATE (record exists) or INSERT (it does not) policies refuse it
     */
    public boolean upsert(UUID id, BlazeDataRecord record) {
        return defaultCollection.upsert(id, record);
    }

    /**
     * Deletes a record; see {@link BlazeDBClient#delete(UUID)}.
     *
     * @throws AccessDeniedException when the DELETE policies refuse the row
     */
    public boolean delete(UUID id) {
        return defaultCollection.delete(id);
    }

    /**
     * Live changes of every collection that the context may see: inserts and updates of rows it
     * may read (as they are after the change), and deletes (they carry no data).
     */
    public Flux<ChangeEvent> changes() {
        return client.changes().filter(e -> BlazeCollection.visible(client, context, e));
    }

    /**
     * The changes after {@code afterSequence} that the context may see, then live ones; see
     * {@link BlazeDBClient#changes(long)} and {@link #changes()}.
     */
    public Flux<ChangeEvent> changes(long afterSequence) {
        return client.changes(afterSequence).filter(e -> BlazeCollection.visible(client, context, e));
    }

    @Override
    public String toString() {
        return "SecuredDatabase[" + client.name() + " as " + context + "]";
    }
}
