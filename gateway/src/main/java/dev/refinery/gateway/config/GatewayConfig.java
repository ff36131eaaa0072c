package dev.refinery.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Gateway settings ({@code refinery.gateway.*}, env {@code REFINERY_GATEWAY_*}). */
@ConfigMapping(prefix = "refinery.gateway")
public interface GatewayConfig {

    /** Base URL of ingest-service (datasets). */
    @WithDefault("http://localhost:8081")
    String ingestUrl();

    /** Base URL of validation-service (validation reports). */
    @WithDefault("http://localhost:8082")
    String validationUrl();

    /** Base URL of training-service (fine-tuning jobs). */
    @WithDefault("http://localhost:8083")
    String trainingUrl();

    /** Base URL of eval-service (evaluations). */
    @WithDefault("http://localhost:8084")
    String evalUrl();

    /** Base URL of inference-service (the OpenAI-compatible /v1/chat/completions and /v1/models). */
    @WithDefault("http://localhost:8085")
    String inferenceUrl();

    /**
     * How long a chat completion may take to start answering: a whole answer comes when it is complete, and a request may
     * first wait for a slot of the engine.
     */
    @WithDefault("10m")
    Duration inferenceTimeout();

    /** How long to wait for a service to accept a connection before calling it unavailable. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long to wait for a service's response headers on an ordinary call before answering 504. */
    @WithDefault("30s")
    Duration requestTimeout();

    /**
     * How long an upload may take to be answered, counted from its start: the body streams through
     * while the service stores it, so this bounds the whole transfer, not just the wait.
     */
    @WithDefault("1h")
    Duration uploadTimeout();

    /**
     * How long to wait for the optional part of a combined answer (the validation report inside a
     * dataset): a slow validation-service must not make dataset lookups slow.
     */
    @WithDefault("5s")
    Duration enrichmentTimeout();

    /** How long a readiness probe waits for a service's {@code /q/health/live}. */
    @WithDefault("1s")
    Duration healthTimeout();

    Sse sse();

    /** Live events to browsers and CLIs. */
    interface Sse {

        /**
         * Events a client may fall behind by before the gateway gives up on it: the stream then ends
         * with an {@code overflow} event and the client reconnects. The Kafka consumer never waits.
         */
        @WithDefault("256")
        int clientBuffer();

        /** Interval of the comment lines that keep idle connections (and proxies) open and reveal gone clients. */
        @WithDefault("15s")
        Duration heartbeat();
    }
}
