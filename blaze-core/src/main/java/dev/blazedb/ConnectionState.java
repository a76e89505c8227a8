package dev.blazedb;

/** The state of a {@link SyncConnection}, as {@link SyncConnection#states()} reports it. */
public enum ConnectionState {
    /** Opening the transport connection. */
    CONNECTING,
    /** Connected; exchanging HELLO messages. */
    HANDSHAKING,
    /** Changes are being sent or received, or acknowledgements are outstanding. */
    SYNCING,
    /** Connected, with nothing to send and nothing unacknowledged. */
    IDLE,
    /** The transport failed; waiting for the backoff before connecting again. */
    RECONNECTING,
    /** Closed on purpose (by {@code disconnect()}, {@code dispose()} or the peer); final. */
    CLOSED,
    /** Failed for good (a protocol error, an incompatible or wrong peer, a closed database); final. */
    FAILED;

    /** Whether the state is final. */
    public boolean isTerminal() {
        return this == CLOSED || this == FAILED;
    }
}
