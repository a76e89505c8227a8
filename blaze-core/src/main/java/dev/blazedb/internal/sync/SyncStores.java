package dev.blazedb.internal.sync;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConflictResolver;
import dev.blazedb.NodeId;
import dev.blazedb.RowLevelSecurity;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.storage.StorageEngine;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The {@link SyncStore} of a database: a light view of its engine (all state lives in the engine,
 * so any number of views of one database agree, and nothing here keeps a closed database alive).
 */
public final class SyncStores {

    private SyncStores() {
    }

    /** The store of {@code db}. */
    public static SyncStore of(BlazeDBClient db) {
        return new EngineStore(db.security(), InternalAccess.engine(db));
    }

    /** A {@link SyncStore} over a database's {@link StorageEngine}. */
    private static final class EngineStore implements SyncStore {
        private final RowLevelSecurity security;
        private final StorageEngine engine;

        EngineStore(RowLevelSecurity security, StorageEngine engine) {
            this.security = security;
            this.engine = engine;
        }

        @Override
        public NodeId nodeId() {
            return engine.nodeId();
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public long lastSequence() {
            return engine.lastSequence();
        }

        @Override
        public boolean isClosed() {
            return engine.isClosed();
        }

        @Override
        public RowLevelSecurity security() {
            return security;
        }

        @Override
        public Flux<ChangeEvent> changes(long afterSequence) {
            return engine.feed().changes(afterSequence);
        }

        @Override
        public long resumePoint(NodeId peer) {
            return engine.resumePoint(peer);
        }

        @Override
        public void advanceResumePoint(NodeId peer, long point, boolean persistNow) {
            engine.advanceResumePoint(peer, point, persistNow);
        }

        @Override
        public ApplyResult apply(NodeId peer, List<SyncMessage.Change> changes, long coveredThrough, Admission admission,
                                 ConflictResolver resolver, boolean mayBlock) {
            return engine.applyRemote(peer, changes, coveredThrough, admission, resolver, mayBlock);
        }
    }
}
