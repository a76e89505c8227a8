package dev.blazedb.cli;

import dev.blazedb.BlazeCollection;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.InvalidPasswordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every database command shares: the file, the collection and where the password
 * comes from. There is deliberately no option that takes the password itself: command lines end
 * up in shell histories and process listings.
 */
final class DatabaseOptions {

    /** The environment variable read when no other password source is given. */
    static final String DEFAULT_PASSWORD_VARIABLE = "BLAZE_PASSWORD";

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The database file.")
    Path file;

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", defaultValue = "default",
            description = "The collection (default: ${DEFAULT-VALUE}).")
    String collection;

    @Option(names = "--password-env", paramLabel = "NAME",
            description = "Read the password from environment variable NAME.")
    String passwordVariable;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE.")
    Path passwordFile;

    /** The footer each database command shows: where the password comes from. */
    static final String PASSWORD_HELP = "%nThe password comes from --password-file, else --password-env, else the "
            + DEFAULT_PASSWORD_VARIABLE + " environment variable when it is set, else a prompt on the terminal "
            + "(without echo). It is never taken from the command line itself.";

    /**
     * Opens the database.
     *
     * @param create whether a missing file is created; when not, a missing file fails with
     *     {@link ExitCodes#NOT_FOUND}
     */
    BlazeDBClient open(CliEnvironment environment, boolean create) {
        boolean exists = Files.exists(file);
        if (!exists && !create) {
            throw new CliException(ExitCodes.NOT_FOUND, "no database at " + file);
        }
        char[] password = password(environment, !exists);
        try {
            return BlazeDBClient.open(databaseName(file), file, password);
        } catch (InvalidPasswordException e) {
            throw new CliException(ExitCodes.WRONG_PASSWORD, exists
                    ? "wrong password for " + file + " (the database was not changed)"
                    : "password refused for new database " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The selected collection of {@code db}. */
    BlazeCollection collection(BlazeDBClient db) {
        try {
            return db.collection(collection);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "invalid --collection: " + e.getMessage());
        }
    }

    /** The database's name: its file name without the extension. */
    static String databaseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The password from the first source given, as the class comment orders them. */
    char[] password(CliEnvironment environment, boolean creating) {
        if (passwordFile != null && passwordVariable != null) {
            throw new CliException(ExitCodes.USAGE, "give either --password-file or --password-env, not both");
        }
        if (passwordFile != null) {
            return readPasswordFile(passwordFile);
        }
        if (passwordVariable != null) {
            String value = environment.variable(passwordVariable)
                    .orElseThrow(() -> new CliException(ExitCodes.USAGE,
                            "environment variable " + passwordVariable + " is not set"));
            if (value.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "environment variable " + passwordVariable + " is empty");
            }
            return value.toCharArray();
        }
        Optional<String> fallback = environment.variable(DEFAULT_PASSWORD_VARIABLE).filter(v -> !v.isEmpty());
        if (fallback.isPresent()) {
            return fallback.get().toCharArray();
        }
        return prompt(environment, creating);
    }

    private char[] prompt(CliEnvironment environment, boolean creating) {
        String noTerminal = "no password: use --password-file FILE or --password-env NAME, set "
                + DEFAULT_PASSWORD_VARIABLE + ", or run in a terminal to be prompted";
        char[] password = environment.readPassword(
                        (creating ? "New password for " : "Password for ") + file.getFileName() + ": ")
                .orElseThrow(() -> new CliException(ExitCodes.USAGE, noTerminal));
        if (password.length == 0) {
            throw new CliException(ExitCodes.USAGE, "empty password");
        }
        if (creating) {
            char[] again = environment.readPassword("Repeat the password: ")
                    .orElseThrow(() -> new CliException(ExitCodes.USAGE, noTerminal));
            boolean same = Arrays.equals(password, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(password, '\0');
                throw new CliException(ExitCodes.USAGE, "the passwords do not match");
            }
        }
        return password;
    }

    /** The first line of {@code path} (UTF-8), without its line ending. */
    static char[] readPasswordFile(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "password file " + path + " does not exist");
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read password file " + path + ": " + e.getMessage());
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCodes.USAGE, "password file " + path + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        int end = 0;
        while (end < chars.length() && chars.charAt(end) != '\n' && chars.charAt(end) != '\r') {
            end++;
        }
        char[] password = new char[end];
        chars.get(password, 0, end);
        chars.clear();
        while (chars.hasRemaining()) {
            chars.put('\0');
        }
        if (password.length == 0) {
            throw new CliException(ExitCodes.USAGE, "password file " + path + " is empty");
        }
        return password;
    }
}
