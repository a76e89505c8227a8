package dev.blazedb.cli;

import dev.blazedb.ConnectionMode;
import dev.blazedb.SyncConnection;
import dev.blazedb.RemoteNode;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.discovery.BlazeDiscovery;
import dev.blazedb.discovery.DiscoveredDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import reactor.core.publisher.Mono;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code blaze connect}: syncs a database with the one served on a Unix socket, over TCP, or by a
 * server found by name over mDNS, printing the changes that arrive.
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connects the database to the one served on a Unix domain socket (--socket) or over TCP "
                    + "(HOST:PORT/DATABASE, 'blaze serve --port', a BlazeServer) and prints every change that arrives "
                    + "from it, the records it already had first. Reconnects with backoff if the server goes away. "
                    + "Stops on Ctrl-C (or after --count changes). Over TCP with TLS the server's certificate is "
                    + "pinned with --fingerprint, or else trusted on first use and remembered beside the database. "
                    + "With --discover NAME the server advertising database NAME over mDNS is found first; its "
                    + "advertised TLS setting is used and its advertised certificate fingerprint pinned."
        },
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExamples:",
            "  blaze connect --db app2.blazedb --socket ~/.blazedb/sync.sock --json",
            "  blaze connect --db client.blazedb db.example.com:8080/server --token-file ~/.blazedb/token",
            "  blaze connect --db client.blazedb --discover Database1 --token-file ~/.blazedb/token"})
final class ConnectCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Mixin
    private CrossAppSync sync;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "BIDIRECTIONAL",
            description = "BIDIRECTIONAL (default), READ_ONLY (only receive) or WRITE_ONLY (only send).")
    private ConnectionMode mode;

    @Parameters(paramLabel = "HOST:PORT[/DATABASE]", arity = "0..1",
            description = "TCP: the server, and the name it serves (default: --remote-db).")
    private String address;

    @Option(names = "--remote-db", paramLabel = "NAME", description = "TCP: the name of the database the server serves.")
    private String remoteDb;

    @Option(names = "--fingerprint", paramLabel = "SHA256", description = "TCP: pin the server's certificate (as serve prints it).")
    private String fingerprint;

    @Option(names = "--discover", paramLabel = "NAME", description = "Find the server advertising database NAME over mDNS.")
    private String discover;

    @Option(names = "--interface", paramLabel = "ADDRESS",
            description = "With --discover: browse on the interface with this address (127.0.0.1: this machine only).")
    private String interfaceAddress;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "With --discover: give up after this many seconds (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() {
        int targets = (sync.socket == null ? 0 : 1) + (address == null ? 0 : 1) + (discover == null ? 0 : 1);
        if (targets != 1) {
            throw new CliException(ExitCodes.USAGE, "give one of --socket PATH, HOST:PORT/DATABASE or --discover NAME");
        }
        if (timeoutSeconds <= 0) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        }
        RemoteNode remote = discover != null ? discovered() : address == null ? null : remote();
        return sync.run(database, root.environment(), spec, SyncRole.CLIENT, (topology, id) -> {
            SyncConnection connection = remote != null
                    ? topology.connectRemote(id, remote, SyncPolicy.of(mode)).block(CrossAppSync.TIMEOUT)
                    : topology.connectCrossApp(id, sync.socket, mode).block(CrossAppSync.TIMEOUT);
            return "connected " + database.file + " (node " + id + ") to node "
                    + connection.remoteNode().block(CrossAppSync.TIMEOUT) + " on " + (remote != null ? remote : sync.socket);
        });
    }

    private RemoteNode remote() {
        String hostPort = address;
        String db = remoteDb;
        int slash = address.indexOf('/');
        if (slash >= 0) {
            hostPort = address.substring(0, slash);
            db = address.substring(slash + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || db == null || db.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "expected HOST:PORT/DATABASE (or HOST:PORT with --remote-db): " + address);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "not a port in " + address);
        }
        try {
            RemoteNode.Builder b = RemoteNode.builder(hostPort.substring(0, colon), port, db)
                    .useTLS(!sync.noTls).authToken(sync.token(root.environment()));
            if (fingerprint != null) {
                b.pinnedFingerprint(fingerprint);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private RemoteNode discovered() {
        PrintWriter err = spec.commandLine().getErr();
        try (BlazeDiscovery discovery = DiscoverCommand.open(interfaceAddress)) {
            DiscoveredDatabase found = discovery.browse()
                    .filter(d -> d.name().equals(discover) && !d.isRemoved())
                    .next()
                    .timeout(Duration.ofSeconds(timeoutSeconds), Mono.empty())
                    .block();
            if (found == null) {
                throw new CliException(ExitCodes.NOT_FOUND, "no BlazeDB server named " + discover + " found within "
                        + timeoutSeconds + " s");
            }
            err.println("found " + DiscoverCommand.line(found).substring(2));
            err.flush();
            return found.toRemoteNode(sync.token(root.environment()));
        }
    }
}
