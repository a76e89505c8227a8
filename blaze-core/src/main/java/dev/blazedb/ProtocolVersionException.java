package dev.blazedb;

/**
 * The peer speaks another version of the sync protocol; both sides report this error and close.
 */
public class ProtocolVersionException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final int localVersion;
    private final int remoteVersion;

    /**
     * Creates the exception.
     *
     * @param localVersion  the version this side speaks
     * @param remoteVersion the version the peer announced
     */
    public ProtocolVersionException(int localVersion, int remoteVersion) {
        super("incompatible sync protocol: this side speaks version " + localVersion + ", the peer version "
                + remoteVersion + "; upgrade the older side");
        this.localVersion = localVersion;
        this.remoteVersion = remoteVersion;
    }

    /** Creates the exception with a message from the peer. */
    public ProtocolVersionException(int localVersion, int remoteVersion, String message) {
        super(message);
        this.localVersion = localVersion;
        this.remoteVersion = remoteVersion;
    }

    /** The version this side speaks. */
    public int localVersion() {
        return localVersion;
    }

    /** The version the peer announced (0 when unknown). */
    public int remoteVersion() {
        return remoteVersion;
    }
}
