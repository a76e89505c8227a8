package dev.blazedb.cli;

/** A failure the CLI reports with a one-line message and an exit code, without a stack trace. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code, one of {@link ExitCodes}. */
    int exitCode() {
        return exitCode;
    }
}
