package dev.refinery.providers.spi;

/** The stable codes of {@link ProviderException}; callers branch on these, never on messages. */
public enum ErrorCode {
    /** 401, or 403 because the key is wrong. Not retryable: a person must fix the key. */
    PROVIDER_AUTH_FAILED(false),
    /** 429 after every retry. */
    PROVIDER_RATE_LIMITED(true),
    /** 5xx, timeouts or connection failures after every retry. */
    PROVIDER_UNAVAILABLE(true),
    /** A 4xx other than the above: the provider refused the request and said why. */
    PROVIDER_REJECTED(false),
    /** 404: the job, file or model does not exist for this key. */
    PROVIDER_NOT_FOUND(false),
    /** A 2xx whose body we could not read, or that lacked a field we cannot do without. */
    PROVIDER_RESPONSE_UNREADABLE(false),
    /** The provider no longer accepts new jobs (OpenAI after 2027-01-06). */
    PROVIDER_RETIRED(false),
    /** The backend does not offer this operation or setting (pause on Together, LoRA rank on OpenAI). */
    PROVIDER_UNSUPPORTED(false),
    /** The local dataset file could not be read while uploading it. */
    DATASET_UNREADABLE(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
