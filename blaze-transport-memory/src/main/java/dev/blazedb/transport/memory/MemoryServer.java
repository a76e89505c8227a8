package dev.blazedb.transport.memory;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionAcceptor;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.TransportException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A bound memory server: a name in the process-wide registry, the acceptor, and the connections
 * it accepted (closed with it).
 */
final class MemoryServer implements BoundServer {

    private static final ConcurrentMap<String, MemoryServer> REGISTRY = new ConcurrentHashMap<>();

    private static final AtomicIntegerFieldUpdater<MemoryServer> DISPOSED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryServer.class, "disposed");

    private final MemoryAddress address;
    private final ConnectionAcceptor acceptor;
    private final int maxFrameLength;
    private final Set<MemoryLink> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Sinks.Empty<Void> closeSink = Sinks.empty();
    private final Mono<Void> onClose = closeSink.asMono();

    private volatile int disposed;

    private MemoryServer(MemoryAddress address, ConnectionAcceptor acceptor, int maxFrameLength) {
        this.address = address;
        this.acceptor = acceptor;
        this.maxFrameLength = maxFrameLength;
    }

    static MemoryServer bind(String name, ConnectionAcceptor acceptor, int maxFrameLength) {
        Objects.requireNonNull(acceptor, "acceptor");
        MemoryServer server = new MemoryServer(new MemoryAddress(name), acceptor, maxFrameLength);
        MemoryServer existing = REGISTRY.putIfAbsent(name, server);
        if (existing != null) {
            throw new TransportException("a memory server is already bound to the name '" + name
                    + "': dispose it first, or choose another name");
        }
        return server;
    }

    static MemoryDuplexConnection connect(String name, int clientMaxFrameLength) {
        MemoryServer server = REGISTRY.get(name);
        if (server == null) {
            throw refused(name);
        }
        return server.accept(clientMaxFrameLength);
    }

    private static ConnectionRefusedException refused(String name) {
        return new ConnectionRefusedException("no memory server is bound to the name '" + name
                + "' (never bound, or disposed)");
    }

    private MemoryDuplexConnection accept(int clientMaxFrameLength) {
        MemoryAddress clientAddress = new MemoryAddress(address.name() + "#" + connectionIds.incrementAndGet());
        MemoryLink link = new MemoryLink(address, clientAddress, Math.min(maxFrameLength, clientMaxFrameLength),
                links::remove);
        links.add(link);
        // dispose() sets the flag, then closes what it finds: one of the two sees the other.
        if (disposed != 0) {
            links.remove(link);
            throw refused(address.name());
        }
        DuplexConnection serverEnd = link.server;
        Mono<Void> handling;
        try {
            handling = Objects.requireNonNull(acceptor.accept(serverEnd), "the ConnectionAcceptor returned null");
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            handling = Mono.error(t);
        }
        // A failure after the close is moot: closing again does nothing.
        handling.subscribe(null, error -> link.close(MemoryLink.SERVER, error));
        return link.client;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public void dispose() {
        if (!DISPOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        REGISTRY.remove(address.name(), this);
        for (MemoryLink link : links) {
            link.close(MemoryLink.SERVER, null);
        }
        // Only the CAS winner emits, so this cannot fail.
        closeSink.tryEmitEmpty();
    }

    @Override
    public boolean isDisposed() {
        return disposed != 0;
    }

    @Override
    public Mono<Void> onClose() {
        return onClose;
    }

    @Override
    public String toString() {
        return "MemoryServer[" + address + (isDisposed() ? ", disposed]" : ", " + links.size() + " connections]");
    }
}
