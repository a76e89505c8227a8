package dev.blazedb.transport.memory;

import dev.blazedb.transport.BoundServer;
import dev.blazedb.transport.ConnectionAcceptor;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ServerTransport;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The server side of the in-memory transport: binds a name, unique in the JVM, that
 * {@link MemoryClientTransport}s connect to.
 *
 * <pre>{@code
 * BoundServer server = MemoryServerTransport.create("orders")
 *         .bind(connection -> connection.send(connection.receive()))   // echo
 *         .block();
 * DuplexConnection client = MemoryClientTransport.create("orders").connect().block();
 * }</pre>
 *
 * <p>Binding happens on the subscribing thread, at once; the acceptor is then called on the
 * thread of each client's {@code connect()}. Disposing the {@link BoundServer} releases the name
 * and closes the connections it accepted. Immutable: the {@code with}-style methods return new
 * instances.
 */
public final class MemoryServerTransport implements ServerTransport {

    private final String name;
    private final int maxFrameLength;

    private MemoryServerTransport(String name, int maxFrameLength) {
        this.name = name;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * A server transport binding {@code name}, with the default frame limit
     * ({@link DuplexConnection#DEFAULT_MAX_FRAME_LENGTH}).
     *
     * @param name the name clients connect to, not empty
     * @return the transport
     * @throws IllegalArgumentException if the name is empty
     */
    public static MemoryServerTransport create(String name) {
        return new MemoryServerTransport(MemoryClientTransport.checkName(name), DuplexConnection.DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * This transport with another frame limit. A connection's limit is the smaller of the
     * server's and the client's.
     *
     * @param maxFrameLength the largest frame payload in bytes, positive
     * @return a new transport
     * @throws IllegalArgumentException if the limit is not positive
     */
    public MemoryServerTransport maxFrameLength(int maxFrameLength) {
        return new MemoryServerTransport(name, MemoryClientTransport.checkMaxFrameLength(maxFrameLength));
    }

    /**
     * The name this transport binds.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The frame limit of connections this server accepts (at most).
     *
     * @return the limit in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fails with a {@link dev.blazedb.transport.TransportException} when the name is already
     * bound in this JVM.
     */
    @Override
    public Mono<BoundServer> bind(ConnectionAcceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        return Mono.<BoundServer>fromCallable(() -> MemoryServer.bind(name, acceptor, maxFrameLength))
                .doOnDiscard(BoundServer.class, BoundServer::dispose);
    }

    /**
     * Binds at once: the blocking twin of {@link #bind}, which never actually waits.
     *
     * @param acceptor receives each accepted connection
     * @return the bound server
     * @throws dev.blazedb.transport.TransportException if the name is already bound
     */
    public BoundServer bindNow(ConnectionAcceptor acceptor) {
        return MemoryServer.bind(name, acceptor, maxFrameLength);
    }

    @Override
    public String toString() {
        return "MemoryServerTransport[" + name + "]";
    }
}
