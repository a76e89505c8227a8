package dev.blazedb;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.internal.storage.StorageEngine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * A named collection of a {@link BlazeDBClient}: the client's CRUD operations, scoped to this
 * collection. Records with the same id in different collections are different records.
 * Thread-safe; obtained from {@link BlazeDBClient#collection(String)}.
 */
public final class BlazeCollection {

    private final BlazeDBClient client;
    private final StorageEngine engine;
    private final String name;

    BlazeCollection(BlazeDBClient client, StorageEngine engine, String name) {
        this.client = client;
        this.engine = engine;
        this.name = name;
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
        return engine.insert(name, record);
    }

    /** Inserts records atomically; see {@link BlazeDBClient#insertMany(List)}. */
    public List<UUID> insertMany(List<BlazeDataRecord> records) {
        Objects.requireNonNull(records, "records");
        return engine.insertMany(name, records);
    }

    /** The record with {@code id}, if it exists. */
    public Optional<BlazeDataRecord> fetch(UUID id) {
        return engine.fetch(name, id);
    }

    /** Every record, in the order they were last written. */
    public List<BlazeDataRecord> fetchAll() {
        return engine.fetchAll(name);
    }

    /** The ids of every record. */
    public List<UUID> ids() {
        return engine.ids(name);
    }

    /** The number of records. */
    public long count() {
        return engine.count(name);
    }

    /**
     * Merges {@code changes} into record {@code id}; see {@link BlazeDBClient#update(UUID, BlazeDataRecord)}.
     *
     * @throws RecordNotFoundException when there is no such record
     */
    public void update(UUID id, BlazeDataRecord changes) {
        Objects.requireNonNull(changes, "changes");
        engine.update(name, id, changes);
    }

    /**
     * Merges into record {@code id} or creates it; see {@link BlazeDBClient#upsert(UUID, BlazeDataRecord)}.
     *
     * @return true when the record was created
     */
    public boolean upsert(UUID id, BlazeDataRecord record) {
        return engine.upsert(name, id, record);
    }

    /**
     * Deletes record {@code id}; idempotent.
     *
     * @return true when a record was deleted
     */
    public boolean delete(UUID id) {
        return engine.delete(name, id);
    }

    /** Live changes of this collection; see {@link BlazeDBClient#changes()}. */
    public Flux<ChangeEvent> changes() {
        return client.changes().filter(e -> e.collection().equals(name));
    }

    /** Changes of this collection after {@code afterSequence}; see {@link BlazeDBClient#changes(long)}. */
    public Flux<ChangeEvent> changes(long afterSequence) {
        return client.changes(afterSequence).filter(e -> e.collection().equals(name));
    }

    @Override
    public String toString() {
        return "BlazeCollection[" + name + "]";
    }
}
