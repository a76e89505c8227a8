package dev.blazedb.cli;

import java.io.Console;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands read from outside the arguments: environment variables and a terminal to
 * prompt for a password on. Tests pass their own.
 */
public interface CliEnvironment {

    /** The value of environment variable {@code name}, when it is set. */
    Optional<String> variable(String name);

    /**
     * The password typed at the terminal after {@code prompt}, without echo; empty when there is
     * no terminal to prompt on.
     */
    Optional<char[]> readPassword(String prompt);

    /** The process's own environment and console. */
    static CliEnvironment system() {
        return new CliEnvironment() {
            @Override
            public Optional<String> variable(String name) {
                return Optional.ofNullable(System.getenv(name));
            }

            @Override
            public Optional<char[]> readPassword(String prompt) {
                Console console = System.console();
                return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", prompt));
            }
        };
    }

    /** Fixed environment variables and no terminal. */
    static CliEnvironment of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return new CliEnvironment() {
            @Override
            public Optional<String> variable(String name) {
                return Optional.ofNullable(copy.get(name));
            }

            @Override
            public Optional<char[]> readPassword(String prompt) {
                return Optional.empty();
            }
        };
    }
}
