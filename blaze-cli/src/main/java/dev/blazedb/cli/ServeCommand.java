package dev.blazedb.cli;

import dev.blazedb.CrossAppListener;
import dev.blazedb.SyncRole;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blaze serve}: serves a database on a Unix socket or over TCP and prints the changes peers send. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Serves the database on a Unix domain socket (--socket) so that other processes on this machine can "
                    + "sync with it, or over TCP (--port) with TLS 1.3 and a token so that other machines can "
                    + "('blaze connect', BlazeTopology.connectCrossApp / connectRemote), and prints every change a "
                    + "peer sends as it arrives. Stops on Ctrl-C (or after --count changes)."
        },
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExamples:",
            "  blaze serve --db app1.blazedb --socket ~/.blazedb/sync.sock --json",
            "  blaze serve --db server.blazedb --port 8080 --token-file ~/.blazedb/token"})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Mixin
    private CrossAppSync sync;

    @Option(names = "--port", paramLabel = "N", description = "Serve over TCP on port N (0: any free port).")
    private Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "TCP: the address to listen on (default: ${DEFAULT-VALUE}, every interface).")
    private String host;

    @Option(names = "--name", paramLabel = "NAME",
            description = "TCP: the database name clients connect to (default: the file's name without extension).")
    private String name;

    @Override
    public Integer call() {
        if ((sync.socket == null) == (port == null)) {
            throw new CliException(ExitCodes.USAGE, "give either --socket PATH or --port N");
        }
        if (port != null) {
            return serveTcp();
        }
        return sync.run(database, root.environment(), spec, SyncRole.SERVER, (topology, id) -> {
            CrossAppListener listener = topology.listenCrossApp(id, sync.socket).block(CrossAppSync.TIMEOUT);
            return "serving " + database.file + " (node " + id + ") on " + listener.socketPath();
        });
    }

    private Integer serveTcp() {
        PrintWriter err = spec.commandLine().getErr();
        String token = sync.token(root.environment());
        String announced = name != null ? name : DatabaseOptions.databaseName(database.file);
        BlazeServer.Builder b = BlazeServer.builder().database(announced).host(host).port(port).tls(!sync.noTls);
        if (token != null) {
            b.authToken(token);
        } else {
            b.allowUnauthenticated();
            err.println("warning: no --token-file: any client that reaches the port may sync");
        }
        return sync.run(database, root.environment(), spec, (db, closeLater) -> {
            BlazeServer server = b.localDB(db).build();
            closeLater.accept(server);
            server.start().block(CrossAppSync.TIMEOUT);
            // Two status lines: where it serves, and how to connect.
            return "serving " + database.file + " as '" + announced + "' on " + host + ":" + server.port()
                    + (sync.noTls ? " (no TLS)" : " (TLS, SHA-256 " + server.tlsFingerprint() + ")") + System.lineSeparator()
                    + "connect with: blaze connect --db FILE HOST:" + server.port() + "/" + announced
                    + (token != null ? " --token-file FILE" : "") + (sync.noTls ? " --no-tls" : " --fingerprint " + server.tlsFingerprint());
        });
    }
}
