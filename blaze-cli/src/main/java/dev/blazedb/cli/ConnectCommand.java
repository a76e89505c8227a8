package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ConnectionMode;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncRole;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blaze connect}: syncs a database with the one served on a Unix socket, printing changes. */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connects the database to the one served on a Unix domain socket ('blaze serve', or "
                    + "BlazeTopology.listenCrossApp) and prints every change that arrives from it, the records it "
                    + "already had first. Reconnects with backoff if the server goes away. Stops on Ctrl-C "
                    + "(or after --count changes)."
        },
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExample:",
            "  blaze connect --db app2.blazedb --socket ~/.blazedb/sync.sock --json"})
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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlazeDBClient db = database.open(root.environment(), true);
        BlazeTopology topology = new BlazeTopology();
        try {
            NodeId id = topology.register(db, DatabaseOptions.databaseName(database.file), SyncRole.CLIENT)
                    .block(CrossAppSync.TIMEOUT);
            SyncConnection connection = topology.connectCrossApp(id, sync.socket, mode).block(CrossAppSync.TIMEOUT);
            err.println("connected " + database.file + " (node " + id + ") to node "
                    + connection.remoteNode().block(CrossAppSync.TIMEOUT) + " on " + sync.socket);
            err.flush();
        } catch (RuntimeException e) {
            topology.close();
            db.close();
            throw e;
        }
        sync.printChanges(db, topology, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
