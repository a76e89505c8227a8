package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.CrossAppListener;
import dev.blazedb.NodeId;
import dev.blazedb.SyncRole;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blaze serve}: serves a database on a Unix socket and prints the changes peers send. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Serves the database on a Unix domain socket so that other processes on this machine can sync "
                    + "with it ('blaze connect', or BlazeTopology.connectCrossApp), and prints every change a "
                    + "peer sends as it arrives. Stops on Ctrl-C (or after --count changes) and removes the socket."
        },
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExample:",
            "  blaze serve --db app1.blazedb --socket ~/.blazedb/sync.sock --json"})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Mixin
    private CrossAppSync sync;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlazeDBClient db = database.open(root.environment(), true);
        BlazeTopology topology = new BlazeTopology();
        try {
            NodeId id = topology.register(db, DatabaseOptions.databaseName(database.file), SyncRole.SERVER)
                    .block(CrossAppSync.TIMEOUT);
            CrossAppListener listener = topology.listenCrossApp(id, sync.socket).block(CrossAppSync.TIMEOUT);
            err.println("serving " + database.file + " (node " + id + ") on " + listener.socketPath());
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
