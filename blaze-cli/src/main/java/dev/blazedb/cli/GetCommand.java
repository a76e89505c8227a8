package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.data.BlazeDataRecord;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code blaze get}: prints one record as JSON. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Prints the record with id ID as JSON (dates and UUIDs as strings, binary data as base64).",
        footer = {DatabaseOptions.PASSWORD_HELP, "%nExample:", "  blaze get --db notes.blazedb --pretty 123e4567-e89b-12d3-a456-426614174000"})
final class GetCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Option(names = "--pretty", description = "Indent the JSON.")
    private boolean pretty;

    @Parameters(paramLabel = "ID", description = "The record's id (a UUID).")
    private UUID id;

    @Override
    public Integer call() {
        try (BlazeDBClient db = database.open(root.environment(), false)) {
            Optional<BlazeDataRecord> record = database.collection(db).fetch(id);
            if (record.isEmpty()) {
                throw new CliException(ExitCodes.NOT_FOUND,
                        "no record " + id + " in collection '" + database.collection + "' of " + database.file);
            }
            spec.commandLine().getOut().println(pretty ? Json.writePretty(record.get()) : Json.write(record.get()));
        }
        return ExitCodes.OK;
    }
}
