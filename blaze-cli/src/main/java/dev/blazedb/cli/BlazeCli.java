package dev.blazedb.cli;

import dev.blazedb.BlazeException;
import java.io.PrintWriter;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code blaze} command: the root of the subcommands, and the program's entry point. */
@Command(
        name = "blaze",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "BlazeDB Sync: an embedded, encrypted document database for the JVM.",
            "Try 'blaze demo' for a guided tour, or 'blaze COMMAND --help'."
        },
        footer = {
            "%nExamples:",
            "  blaze demo",
            "  blaze put --db notes.blazedb title=Hello stars=5 due=2030-06-01",
            "  blaze list --db notes.blazedb --password-file ~/.notes-password",
            "  blaze serve --db app1.blazedb --socket ~/.blazedb/sync.sock",
            "  blaze connect --db app2.blazedb --socket ~/.blazedb/sync.sock --json"
        },
        subcommands = {DemoCommand.class, PutCommand.class, GetCommand.class, ListCommand.class,
                ServeCommand.class, ConnectCommand.class, CommandLine.HelpCommand.class})
public final class BlazeCli implements Runnable {

    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace too.")
    private boolean stackTrace;

    /** A root command reading from {@code environment}. */
    public BlazeCli(CliEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** Runs {@code blaze} with {@code args} and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    /** The configured command line, ready to {@link CommandLine#execute execute}. */
    public static CommandLine commandLine(CliEnvironment environment) {
        CommandLine commandLine = new CommandLine(new BlazeCli(environment));
        commandLine.setExecutionExceptionHandler(BlazeCli::handleFailure);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        addExitCodes(commandLine);
        return commandLine;
    }

    private static void addExitCodes(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.helpList());
        commandLine.getSubcommands().values().forEach(BlazeCli::addExitCodes);
    }

    /** The environment the commands read. */
    CliEnvironment environment() {
        return environment;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: demo, put, get, list, serve or connect");
    }

    private static int handleFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int exitCode;
        if (failure instanceof CliException cli) {
            err.println("blaze: " + cli.getMessage());
            exitCode = cli.exitCode();
        } else if (failure instanceof BlazeException blaze) {
            err.println("blaze: " + describe(blaze));
            exitCode = ExitCodes.FAILED;
        } else {
            err.println("blaze: unexpected error: " + describe(failure));
            exitCode = ExitCodes.FAILED;
        }
        boolean wantsTrace = parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--stacktrace"))
                || parseResult.hasMatchedOption("--stacktrace");
        if (wantsTrace) {
            failure.printStackTrace(err);
        } else if (!(failure instanceof CliException)) {
            err.println("(run with --stacktrace for details)");
        }
        err.flush();
        return exitCode;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
