package dev.blazedb.discovery;

import dev.blazedb.BlazeException;

/**
 * A discovery failure: the network interface cannot carry mDNS (no multicast, down, not on this
 * machine), jmDNS failed to start or to register a service, or the discovery is closed.
 */
public class DiscoveryException extends BlazeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public DiscoveryException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
