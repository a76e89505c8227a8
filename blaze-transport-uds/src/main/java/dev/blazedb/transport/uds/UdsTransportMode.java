package dev.blazedb.transport.uds;

import io.netty.channel.epoll.Epoll;

/**
 * Which of Netty's I/O paths a Unix socket transport runs on. The address type follows the path:
 * Netty's {@code DomainSocketAddress} on epoll, the JDK's {@link java.net.UnixDomainSocketAddress}
 * on NIO (mixing them fails at bind).
 */
public enum UdsTransportMode {

    /** Epoll when {@link Epoll#isAvailable()} (Linux with the native library), NIO otherwise. */
    AUTO,

    /** Netty's native epoll transport; fails if it is not available. Gives peer pids and uids. */
    EPOLL,

    /** Java NIO with the JDK's Unix domain sockets (JDK 16+); the peer is known by user name. */
    NIO;

    /**
     * Whether this mode runs on epoll here.
     *
     * @return true for epoll, false for NIO
     * @throws IllegalStateException for {@link #EPOLL} when epoll is not available
     */
    boolean useEpoll() {
        switch (this) {
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("the epoll transport is not available here: "
                            + Epoll.unavailabilityCause(), Epoll.unavailabilityCause());
                }
                return true;
            case NIO:
                return false;
            default:
                return Epoll.isAvailable();
        }
    }
}
