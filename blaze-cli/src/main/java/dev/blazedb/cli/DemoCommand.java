package dev.blazedb.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code blaze demo}: a guided tour of the database in a throwaway folder. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A guided tour: creates an encrypted database in a temporary folder, writes records while "
                    + "printing the change stream, reopens it and fetches a record, shows a wrong password "
                    + "being refused, prints what happened with timings, and deletes the folder.",
            "Needs no password and no arguments."
        })
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--keep", description = "Keep the temporary folder and print where it is.")
    private boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Demo demo = new Demo(out, keep);
        demo.run(Demo.steps());
        return ExitCodes.OK;
    }
}
