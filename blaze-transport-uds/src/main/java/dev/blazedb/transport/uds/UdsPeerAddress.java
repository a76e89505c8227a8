package dev.blazedb.transport.uds;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The far end of a Unix socket connection: the socket path and who is on the other side, as the
 * kernel reports it (peer credentials). Unix socket clients are unnamed, so the path is the
 * listener's socket on both ends.
 */
public final class UdsPeerAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    /** A uid or pid the kernel did not report (the NIO path knows only the user's name). */
    public static final long UNKNOWN = -1;

    private final String path;
    private final long pid;
    private final long uid;
    private final String user;

    UdsPeerAddress(Path path, long pid, long uid, String user) {
        this.path = path.toString();
        this.pid = pid;
        this.uid = uid;
        this.user = user;
    }

    /**
     * The socket path.
     *
     * @return the path of the listener's socket file
     */
    public Path path() {
        return Path.of(path);
    }

    /**
     * The peer process's id.
     *
     * @return the pid, or {@link #UNKNOWN}
     */
    public long pid() {
        return pid;
    }

    /**
     * The peer process's user id.
     *
     * @return the uid, or {@link #UNKNOWN}
     */
    public long uid() {
        return uid;
    }

    /**
     * The peer process's user name, when known.
     *
     * @return the name, or null
     */
    public String user() {
        return user;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof UdsPeerAddress)) {
            return false;
        }
        UdsPeerAddress that = (UdsPeerAddress) other;
        return path.equals(that.path) && pid == that.pid && uid == that.uid && Objects.equals(user, that.user);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, pid, uid, user);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("unix:").append(path).append(" (");
        if (pid != UNKNOWN) {
            text.append("pid ").append(pid).append(", ");
        }
        if (uid != UNKNOWN) {
            text.append("uid ").append(uid);
        } else {
            text.append("user ").append(user);
        }
        return text.append(')').toString();
    }
}
