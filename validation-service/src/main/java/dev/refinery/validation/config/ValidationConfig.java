package dev.refinery.validation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** validation-service settings ({@code refinery.validation.*}, env {@code REFINERY_VALIDATION_*}). */
@ConfigMapping(prefix = "refinery.validation")
public interface ValidationConfig {

    /** Longest line kept in memory; a longer one is a {@code DATASET_LINE_TOO_LONG} problem, not a failure. Default 8 MiB. */
    @WithDefault("8388608")
    int maxLineBytes();

    /** Problems kept (in the database and report.json) per rule; all of them are counted. */
    @WithDefault("100")
    int samplesPerRule();

    SplitRatios split();

    Worker worker();

    /**
     * How valid records are divided, in percent of the 100 hash buckets: train gets buckets
     * [0, train), validation [train, train + validation), test the rest.
     */
    interface SplitRatios {
        @WithDefault("80")
        int trainPercent();

        @WithDefault("10")
        int validationPercent();
    }

    /** The background validation of queued runs. */
    interface Worker {
        /** Runs validated at the same time (each holds at most one line plus a few buffers in memory). */
        @WithDefault("2")
        int threads();

        /** How often the sweeper looks for queued runs and for runs whose worker died. */
        @WithDefault("5s")
        Duration sweepInterval();

        /** How often a running validation shows it is alive. */
        @WithDefault("10s")
        Duration heartbeatInterval();

        /** A RUNNING run without a heartbeat for this long is considered abandoned (crash) and queued again. */
        @WithDefault("60s")
        Duration staleAfter();

        /** Attempts before a run that keeps failing (storage down, crash) is given up as FAILED. */
        @WithDefault("8")
        int maxAttempts();

        /** Wait before the second attempt; doubles with each further attempt, up to {@link #maxRetryBackoff()}. */
        @WithDefault("5s")
        Duration retryBackoff();

        @WithDefault("5m")
        Duration maxRetryBackoff();
    }
}
