package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.data.BlazeDataRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code blaze list}: prints every record of a collection, one JSON object per line. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Prints every record of the collection as JSON, one record per line.",
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExample:", "  blaze list --db notes.blazedb --password-file ~/.blaze-pw"})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (BlazeDBClient db = database.open(root.environment(), false)) {
            for (BlazeDataRecord record : database.collection(db).fetchAll()) {
                out.println(Json.write(record));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
