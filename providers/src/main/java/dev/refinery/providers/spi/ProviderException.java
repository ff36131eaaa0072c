package dev.refinery.providers.spi;

/**
 * Every failure of a backend: a stable {@link ErrorCode}, the HTTP status (0 when there was no response), the
 * provider's own message and offending parameter when it gave them. Messages are built from the provider's
 * response and our own words only; no request header ever goes into one, so the API key cannot leak here.
 */
public class ProviderException extends RuntimeException {

    private final String provider;
    private final ErrorCode code;
    private final int httpStatus;
    private final String providerMessage;
    private final String param;
    private final boolean retryable;

    public ProviderException(String provider, ErrorCode code, String message, int httpStatus, String providerMessage,
                             String param, Throwable cause) {
        super(message, cause);
        this.provider = provider;
        this.code = code;
        this.httpStatus = httpStatus;
        this.providerMessage = providerMessage;
        this.param = param;
        this.retryable = code.retryable();
    }

    public ProviderException(String provider, ErrorCode code, String message) {
        this(provider, code, message, 0, null, null, null);
    }

    public String provider() {
        return provider;
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether the same call may succeed later without a change (rate limits, outages). */
    public boolean retryable() {
        return retryable;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String providerMessage() {
        return providerMessage;
    }

    /** The request field the provider blamed, when it named one. */
    public String param() {
        return param;
    }

    @Override
    public String toString() {
        return "ProviderException{" + provider + " " + code + (httpStatus > 0 ? " HTTP " + httpStatus : "") + ": " + getMessage() + "}";
    }
}
