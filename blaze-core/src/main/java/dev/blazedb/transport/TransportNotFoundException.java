package dev.blazedb.transport;

import dev.blazedb.BlazeException;

/**
 * No {@link TransportProvider} of the requested name is on the class path; the message names the
 * Maven artifact to add.
 */
public class TransportNotFoundException extends BlazeException {

    private static final long serialVersionUID = 1L;

    private final String transportName;

    /**
     * A missing transport.
     *
     * @param transportName the name looked up
     * @param message what is missing and how to add it
     */
    public TransportNotFoundException(String transportName, String message) {
        super(message);
        this.transportName = transportName;
    }

    /**
     * The name that was looked up.
     *
     * @return the transport name
     */
    public String transportName() {
        return transportName;
    }
}
