package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blaze put}: inserts one record and prints its id. */
@Command(
        name = "put",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Inserts a record into the database (created when missing) and prints its id.",
            "Values are typed: null, true/false, ints, doubles (1.5, 1e3, NaN), UUIDs and ISO-8601 dates "
                    + "(2024-05-01, 2024-05-01T10:15:30Z; without an offset taken as UTC) become those types, "
                    + "anything else a string; a value in double quotes is always a string: zip='\"01234\"'. "
                    + "A field named id holding a UUID becomes the record's id."
        },
        footer = {
            DatabaseOptions.PASSWORD_HELP,
            "%nExamples:",
            "  blaze put --db notes.blazedb title=Hello stars=5 due=2024-06-01",
            "  blaze put --db notes.blazedb --json '{\"title\": \"Hello\", \"tags\": [\"a\", \"b\"]}'"
        })
final class PutCommand implements Callable<Integer> {

    @ParentCommand
    private BlazeCli root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatabaseOptions database;

    @Option(names = "--json", paramLabel = "OBJECT",
            description = "The record as a JSON object; FIELD=VALUE arguments are added to it.")
    private String json;

    @Parameters(paramLabel = "FIELD=VALUE", arity = "0..*", description = "A field of the record.")
    private List<String> assignments = new ArrayList<>();

    @Override
    public Integer call() {
        BlazeDataRecord record = record();
        try (BlazeDBClient db = database.open(root.environment(), true)) {
            UUID id = database.collection(db).insert(record);
            spec.commandLine().getOut().println(id);
        }
        return ExitCodes.OK;
    }

    private BlazeDataRecord record() {
        Map<String, BlazeValue> fields = new TreeMap<>();
        if (json != null) {
            try {
                fields.putAll(Json.readRecord(json).fields());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "invalid --json: " + e.getMessage());
            }
        }
        for (String assignment : assignments) {
            try {
                Map.Entry<String, BlazeValue> field = ValueParser.assignment(assignment);
                fields.put(field.getKey(), field.getValue());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (fields.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "nothing to put: give FIELD=VALUE arguments or --json");
        }
        return BlazeDataRecord.of(fields);
    }
}
