package dev.blazedb.transport.tcp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link BlazeServer}'s meters in a Micrometer registry, tagged {@code server} (the database name
 * clients connect to) and {@code transport} ({@code tcp}); docs/tcp-security.md lists them. Only
 * this class touches Micrometer; it is loaded only when a registry is configured.
 */
final class MicrometerServerMetrics implements ServerMetrics {

    /** Meter names. */
    static final String ACCEPTED = "blaze.transport.connections.accepted";
    static final String ACTIVE = "blaze.transport.connections.active";
    static final String REFUSED = "blaze.transport.connections.refused";
    static final String HANDSHAKE = "blaze.transport.handshake";
    static final String BYTES_IN = "blaze.transport.bytes.in";
    static final String BYTES_OUT = "blaze.transport.bytes.out";
    static final String FRAMES_IN = "blaze.transport.frames.in";
    static final String FRAMES_OUT = "blaze.transport.frames.out";

    private final MeterRegistry registry;
    private final Tags tags;
    private final AtomicInteger active = new AtomicInteger();
    private volatile Gauge activeGauge;
    private final Counter accepted;
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Timer handshake;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter framesIn;
    private final Counter framesOut;

    private MicrometerServerMetrics(MeterRegistry registry, String server) {
        this.registry = registry;
        this.tags = Tags.of("server", server, "transport", TcpTransportProvider.NAME);
        accepted = Counter.builder(ACCEPTED).description("connections accepted (under the connection limit)")
                .baseUnit("connections").tags(tags).register(registry);
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder(REFUSED).description("connections refused or closed by the server, by reason")
                    .baseUnit("connections").tags(tags).tag("reason", r.tag()).register(registry));
        }
        handshake = Timer.builder(HANDSHAKE).description("TCP accept to secure session ready (TLS, ECDH, token proofs)")
                .tags(tags).register(registry);
        bytesIn = Counter.builder(BYTES_IN).description("bytes read from clients' sockets (TLS records included)")
                .baseUnit("bytes").tags(tags).register(registry);
        bytesOut = Counter.builder(BYTES_OUT).description("bytes written to clients' sockets (TLS records included)")
                .baseUnit("bytes").tags(tags).register(registry);
        framesIn = Counter.builder(FRAMES_IN).description("frames received from clients")
                .baseUnit("frames").tags(tags).register(registry);
        framesOut = Counter.builder(FRAMES_OUT).description("frames sent to clients")
                .baseUnit("frames").tags(tags).register(registry);
    }

    static ServerMetrics create(Object registry, String server) {
        if (!(registry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry: " + registry.getClass().getName());
        }
        return new MicrometerServerMetrics(r, server);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /**
     * The gauge lives while the server serves: counters of the same name and tags add up
     * (a server restarted, or replaced by a new one, keeps counting), but a gauge would stay
     * bound to the first server's number.
     */
    @Override
    public void started() {
        activeGauge = Gauge.builder(ACTIVE, active, AtomicInteger::get)
                .description("connections open now, handshaking or syncing").baseUnit("connections").tags(tags).register(registry);
    }

    @Override
    public void stopped() {
        Gauge g = activeGauge;
        activeGauge = null;
        if (g != null) {
            registry.remove(g);
        }
    }

    @Override
    public void accepted() {
        accepted.increment();
        active.incrementAndGet();
    }

    @Override
    public void closed() {
        active.decrementAndGet();
    }

    @Override
    public void refused(Refusal reason) {
        refused.get(reason).increment();
    }

    @Override
    public void handshake(long nanos) {
        handshake.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void bytesIn(long bytes) {
        bytesIn.increment(bytes);
    }

    @Override
    public void bytesOut(long bytes) {
        bytesOut.increment(bytes);
    }

    @Override
    public void frameIn() {
        framesIn.increment();
    }

    @Override
    public void frameOut() {
        framesOut.increment();
    }
}
