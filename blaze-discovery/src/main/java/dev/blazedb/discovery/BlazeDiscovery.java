package dev.blazedb.discovery;

import dev.blazedb.NodeId;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Advertises BlazeDB servers on the local network and finds them, over mDNS / DNS-SD (jmDNS),
 * as the service type {@value #SERVICE_TYPE}.
 *
 * <pre>{@code
 * try (BlazeDiscovery discovery = BlazeDiscovery.create()) {
 *     discovery.advertise("Database1", server.port(), db.nodeId()).block();
 *     discovery.browse()
 *             .filter(found -> found.name().equals("Database1") && !found.isRemoved())
 *             .next()
 *             .block(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Threading: jmDNS blocks (starting takes ~0.1 s, withdrawing a service or closing ~2 s while
 * it sends goodbye packets), so every jmDNS call runs on this discovery's own thread, one call at
 * a time and in the order they were asked for, with at most {@value #MAX_PENDING_OPERATIONS}
 * waiting; no method blocks its caller. The {@code Mono}s returned here complete on
 * {@link Schedulers#boundedElastic()}. {@link #browse()} delivers on jmDNS's listener thread: do
 * not block in {@code onNext} (use {@code publishOn} to do slow work).
 *
 * <p>Timing: mDNS is slow by design. A service advertised on one machine is typically found
 * within 1 to 5 seconds, and a withdrawn one reported removed within a few seconds more (a
 * server killed without saying goodbye stays listed until its records expire).
 */
public final class BlazeDiscovery implements AutoCloseable {

    /** The DNS-SD service type BlazeDB servers are advertised under. */
    public static final String SERVICE_TYPE = "_blazedb._tcp.local.";

    /** How many jmDNS operations may wait for this discovery's thread; more are refused. */
    public static final int MAX_PENDING_OPERATIONS = 64;

    /**
     * How many changes {@link #browse()} keeps for a subscriber that has not requested them; a
     * subscriber that falls further behind gets an overflow error.
     */
    public static final int MAX_BUFFERED_CHANGES = 256;

    /**
     * How long after jmDNS reports a service removed a resolution of it that came without a new
     * "added" is taken for an echo of the withdrawn records and ignored. jmDNS can report a
     * withdrawn service resolved right after reporting it removed (seen in CI; most likely one of
     * its resolvers still holding the old records): without this, a withdrawn server would come
     * back into the list and stay there.
     */
    static final Duration REMOVAL_ECHO = Duration.ofSeconds(3);

    private static final Logger LOG = LoggerFactory.getLogger(BlazeDiscovery.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String where;
    /**
     * This discovery's own thread, where every jmDNS call runs in turn: a bounded-elastic
     * scheduler capped at one thread (a thread allowed to block, unlike Reactor's single and
     * parallel ones), whose hand-off never blocks the caller (Reactor's BlockHound integration
     * knows its queue). {@link #pending} bounds the operations; the queue has room beyond it for
     * the shutdown, which is never refused.
     */
    private final Scheduler executor;
    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<JmDNS> started;
    private final Sinks.Empty<Void> closedSignal = Sinks.empty();
    private final Listener listener = new Listener();

    private final Object lock = new Object();
    /** Resolved services by instance name. Guarded by {@link #lock}. */
    private final Map<String, DiscoveredDatabase> found = new LinkedHashMap<>();
    /**
     * When each recently removed service was reported removed ({@link System#nanoTime()}), until
     * jmDNS reports it added again or {@link #REMOVAL_ECHO} has passed. Guarded by {@link #lock}.
     */
    private final Map<String, Long> removedAt = new HashMap<>();
    /** The live {@link #browse()} subscriptions. Guarded by {@link #lock}. */
    private final Set<FluxSink<DiscoveredDatabase>> subscribers = new LinkedHashSet<>();
    /** What this discovery advertises, by instance name. Guarded by {@link #lock}. */
    private final Map<String, Registered> advertised = new LinkedHashMap<>();
    /** Set once the service listener is asked for. Guarded by {@link #lock}. */
    private CompletableFuture<Void> browsing;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private record Registered(Advertisement advertisement, ServiceInfo info) {
    }

    private BlazeDiscovery(InetAddress address) {
        this.where = address == null ? "the default interface" : address.getHostAddress();
        // Not a daemon: a JVM that exits right after close() still sends the goodbye packets.
        this.executor = Schedulers.newBoundedElastic(1, MAX_PENDING_OPERATIONS + 8, "blaze-discovery-" + THREADS.incrementAndGet(),
                60, false);
        // A host name of our own: two discoveries on one machine (tests, several servers) would
        // otherwise both claim the machine's name and go through mDNS conflict resolution.
        String hostName = "blazedb-" + UUID.randomUUID().toString().substring(0, 8);
        this.started = submit("start mDNS on " + where, () -> JmDNS.create(address, hostName));
    }

    /**
     * A discovery on the interface jmDNS picks (the machine's main address). Starts jmDNS in the
     * background; a failure to start is reported by the first operation that needs it.
     */
    public static BlazeDiscovery create() {
        return new BlazeDiscovery(null);
    }

    /**
     * A discovery on the network interface holding {@code address}; use
     * {@link InetAddress#getLoopbackAddress()} to discover within this machine only.
     *
     * @throws DiscoveryException when no interface of this machine has that address, the
     *         interface is down, or it cannot carry multicast (mDNS needs it)
     */
    public static BlazeDiscovery create(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isAnyLocalAddress()) {
            throw new DiscoveryException("mDNS needs one interface's address, not the wildcard address " + address.getHostAddress());
        }
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByInetAddress(address);
            if (nif == null) {
                throw new DiscoveryException("no network interface of this machine has the address " + address.getHostAddress());
            }
            checkInterface(address, nif.getName(), nif.isUp(), nif.isLoopback(), nif.supportsMulticast());
        } catch (SocketException e) {
            throw new DiscoveryException("cannot inspect the network interface of " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
        return new BlazeDiscovery(address);
    }

    /**
     * Refuses an interface that cannot carry mDNS. The loopback interface passes although Linux
     * does not flag it MULTICAST: multicast between processes of one machine works on it.
     */
    static void checkInterface(InetAddress address, String name, boolean up, boolean loopback, boolean multicast) {
        if (!up) {
            throw new DiscoveryException("network interface " + name + " (" + address.getHostAddress() + ") is down");
        }
        if (!multicast && !loopback) {
            throw new DiscoveryException("network interface " + name + " (" + address.getHostAddress()
                    + ") does not support multicast, which mDNS needs; choose an interface that does");
        }
    }

    // ---------------------------------------------------------------- advertising

    /**
     * Advertises a started {@link BlazeServer}: {@code advertise(Advertisement.of(server))}, so
     * browsers see its database name, port, node id, TLS setting and certificate fingerprint.
     * {@code BlazeServer.builder().advertise(true)} does this by itself.
     *
     * @throws IllegalStateException when the server is not started
     */
    public Mono<Void> advertise(BlazeServer server) {
        return advertise(Advertisement.of(server));
    }

    /** Withdraws what {@link #advertise(BlazeServer)} advertised for {@code server}. */
    public Mono<Void> unadvertise(BlazeServer server) {
        return unadvertise(Advertisement.of(server));
    }

    /** Advertises a server without TLS: {@code Advertisement.plain(database, port, nodeId)}. */
    public Mono<Void> advertise(String database, int port, NodeId nodeId) {
        return advertise(Advertisement.plain(database, port, nodeId));
    }

    /**
     * Advertises a server until {@link #unadvertise(Advertisement) unadvertised} or until this
     * discovery is closed. Lazy: nothing happens until subscribed; completes once jmDNS has
     * registered the service (probed the name and announced it). Advertising an equal
     * advertisement again does nothing; advertising different data under the same
     * {@link Advertisement#instanceName() instance name} (say, a new certificate fingerprint)
     * announces the new data, which browsers report as
     * {@link DiscoveredDatabase.Change#UPDATED UPDATED}.
     *
     * @return completes when advertised; errors with {@link DiscoveryException} when jmDNS fails
     *         or this discovery is closed
     */
    public Mono<Void> advertise(Advertisement advertisement) {
        Objects.requireNonNull(advertisement, "advertisement");
        String key = advertisement.instanceName();
        return run("advertise '" + key + "'", () -> {
            JmDNS jmdns = jmdns();
            synchronized (lock) {
                Registered old = advertised.get(key);
                if (old != null && old.advertisement().equals(advertisement)) {
                    return null;
                }
                if (old != null && old.advertisement().port() == advertisement.port()) {
                    // Same instance, new TXT data (TLS, fingerprint): jmDNS announces the new
                    // record in place, and browsers report the service UPDATED, never gone.
                    old.info().setText(ServiceTxt.of(advertisement));
                    advertised.put(key, new Registered(advertisement, old.info()));
                    LOG.debug("advertising {} (updated)", advertisement);
                    return null;
                }
            }
            withdraw(jmdns, key);
            ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, key, advertisement.port(), 0, 0, ServiceTxt.of(advertisement));
            jmdns.registerService(info);
            synchronized (lock) {
                advertised.put(key, new Registered(advertisement, info));
            }
            LOG.debug("advertising {} as '{}' on {}", advertisement, info.getName(), where);
            return null;
        });
    }

    /**
     * Withdraws an advertisement: jmDNS sends goodbye packets, so browsers report the service
     * {@link DiscoveredDatabase.Change#REMOVED removed}. Completes (after about two seconds, while
     * jmDNS says goodbye) also when it was not advertised.
     */
    public Mono<Void> unadvertise(Advertisement advertisement) {
        Objects.requireNonNull(advertisement, "advertisement");
        String key = advertisement.instanceName();
        return run("unadvertise '" + key + "'", () -> {
            withdraw(jmdns(), key);
            return null;
        });
    }

    /** Unregisters the service advertised under {@code key}, if any; on this discovery's thread. */
    private void withdraw(JmDNS jmdns, String key) {
        Registered old;
        synchronized (lock) {
            old = advertised.remove(key);
        }
        if (old != null) {
            jmdns.unregisterService(old.info());
            LOG.debug("withdrew '{}'", key);
        }
    }

    /** What this discovery advertises now. */
    public List<Advertisement> advertisements() {
        synchronized (lock) {
            return advertised.values().stream().map(Registered::advertisement).toList();
        }
    }

    // ---------------------------------------------------------------- browsing

    /**
     * The BlazeDB servers on the network, as they are found, change and go away: first a
     * {@link DiscoveredDatabase.Change#FOUND FOUND} value for each server already known, then one
     * value per change (see {@link DiscoveredDatabase}). A service is reported only once it has
     * been resolved with an address, a port and a complete, well-formed TXT record; services
     * whose TXT record is malformed are ignored (and logged at debug level).
     *
     * <p>Hot and endless: it completes when this discovery is closed, errors with
     * {@link DiscoveryException} when browsing cannot start, and keeps up to
     * {@value #MAX_BUFFERED_CHANGES} changes for a subscriber that has not requested them (then
     * it errors with an overflow). Cancelling stops only this subscription. Signals arrive on a
     * jmDNS thread.
     */
    public Flux<DiscoveredDatabase> browse() {
        return Flux.<DiscoveredDatabase>create(sink -> {
            sink.onDispose(() -> {
                synchronized (lock) {
                    subscribers.remove(sink);
                }
            });
            synchronized (lock) {
                if (closed) {
                    sink.error(closedException());
                    return;
                }
                // Under the lock so that no change slips between the snapshot and the live ones.
                found.values().forEach(d -> sink.next(d.as(DiscoveredDatabase.Change.FOUND)));
                if (sink.isCancelled()) {
                    return; // the snapshot was enough (say, take(1))
                }
                subscribers.add(sink);
            }
            startListening().whenComplete((ok, failure) -> {
                if (failure != null) {
                    sink.error(translate("browse", failure));
                }
            });
        }).onBackpressureBuffer(MAX_BUFFERED_CHANGES, dropped -> { }, BufferOverflowStrategy.ERROR);
    }

    /**
     * Starts browsing in the background, for {@link #discoveredDatabases()} (the original guide's
     * polling style). Idempotent; returns at once.
     */
    public void startBrowsing() {
        startListening();
    }

    /**
     * The servers found so far and still there, in the order they were found; empty until
     * {@link #startBrowsing()} or {@link #browse()} has run for a few seconds.
     *
     * @throws DiscoveryException when browsing failed to start or this discovery is closed
     */
    public List<DiscoveredDatabase> discoveredDatabases() {
        CompletableFuture<Void> b;
        synchronized (lock) {
            if (closed) {
                throw closedException();
            }
            b = browsing;
        }
        if (b != null && b.isCompletedExceptionally()) {
            throw translate("browse", b.handle((ok, failure) -> failure).join());
        }
        synchronized (lock) {
            return List.copyOf(found.values());
        }
    }

    /** jmDNS's view of this discovery, for tests that replay jmDNS's events. */
    ServiceListener serviceListener() {
        return listener;
    }

    /** How many {@link #browse()} subscriptions are live; for tests that check none leaks. */
    int subscriberCount() {
        synchronized (lock) {
            return subscribers.size();
        }
    }

    private CompletableFuture<Void> startListening() {
        synchronized (lock) {
            if (browsing == null) {
                browsing = submit("browse on " + where, () -> {
                    jmdns().addServiceListener(SERVICE_TYPE, listener);
                    return null;
                });
            }
            return browsing;
        }
    }

    /** jmDNS's events, on its listener thread. */
    private final class Listener implements ServiceListener {

        @Override
        public void serviceAdded(ServiceEvent event) {
            LOG.debug("service '{}' appeared; resolving", event.getName());
            synchronized (lock) {
                removedAt.remove(event.getName());
            }
            requestResolution(event.getName());
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            String instance = event.getName();
            List<String> addresses = addresses(info);
            ServiceTxt.Parsed txt = ServiceTxt.parse(ServiceTxt.read(info));
            if (txt instanceof ServiceTxt.Invalid invalid) {
                LOG.debug("ignoring service '{}': {}", instance, invalid.reason());
                return;
            }
            if (txt instanceof ServiceTxt.Incomplete incomplete || addresses.isEmpty() || info.getPort() == 0) {
                // jmDNS's first resolve event often lacks the TXT record: wait for the next one.
                LOG.debug("service '{}' resolved without complete data ({}); waiting", instance, txt);
                requestResolution(instance);
                return;
            }
            ServiceTxt.Complete c = (ServiceTxt.Complete) txt;
            DiscoveredDatabase now = new DiscoveredDatabase(instance, c.database(), addresses, info.getPort(), c.nodeId(),
                    c.protocolVersion(), c.tls(), c.fingerprint(), DiscoveredDatabase.Change.FOUND);
            synchronized (lock) {
                if (closed) {
                    return;
                }
                if (echoesRemoval(instance)) {
                    LOG.debug("ignoring a resolution of '{}' that echoes its removal", instance);
                    return;
                }
                DiscoveredDatabase before = found.get(instance);
                if (before != null && before.sameData(now)) {
                    return;
                }
                DiscoveredDatabase change = before == null ? now : now.as(DiscoveredDatabase.Change.UPDATED);
                found.put(instance, change);
                publish(change);
            }
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            synchronized (lock) {
                DiscoveredDatabase gone = found.remove(event.getName());
                if (gone != null && !closed) {
                    removedAt.put(event.getName(), System.nanoTime());
                    publish(gone.as(DiscoveredDatabase.Change.REMOVED));
                }
            }
        }

        /**
         * Whether {@code instance} was reported removed less than {@link #REMOVAL_ECHO} ago and
         * not added since; forgets removals older than that. Called with the lock held.
         */
        private boolean echoesRemoval(String instance) {
            long now = System.nanoTime();
            removedAt.values().removeIf(at -> now - at >= REMOVAL_ECHO.toNanos());
            return removedAt.containsKey(instance);
        }

        /** Emits to every subscriber; called with the lock held, so all see one order. */
        private void publish(DiscoveredDatabase change) {
            LOG.debug("{}", change);
            for (FluxSink<DiscoveredDatabase> sink : subscribers) {
                sink.next(change);
            }
        }
    }

    /** Asks jmDNS, on this discovery's thread, to (re)query a service; best effort. */
    private void requestResolution(String instance) {
        submit("re-query '" + instance + "'", () -> {
            JmDNS jmdns = started.getNow(null);
            if (jmdns != null) {
                // Starts a resolver task; the 1 ms is how long this call waits for its answer.
                jmdns.requestServiceInfo(SERVICE_TYPE, instance, false, 1);
            }
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("{}", failure.getMessage());
            }
        });
    }

    /** The IP literals {@code info} resolved to, IPv4 first. */
    private static List<String> addresses(ServiceInfo info) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (InetAddress a : info.getInetAddresses()) {
            (a instanceof Inet4Address ? v4 : v6).add(a.getHostAddress());
        }
        v4.addAll(v6);
        return v4.stream().distinct().toList();
    }

    // ---------------------------------------------------------------- closing

    /**
     * Withdraws every advertisement, stops browsing and releases the sockets. Returns at once:
     * jmDNS's goodbye and shutdown (seconds) run on this discovery's thread, which keeps the JVM
     * alive until they are done; {@link #onClose()} completes then. Active {@link #browse()}
     * subscriptions complete now. Idempotent.
     */
    @Override
    public void close() {
        List<FluxSink<DiscoveredDatabase>> toComplete;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toComplete = new ArrayList<>(subscribers);
            subscribers.clear();
            found.clear();
            removedAt.clear();
            advertised.clear();
        }
        toComplete.forEach(FluxSink::complete);
        Runnable shutdown = () -> {
            try {
                JmDNS jmdns = started.getNow(null);
                if (jmdns != null) {
                    jmdns.close(); // unregisters every service (goodbye packets), then stops
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing mDNS on {} failed: {}", where, e.toString());
            } finally {
                Sinks.EmitResult r = closedSignal.tryEmitEmpty();
                if (r.isFailure() && r != Sinks.EmitResult.FAIL_TERMINATED) {
                    LOG.debug("close signal not emitted: {}", r);
                }
            }
        };
        // Never refused for a full queue (close must happen); after the operations already queued.
        executor.schedule(shutdown);
        // Graceful: runs what is queued, the shutdown last, then lets the thread end.
        executor.disposeGracefully().subscribe(null, e -> LOG.debug("discovery thread: {}", e.toString()));
    }

    /** Completes when a {@link #close() closed} discovery has said goodbye and released its sockets. */
    public Mono<Void> onClose() {
        return closedSignal.asMono();
    }

    // ---------------------------------------------------------------- plumbing

    /** The running jmDNS; only on this discovery's thread, where it has always finished starting. */
    private JmDNS jmdns() {
        synchronized (lock) {
            if (closed) {
                throw closedException();
            }
        }
        return started.join();
    }

    private <T> Mono<T> run(String what, Callable<T> task) {
        return Mono.defer(() -> Mono.fromFuture(submit(what, task), true)).publishOn(Schedulers.boundedElastic());
    }

    private <T> CompletableFuture<T> submit(String what, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (pending.incrementAndGet() > MAX_PENDING_OPERATIONS) {
            pending.decrementAndGet();
            result.completeExceptionally(
                    new DiscoveryException("cannot " + what + ": " + MAX_PENDING_OPERATIONS + " mDNS operations are already waiting"));
            return result;
        }
        try {
            executor.schedule(() -> {
                try {
                    result.complete(task.call());
                } catch (Throwable e) {
                    result.completeExceptionally(translate(what, e));
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            result.completeExceptionally(closedException());
        }
        return result;
    }

    private DiscoveryException closedException() {
        return new DiscoveryException("this BlazeDiscovery (" + where + ") is closed");
    }

    private static DiscoveryException translate(String what, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof DiscoveryException d) {
            return d;
        }
        return new DiscoveryException("cannot " + what + ": " + cause, cause);
    }

    @Override
    public String toString() {
        return "BlazeDiscovery[" + where + "]";
    }
}
