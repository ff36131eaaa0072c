package dev.refinery.cli;

/** Ends a command with this exit code and a one-line message (see {@link ExitCodes}). */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
