package dev.blazedb.internal.sync;

import java.util.function.ToDoubleFunction;

/**
 * Where sync records its meters. {@link #NOOP} when the topology has no meter registry; the
 * Micrometer implementation ({@link MicrometerSyncMetrics}) is loaded only when one is given, so
 * Micrometer is an optional dependency.
 */
public interface SyncMetrics {

    /** Records nothing. */
    SyncMetrics NOOP = (node, peer) -> Recorder.NOOP;

    /**
     * The meters of one connection.
     *
     * @param node the local node's name
     * @param peer the peer's node id (or a placeholder until it is known)
     */
    Recorder recorder(String node, String peer);

    /** The meters of one connection; thread-safe. */
    interface Recorder extends AutoCloseable {

        /** Records nothing. */
        Recorder NOOP = new Recorder() {
        };

        /** Changes sent. */
        default void sent(int changes) {
        }

        /** Changes received. */
        default void received(int changes) {
        }

        /** Received changes that altered local state. */
        default void applied(int changes) {
        }

        /** Changes refused (row-level security, policy). */
        default void rejected(int changes) {
        }

        /** How long applying one batch took. */
        default void applyLatency(long nanos) {
        }

        /** Registers the gauges: lag in seconds and pending changes, read from {@code owner}. */
        default <T> void gauges(T owner, ToDoubleFunction<T> lagSeconds, ToDoubleFunction<T> pending) {
        }

        /** Removes the connection's meters. */
        @Override
        default void close() {
        }
    }

    /**
     * The metrics for {@code registry}: a Micrometer {@code MeterRegistry}, or null for none.
     *
     * @throws IllegalArgumentException when {@code registry} is not a MeterRegistry
     */
    static SyncMetrics of(Object registry) {
        if (registry == null) {
            return NOOP;
        }
        return MicrometerSyncMetrics.create(registry);
    }
}
