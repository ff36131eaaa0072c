package dev.refinery.datasets.tokens;

/**
 * A tokenizer spec that cannot be resolved: unknown scheme, a missing or unreadable tokenizer file, a
 * model folder without a tokenizer. Callers may fall back to {@link TokenCounters#estimate}, which
 * labels its counts as an estimate.
 */
public final class TokenizerUnavailableException extends RuntimeException {

    public static final String CODE = "TOKENIZER_UNAVAILABLE";

    private final String spec;

    public TokenizerUnavailableException(String spec, String message) {
        super(message);
        this.spec = spec;
    }

    public TokenizerUnavailableException(String spec, String message, Throwable cause) {
        super(message, cause);
        this.spec = spec;
    }

    public String code() {
        return CODE;
    }

    /** The spec as given, e.g. {@code engine:stories260K}. */
    public String spec() {
        return spec;
    }
}
