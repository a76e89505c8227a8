package dev.blazedb.internal.sync;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConflictResolver;
import dev.blazedb.NodeId;
import dev.blazedb.RowLevelSecurity;
import dev.blazedb.internal.InternalAccess;
import dev.blazedb.internal.storage.StorageEngine;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;

/** The {@link SyncStore} of each database: one per database instance, shared by topologies. */
public final class SyncStores {

    private static final Map<BlazeDBClient, SyncStore> STORES = new WeakHashMap<>();

    private SyncStores() {
    }

    /** The store of {@code db}. */
    public static synchronized SyncStore of(BlazeDBClient db) {
        // The value must not reference the key, or the weak map would keep every database alive.
        return STORES.computeIfAbsent(db, d -> new EngineStore(d.security(), InternalAccess.engine(d)));
    }

    /** A {@link SyncStore} over a database's {@link StorageEngine}. */
    private static final class EngineStore implements SyncStore {
        private final RowLevelSecurity security;
        private final StorageEngine engine;
        /** Resume points advanced by skipped stretches, not yet persisted. */
        private final Map<NodeId, Long> advanced = new ConcurrentHashMap<>();

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
            long stored = engine.isClosed() ? 0 : engine.storedResumePoint(peer);
            Long mem = advanced.get(peer);
            return mem == null ? stored : Math.max(stored, mem);
        }

        @Override
        public void advanceResumePoint(NodeId peer, long point, boolean persistNow) {
            advanced.merge(peer, point, Math::max);
            if (persistNow && !engine.isClosed() && engine.storedResumePoint(peer) < point) {
                byte[] v = new byte[8];
                java.nio.ByteBuffer.wrap(v).putLong(point);
                engine.putMeta(StorageEngine.resumeKey(peer), v);
            }
        }

        @Override
        public ApplyResult apply(NodeId peer, List<SyncMessage.Change> changes, long coveredThrough, Admission admission,
                                 ConflictResolver resolver) {
            return engine.applyRemote(peer, changes, coveredThrough, admission, resolver);
        }
    }
}
