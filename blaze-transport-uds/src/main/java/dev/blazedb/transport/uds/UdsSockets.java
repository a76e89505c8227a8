package dev.blazedb.transport.uds;

import com.sun.security.auth.module.UnixSystem;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.TransportException;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-system and credential side of Unix sockets: the private directory, stale socket files,
 * who is on the other end and whether they may be. Everything here that touches files is blocking
 * and runs on a bounded-elastic thread (bind, shutdown); the credential checks are single
 * {@code getsockopt} calls and run on the event loop.
 */
final class UdsSockets {

    private static final Logger LOG = LoggerFactory.getLogger(UdsSockets.class);

    /** {@code sizeof(sockaddr_un.sun_path) - 1} on Linux: the longest path a Unix socket can bind. */
    static final int MAX_PATH_BYTES = 107;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private UdsSockets() {
    }

    /** The effective user id of this process. */
    static long ownUid() {
        return new UnixSystem().getUid();
    }

    /** The user name of this process. */
    static String ownUser() {
        return new UnixSystem().getUsername();
    }

    static SocketAddress address(Path path, boolean epoll) {
        return epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }

    static Path normalize(String socketPath) {
        if (socketPath == null || socketPath.isEmpty()) {
            throw new IllegalArgumentException("a Unix socket path must not be empty");
        }
        Path path = Path.of(socketPath).toAbsolutePath().normalize();
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("the Unix socket path " + path + " is " + bytes
                    + " bytes long; the kernel allows at most " + MAX_PATH_BYTES);
        }
        if (path.getParent() == null) {
            throw new IllegalArgumentException("a Unix socket path needs a directory: " + socketPath);
        }
        return path;
    }

    // ------------------------------------------------------------------ the directory

    /**
     * Makes sure the socket's directory exists and only its owner (this process's user) may enter
     * it: creates it with {@code rwx------} when missing (one level: a missing parent is an error,
     * not something to create), or checks an existing one.
     */
    static void prepareDirectory(Path socket, boolean requirePrivate) {
        Path dir = socket.getParent();
        if (!Files.exists(dir)) {
            Path parent = dir.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new TransportException("cannot create the Unix socket " + socket + ": its directory " + dir
                        + " does not exist, and neither does its parent " + parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                LOG.debug("created private directory {} for Unix socket {}", dir, socket);
            } catch (FileAlreadyExistsException raced) {
                // Someone created it meanwhile: checked below like any existing directory.
            } catch (IOException | UnsupportedOperationException e) {
                throw new TransportException("cannot create the directory " + dir + " for the Unix socket " + socket
                        + ": " + e, e);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new TransportException("cannot create the Unix socket " + socket + ": " + dir + " is not a directory");
        }
        if (!requirePrivate) {
            return;
        }
        try {
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
            long owner = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            long self = ownUid();
            if (owner != self) {
                throw new TransportException("the directory " + dir + " of the Unix socket " + socket
                        + " belongs to uid " + owner + " (" + attributes.owner().getName()
                        + "), not to this process's user (uid " + self + "): put the socket in a directory only you can enter");
            }
            Set<PosixFilePermission> open = new HashSet<>(attributes.permissions());
            open.removeAll(OWNER_ONLY);
            if (!open.isEmpty()) {
                throw new TransportException("the directory " + dir + " of the Unix socket " + socket
                        + " is open to other users (" + PosixFilePermissions.toString(attributes.permissions())
                        + "): use a directory only its owner can enter (chmod 700, or let the listener create it)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new TransportException("cannot check the directory " + dir + " of the Unix socket " + socket + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------ stale sockets

    /**
     * Clears the way for binding {@code socket}: nothing there is fine; a socket file nobody
     * listens on (left by a killed process) is deleted; a live listener is never disturbed (a
     * clear error); anything that is not a socket is never deleted (a clear error).
     */
    static void clearStaleSocket(Path socket) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        } catch (IOException e) {
            throw new TransportException("cannot inspect " + socket + " before listening on it: " + e, e);
        }
        if (!attributes.isOther()) {
            throw new TransportException("cannot listen on " + socket + ": a " + (attributes.isDirectory() ? "directory"
                    : attributes.isSymbolicLink() ? "symbolic link" : "file") + " that is not a Unix socket is in the way");
        }
        if (isLive(socket)) {
            throw new TransportException("another process is already listening on the Unix socket " + socket
                    + "; refusing to take it over (stop that listener, or use another path)");
        }
        try {
            Files.deleteIfExists(socket);
            LOG.info("replaced the stale Unix socket file {} (nobody was listening on it)", socket);
        } catch (IOException e) {
            throw new TransportException("cannot remove the stale Unix socket file " + socket + ": " + e, e);
        }
    }

    /** Whether a listener accepts connections on {@code socket} (a probe connection, closed at once). */
    static boolean isLive(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** Deletes the socket file if it is still the one {@code fileKey} identifies (not a successor's). */
    static void removeSocketFile(Path socket, Object fileKey) {
        try {
            Object current = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (fileKey == null || fileKey.equals(current)) {
                Files.deleteIfExists(socket);
                LOG.debug("removed Unix socket file {}", socket);
            }
        } catch (NoSuchFileException gone) {
            // Already removed (epoll's server channel unlinks its path on close).
        } catch (IOException e) {
            LOG.warn("could not remove the Unix socket file {}: {}", socket, e.toString());
        }
    }

    static Object fileKey(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new TransportException("cannot read the Unix socket file " + socket + " just bound: " + e, e);
        }
    }

    // ------------------------------------------------------------------ peers

    /**
     * Who is at the other end of {@code channel}: pid and uid on epoll, the user's name on NIO
     * (the JDK's {@code SO_PEERCRED} gives principals, not numbers).
     */
    static UdsPeerAddress peerOf(Channel channel, Path socket) {
        try {
            if (channel instanceof EpollDomainSocketChannel) {
                PeerCredentials credentials = ((EpollDomainSocketChannel) channel).peerCredentials();
                return new UdsPeerAddress(socket, credentials.pid(), credentials.uid(), null);
            }
            UnixDomainPrincipal principal = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            return new UdsPeerAddress(socket, UdsPeerAddress.UNKNOWN, UdsPeerAddress.UNKNOWN,
                    principal == null ? null : principal.user().getName());
        } catch (IOException | RuntimeException e) {
            throw new TransportException("cannot read the peer credentials of a connection on " + socket + ": " + e, e);
        }
    }

    /** Who may be at the other end: this process's user and an allow-list of other uids. */
    static final class PeerPolicy {
        private final long ownUid;
        private final Set<Long> allowedUids;
        private final Set<String> allowedUsers;

        PeerPolicy(Collection<Long> extraUids) {
            this.ownUid = ownUid();
            this.allowedUids = new TreeSet<>(extraUids);
            this.allowedUids.add(ownUid);
            this.allowedUsers = new HashSet<>();
            this.allowedUsers.add(ownUser());
            if (!extraUids.isEmpty()) {
                this.allowedUsers.addAll(userNames(extraUids));
            }
        }

        /** Null when {@code peer} may connect, otherwise why not. */
        String refusal(UdsPeerAddress peer) {
            if (peer.uid() != UdsPeerAddress.UNKNOWN) {
                return allowedUids.contains(peer.uid()) ? null
                        : "uid " + peer.uid() + (peer.pid() == UdsPeerAddress.UNKNOWN ? "" : " (pid " + peer.pid() + ")")
                                + " is not allowed on " + peer.path() + ": this process runs as uid " + ownUid
                                + " and admits uids " + allowedUids;
            }
            if (peer.user() == null) {
                return "the peer on " + peer.path() + " has no credentials";
            }
            return allowedUsers.contains(peer.user()) ? null
                    : "user " + peer.user() + " is not allowed on " + peer.path() + ": admitted users " + allowedUsers;
        }

        /**
         * The names of {@code uids}, from {@code /etc/passwd}, for the NIO path, which reports
         * peers by name.
         */
        private static Set<String> userNames(Collection<Long> uids) {
            Set<String> names = new HashSet<>();
            try {
                for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                    String[] fields = line.split(":", -1);
                    if (fields.length > 2 && fields[2].matches("[0-9]+") && uids.contains(Long.parseLong(fields[2]))) {
                        names.add(fields[0]);
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot read /etc/passwd to name the allowed uids {}: {}", uids, e.toString());
            }
            return names;
        }
    }

    // ------------------------------------------------------------------ errors

    /** What a failed connect means, for someone reading a log: refused or missing is "nobody listens". */
    static TransportException connectFailure(Path socket, Throwable error) {
        String text = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (error instanceof java.net.ConnectException || text.contains("refused") || text.contains("no such file")
                || error instanceof NoSuchFileException || error instanceof java.io.FileNotFoundException) {
            return new ConnectionRefusedException("nobody is listening on the Unix socket " + socket + " ("
                    + error.getMessage() + ")", error);
        }
        return new TransportException("cannot connect to the Unix socket " + socket + ": " + error, error);
    }
}
