package dev.blazedb;

/**
 * A node served on a Unix domain socket by {@link BlazeTopology#listenCrossApp}, for other
 * processes on the same machine to connect to with {@link BlazeTopology#connectCrossApp}.
 * {@link #dispose()} stops listening, closes the accepted connections and removes the socket file.
 */
public interface CrossAppListener extends SyncListener {

    /**
     * The socket file this node is served on.
     *
     * @return the absolute path of the socket
     */
    String socketPath();
}
