package dev.blazedb.transport.memory;

import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The client side of the in-memory transport: connects to the {@link MemoryServerTransport} bound
 * to a name in this JVM.
 *
 * <p>Connecting happens on the subscribing thread, at once: the server's acceptor is called on
 * it, then the connection is emitted. Connecting to a name nobody has bound fails with a
 * {@link dev.blazedb.transport.ConnectionRefusedException}. Immutable.
 */
public final class MemoryClientTransport implements ClientTransport {

    private final String name;
    private final int maxFrameLength;

    private MemoryClientTransport(String name, int maxFrameLength) {
        this.name = name;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * A client transport connecting to the server bound to {@code name}, with the default frame
     * limit ({@link DuplexConnection#DEFAULT_MAX_FRAME_LENGTH}).
     *
     * @param name the server's name, not empty
     * @return the transport
     * @throws IllegalArgumentException if the name is empty
     */
    public static MemoryClientTransport create(String name) {
        return new MemoryClientTransport(checkName(name), DuplexConnection.DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * This transport with another frame limit. A connection's limit is the smaller of the
     * server's and the client's.
     *
     * @param maxFrameLength the largest frame payload in bytes, positive
     * @return a new transport
     * @throws IllegalArgumentException if the limit is not positive
     */
    public MemoryClientTransport maxFrameLength(int maxFrameLength) {
        return new MemoryClientTransport(name, checkMaxFrameLength(maxFrameLength));
    }

    /**
     * The name of the server this transport connects to.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The frame limit this client asks for (at most).
     *
     * @return the limit in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    @Override
    public Mono<DuplexConnection> connect() {
        return Mono.<DuplexConnection>fromCallable(() -> MemoryServer.connect(name, maxFrameLength))
                .doOnDiscard(DuplexConnection.class, DuplexConnection::dispose);
    }

    @Override
    public String toString() {
        return "MemoryClientTransport[" + name + "]";
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a memory transport needs a non-empty name");
        }
        return name;
    }

    static int checkMaxFrameLength(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        return maxFrameLength;
    }
}
