package dev.refinery.localstack;

/**
 * A local server could not be started or stopped. The code is stable (scripts and tests may match
 * on it); the message says what to look at, usually the tail of the component's log.
 */
public final class LocalStackException extends RuntimeException {

    private final String code;

    public LocalStackException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public LocalStackException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
