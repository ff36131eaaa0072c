package dev.refinery.gateway.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhooks ({@code refinery.webhooks.*}, env {@code REFINERY_WEBHOOKS_*}). */
@ConfigMapping(prefix = "refinery.webhooks")
public interface WebhookConfig {

    /**
     * Hosts (names or literal addresses, as written in the URL) that may be targets although they resolve to a private,
     * loopback or otherwise internal address. Empty by default: a tenant must not make the gateway call into its own network.
     */
    Optional<List<String>> allowedPrivateHosts();

    /** Webhooks a project may have: each one multiplies every event of the project into another delivery. */
    @WithDefault("20")
    int maxPerProject();

    /** Attempts per delivery (the first one included) before it is FAILED; a manual redelivery starts a new round. */
    @WithDefault("8")
    int maxAttempts();

    /** Wait before the first retry; each later one waits twice as long as the one before, up to {@link #maxBackoff()}. */
    @WithDefault("30s")
    Duration firstRetry();

    @WithDefault("6h")
    Duration maxBackoff();

    /** How long the secret before a rotation keeps signing beside the new one. */
    @WithDefault("24h")
    Duration rotationGrace();

    /** How long to wait for a receiver to accept the connection. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long one attempt may take in all, from connecting to the end of the answer's excerpt. */
    @WithDefault("15s")
    Duration requestTimeout();

    /**
     * How often each replica looks for due deliveries (read by the sender's {@code @Scheduled}, so it is also set in
     * application.properties).
     */
    @WithDefault("2s")
    Duration pollInterval();

    /** Deliveries one sender run takes at most; they are sent in parallel. */
    @WithDefault("20")
    int batchSize();
}
