package dev.refinery.eval.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Settings of the inference client ({@code refinery.inference.*}, env {@code REFINERY_INFERENCE_*}). A prefix of its
 * own rather than {@code refinery.eval.inference}, so that it is not read as an unknown key of {@code EvalConfig}.
 */
@ConfigMapping(prefix = "refinery.inference")
public interface InferenceConfig {

    /** Requests in flight to one endpoint per call. */
    @WithDefault("32")
    int maxInFlight();

    /** Tries per prompt, the first included, before EVAL_ENDPOINT_ERROR. */
    @WithDefault("6")
    int maxAttempts();

    /** Wait before the second try; doubles each time with full jitter. */
    @WithDefault("500ms")
    Duration initialBackoff();

    @WithDefault("8s")
    Duration maxBackoff();

    /** The longest retry-after (or retry-after-ms) honoured; a longer one falls back to the client's own backoff. */
    @WithDefault("60s")
    Duration maxServerDelay();

    @WithDefault("10s")
    Duration connectTimeout();

    /** One request's limit, until the whole answer has arrived. */
    @WithDefault("120s")
    Duration requestTimeout();

    default InferenceSettings toSettings() {
        return new InferenceSettings(maxInFlight(), maxAttempts(), initialBackoff(), maxBackoff(), maxServerDelay(),
                connectTimeout(), requestTimeout());
    }
}
