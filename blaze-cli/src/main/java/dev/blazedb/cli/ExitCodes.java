package dev.blazedb.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of the {@code blaze} command, listed in every command's {@code --help}. */
final class ExitCodes {

    /** The command did what it was asked. */
    static final int OK = 0;
    /** The database could not be opened, read or written (damaged, locked, I/O error, ...). */
    static final int FAILED = 1;
    /** The arguments were wrong, or no password was given. */
    static final int USAGE = 2;
    /** The password does not open the database; nothing was changed. */
    static final int WRONG_PASSWORD = 3;
    /** The database file or the record does not exist, or no server was discovered. */
    static final int NOT_FOUND = 4;

    private ExitCodes() {
    }

    /** The list picocli shows under "Exit codes:". */
    static Map<String, String> helpList() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("" + OK, "success");
        codes.put("" + FAILED, "the database could not be opened, read or written (damaged, locked, I/O error)");
        codes.put("" + USAGE, "invalid arguments, or no password given");
        codes.put("" + WRONG_PASSWORD, "wrong password (the database is left untouched)");
        codes.put("" + NOT_FOUND, "no such database file or record, or no server discovered");
        return codes;
    }
}
