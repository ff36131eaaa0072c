package dev.refinery.cli;

/** The exit codes of {@code refinery}, shown at the foot of {@code refinery --help} and in docs/cli.md. */
final class ExitCodes {

    static final int OK = 0;
    /** What the command waited for or judged ended badly: a dataset the target rejects, a job that failed or was cancelled. */
    static final int OUTCOME_FAILED = 1;
    /** The gateway refused the request (a 4xx or 5xx answer other than a refused key), or a wait ran out. */
    static final int API_ERROR = 2;
    /** The command line is wrong: an unknown command or option, a missing or malformed value. */
    static final int USAGE = 64;
    /** A file named on the command line does not exist or cannot be read. */
    static final int NO_INPUT = 66;
    /** The gateway does not answer at its address: it is not running, or the address is wrong. */
    static final int UNREACHABLE = 69;
    /** The command failed for a reason of its own: a bug, reported in one line. */
    static final int SOFTWARE = 70;
    /** No API key is configured, the key file is unsafe, or the gateway refused the key (401, or 403 for its scope). */
    static final int KEY = 77;

    static final String FOOTER = """

            Exit codes:
              0   ok
              1   the outcome is a failure: the dataset is rejected (datasets check), the job failed or was cancelled
                  (fine-tunes watch)
              2   the gateway refused the request (its problem code and detail are printed); models migrate: its job or
                  evaluation failed, or --wait ran out
              64  usage: unknown command or option (the nearest is suggested), a missing or malformed value
              66  a file named on the command line does not exist or cannot be read
              69  the gateway is not answering at --gateway / REFINERY_GATEWAY (start it: ./refinery up)
              70  an internal error (please report it)
              77  no API key, an unsafe key file, or a key the gateway refused

            Configuration:
              --gateway URL, else REFINERY_GATEWAY, else http://127.0.0.1:8080
              the API key: REFINERY_API_KEY, else the file REFINERY_API_KEY_FILE, else ~/.config/refinery/api-key
              (refinery login < KEYFILE stores one there)
            Shell completion: source <(refinery completion)""";

    private ExitCodes() {
    }
}
