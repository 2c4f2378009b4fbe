package org.vxdb.cli;

/**
 * A user error: bad input, an unknown collection, a cluster that does not answer. The command line
 * prints its message as one line on stderr (no stack trace) and exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code of a command that failed for a reason the user can fix. */
    public static final int FAILED = 1;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
