package dev.blazedb.transport;

import java.util.Map;

/**
 * A transport module's entry point, found by {@link java.util.ServiceLoader} through
 * {@link Transports}, so that core code reaches transports without depending on their modules.
 *
 * <p>A transport module registers its implementation in
 * {@code META-INF/services/dev.blazedb.transport.TransportProvider}. Implementations are
 * stateless, thread-safe and have a public no-argument constructor.
 *
 * <p>Addresses and options are transport-specific and documented by each provider: the memory
 * transport takes a server name, Unix sockets a socket path, TCP {@code host:port}. Options are
 * keyed by name; a provider rejects keys it does not know, and values of the wrong type, with an
 * {@link IllegalArgumentException} naming them, so a typo never goes unnoticed.
 */
public interface TransportProvider {

    /** Option every provider accepts: the {@link DuplexConnection#maxFrameLength()}, an {@link Integer}. */
    String MAX_FRAME_LENGTH = "maxFrameLength";

    /**
     * The transport's name, unique on a class path: {@code "memory"}, {@code "uds"}, {@code "tcp"}.
     *
     * @return the name
     */
    String name();

    /**
     * A client transport connecting to {@code address}.
     *
     * @param address where the server is, in this transport's syntax
     * @param options transport options; may be empty
     * @return the client transport
     * @throws IllegalArgumentException if the address or an option is invalid
     */
    ClientTransport clientTransport(String address, Map<String, ?> options);

    /**
     * A server transport that will bind {@code address}.
     *
     * @param address where to listen, in this transport's syntax
     * @param options transport options; may be empty
     * @return the server transport
     * @throws IllegalArgumentException if the address or an option is invalid
     */
    ServerTransport serverTransport(String address, Map<String, ?> options);

    /**
     * A client transport connecting to {@code address} with default options.
     *
     * @param address where the server is, in this transport's syntax
     * @return the client transport
     * @throws IllegalArgumentException if the address is invalid
     */
    default ClientTransport clientTransport(String address) {
        return clientTransport(address, Map.of());
    }

    /**
     * A server transport that will bind {@code address}, with default options.
     *
     * @param address where to listen, in this transport's syntax
     * @return the server transport
     * @throws IllegalArgumentException if the address is invalid
     */
    default ServerTransport serverTransport(String address) {
        return serverTransport(address, Map.of());
    }
}
