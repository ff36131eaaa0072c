package dev.refinery.eval.inference;

import java.time.Duration;

/**
 * How hard the client pushes an endpoint and how long it keeps trying.
 *
 * @param maxInFlight requests sent to one endpoint at the same time by one call
 * @param maxAttempts tries per item, the first included; then the call fails with EVAL_ENDPOINT_ERROR
 * @param initialBackoff wait before the second try; doubles each time, with full jitter
 * @param maxBackoff the longest wait the client chooses itself
 * @param maxServerDelay the longest {@code retry-after} honoured; a longer one is ignored and the client's own wait
 *                       applies (as the providers' SDKs do: a server asking for minutes is not worth blocking on)
 * @param requestTimeout one attempt's limit, from sending to the whole answer
 */
public record InferenceSettings(int maxInFlight, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                Duration maxServerDelay, Duration connectTimeout, Duration requestTimeout) {

    public InferenceSettings {
        if (maxInFlight < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("maxInFlight and maxAttempts must be at least 1");
        }
    }

    /** The defaults of {@code refinery.inference.*}: Together's SDK's backoff (0.5 s doubling, up to 8 s), 6 tries. */
    public static InferenceSettings defaults() {
        return new InferenceSettings(32, 6, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(120));
    }

    public InferenceSettings withMaxInFlight(int inFlight) {
        return new InferenceSettings(inFlight, maxAttempts, initialBackoff, maxBackoff, maxServerDelay, connectTimeout, requestTimeout);
    }

    public InferenceSettings withMaxAttempts(int attempts) {
        return new InferenceSettings(maxInFlight, attempts, initialBackoff, maxBackoff, maxServerDelay, connectTimeout, requestTimeout);
    }

    public InferenceSettings withBackoff(Duration initial, Duration max) {
        return new InferenceSettings(maxInFlight, maxAttempts, initial, max, maxServerDelay, connectTimeout, requestTimeout);
    }
}
