package dev.blazedb.internal.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Sync meters in a Micrometer registry, tagged {@code node} (the local node's name) and
 * {@code peer} (the peer's node id):
 * <ul>
 *   <li>{@code blaze.sync.changes.sent}, {@code .received}, {@code .applied}, {@code .rejected}: counters;</li>
 *   <li>{@code blaze.sync.apply.latency}: a timer per applied batch;</li>
 *   <li>{@code blaze.sync.lag} (seconds) and {@code blaze.sync.pending} (changes): gauges.</li>
 * </ul>
 * Only this class touches Micrometer; it is loaded only when a registry is configured.
 */
final class MicrometerSyncMetrics implements SyncMetrics {

    /** Meter names. */
    static final String SENT = "blaze.sync.changes.sent";
    static final String RECEIVED = "blaze.sync.changes.received";
    static final String APPLIED = "blaze.sync.changes.applied";
    static final String REJECTED = "blaze.sync.changes.rejected";
    static final String APPLY_LATENCY = "blaze.sync.apply.latency";
    static final String LAG = "blaze.sync.lag";
    static final String PENDING = "blaze.sync.pending";

    private final MeterRegistry registry;

    private MicrometerSyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    static SyncMetrics create(Object registry) {
        if (!(registry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry: " + registry.getClass().getName());
        }
        return new MicrometerSyncMetrics(r);
    }

    @Override
    public Recorder recorder(String node, String peer) {
        return new MicrometerRecorder(registry, Tags.of("node", node, "peer", peer));
    }

    private static final class MicrometerRecorder implements Recorder {
        private final MeterRegistry registry;
        private final Tags tags;
        private final Counter sent;
        private final Counter received;
        private final Counter applied;
        private final Counter rejected;
        private final Timer latency;
        private final List<Meter> meters = new CopyOnWriteArrayList<>();

        MicrometerRecorder(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
            this.sent = add(Counter.builder(SENT).description("changes sent to the peer").baseUnit("changes").tags(tags).register(registry));
            this.received = add(Counter.builder(RECEIVED).description("changes received from the peer").baseUnit("changes").tags(tags).register(registry));
            this.applied = add(Counter.builder(APPLIED).description("received changes that altered local state").baseUnit("changes").tags(tags).register(registry));
            this.rejected = add(Counter.builder(REJECTED).description("changes refused by row-level security or policy").baseUnit("changes").tags(tags).register(registry));
            this.latency = add(Timer.builder(APPLY_LATENCY).description("time to apply one received batch").tags(tags).register(registry));
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        @Override
        public void sent(int changes) {
            sent.increment(changes);
        }

        @Override
        public void received(int changes) {
            received.increment(changes);
        }

        @Override
        public void applied(int changes) {
            applied.increment(changes);
        }

        @Override
        public void rejected(int changes) {
            rejected.increment(changes);
        }

        @Override
        public void applyLatency(long nanos) {
            latency.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public <T> void gauges(T owner, ToDoubleFunction<T> lagSeconds, ToDoubleFunction<T> pending) {
            add(Gauge.builder(LAG, owner, lagSeconds).description("age of the oldest unacknowledged change").baseUnit("seconds").tags(tags).register(registry));
            add(Gauge.builder(PENDING, owner, pending).description("local changes not yet acknowledged by the peer").baseUnit("changes").tags(tags).register(registry));
        }

        @Override
        public void close() {
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }
    }
}
