package dev.refinery.providers.http;

/**
 * How safely a request can be sent twice. A POST that creates a job and has no provider-side idempotency must
 * not be repeated after a 502 or a timeout: the provider may have started the job and would start a second one.
 */
public enum RetryMode {
    /** Reads, cancels, uploads to a fixed id: retry on 429, 5xx and network errors. */
    SAFE,
    /** Creates: retry only on 429 and 503, which mean the provider refused before doing anything. */
    ONLY_IF_NOT_PROCESSED;

    public boolean allowsStatus(int status) {
        if (this == SAFE) {
            return RetryPolicy.retryableStatus(status);
        }
        return status == 429 || status == 503;
    }

    public boolean allowsNetworkError() {
        return this == SAFE;
    }
}
