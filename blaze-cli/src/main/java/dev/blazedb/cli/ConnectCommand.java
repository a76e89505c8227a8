package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.discovery.BlazeDiscovery;
import dev.blazedb.discovery.DiscoveredDatabase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code blaze connect}: syncs a local database with a BlazeServer, found by address or by
 * name over mDNS ({@code --discover}), or with the database served on a Unix socket
 * ({@code --socket}), printing the changes that arrive.
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Syncs the local database (--db) with a BlazeServer until both sides have nothing left to send, then exits.",
            "With --socket PATH instead: connects to the database served on that Unix domain socket ('blaze serve "
                    + "--socket', or BlazeTopology.listenCrossApp) and prints every change that arrives from it, the "
                    + "records it already had first, reconnecting with backoff if the server goes away; stops on "
                    + "Ctrl-C (or after --count changes).",
            "The server is HOST:PORT (with --remote-db NAME; TLS with trust on first use), or the one advertising "
                    + "database NAME on the local network (--discover NAME; its advertised TLS setting and certificate "
                    + "fingerprint are used and pinned)."
        },
        footer = {
            DatabaseOptions.PASSWORD_HELP,
            "The server's token comes from --token-file, else the environment variable named by --token-env "
                    + "(default " + ConnectCommand.DEFAULT_TOKEN_VARIABLE + ").",
            "%nExamples:",
            "  blaze connect --discover Database1 --db client.blazedb",
            "  blaze connect --db app2.blazedb --socket ~/.blazedb/sync.sock --json",
            "  blaze connect 192.168.1.20:7420 --remote-db Database1 --db client.blazedb --token-file ~/.blaze-token"
        })
final class ConnectCommand implements Callable<Integer> {

    static final String DEFAULT_TOKEN_VARIABLE = "BLAZE_TOKEN";

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Mixin
    private CrossAppSync sync;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "BIDIRECTIONAL",
            description = "With --socket: BIDIRECTIONAL (default), READ_ONLY (only receive) or WRITE_ONLY (only send).")
    private ConnectionMode mode;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST:PORT", description = "The server's address.")
    private String address;

    @Option(names = "--remote-db", paramLabel = "NAME", description = "With HOST:PORT: the name of the database the server serves.")
    private String remoteDatabase;

    @Option(names = "--no-tls", description = "With HOST:PORT: connect without TLS (frames are still sealed end to end).")
    private boolean noTls;

    @Option(names = "--discover", paramLabel = "NAME", description = "Find the server advertising database NAME over mDNS.")
    private String discover;

    @Option(names = "--interface", paramLabel = "ADDRESS",
            description = "With --discover: browse on the interface with this address (127.0.0.1: this machine only).")
    private String interfaceAddress;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the server's token from the first line of FILE.")
    private Path tokenFile;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = DEFAULT_TOKEN_VARIABLE,
            description = "Read the server's token from environment variable NAME (default: ${DEFAULT-VALUE}).")
    private String tokenVariable;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up after this many seconds for each of finding, connecting and syncing (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() {
        int targets = (address == null ? 0 : 1) + (discover == null ? 0 : 1) + (sync.socket == null ? 0 : 1);
        if (targets != 1) {
            throw new CliException(ExitCodes.USAGE, "give one of HOST:PORT, --discover NAME or --socket PATH");
        }
        if (sync.socket != null) {
            return overSocket();
        }
        if (timeoutSeconds <= 0) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        PrintWriter out = spec.commandLine().getOut();
        String token = token();
        RemoteNode remote = discover != null ? discovered(token, timeout, out) : byAddress(token);
        try (BlazeDBClient db = database.open(root.environment(), true);
                BlazeTopology topology = new BlazeTopology()) {
            long before = db.count();
            NodeId node = topology.register(db, db.name(), SyncRole.CLIENT).block(timeout);
            out.println("connecting to " + remote);
            out.flush();
            SyncConnection connection = topology.connectRemote(node, remote, new SyncPolicy()).block(timeout);
            connection.awaitIdle().block(timeout);
            out.println("synced with " + remote.database() + " at " + remote.address() + ": " + db.count() + " records here ("
                    + before + " before)");
            out.flush();
            connection.disconnect().block(timeout);
        }
        return ExitCodes.OK;
    }

    private Integer overSocket() {
        return sync.run(database, root.environment(), spec, SyncRole.CLIENT, (topology, id) -> {
            SyncConnection connection = topology.connectCrossApp(id, sync.socket, mode).block(CrossAppSync.TIMEOUT);
            return "connected " + database.file + " (node " + id + ") to node "
                    + connection.remoteNode().block(CrossAppSync.TIMEOUT) + " on " + sync.socket;
        });
    }

    private RemoteNode discovered(String token, Duration timeout, PrintWriter out) {
        try (BlazeDiscovery discovery = DiscoverCommand.open(interfaceAddress)) {
            DiscoveredDatabase found = discovery.browse()
                    .filter(d -> d.name().equals(discover) && !d.isRemoved())
                    .next()
                    .timeout(timeout, reactor.core.publisher.Mono.empty())
                    .block();
            if (found == null) {
                throw new CliException(ExitCodes.NOT_FOUND, "no BlazeDB server named " + discover + " found within "
                        + timeoutSeconds + " s");
            }
            out.println("found " + DiscoverCommand.line(found).substring(2));
            out.flush();
            return found.toRemoteNode(token);
        }
    }

    private RemoteNode byAddress(String token) {
        if (remoteDatabase == null) {
            throw new CliException(ExitCodes.USAGE, "HOST:PORT needs --remote-db NAME (or use --discover NAME)");
        }
        int colon = address.lastIndexOf(':');
        String host = colon > 0 ? address.substring(0, colon).replace("[", "").replace("]", "") : "";
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new CliException(ExitCodes.USAGE, "not HOST:PORT: " + address);
        }
        return RemoteNode.builder(host, port, remoteDatabase).useTLS(!noTls).authToken(token).build();
    }

    /** The token from --token-file, else the environment; null when neither gives one. */
    private String token() {
        if (tokenFile != null) {
            char[] chars = DatabaseOptions.readPasswordFile(tokenFile);
            return new String(chars);
        }
        return root.environment().variable(tokenVariable).filter(v -> !v.isEmpty()).orElse(null);
    }
}
