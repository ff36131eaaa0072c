package dev.refinery.validation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** validation-service settings ({@code refinery.validation.*}, env {@code REFINERY_VALIDATION_*}). */
@ConfigMapping(prefix = "refinery.validation")
public interface ValidationConfig {

    /** Longest line kept in memory; a longer one is a {@code DATASET_LINE_TOO_LONG} problem, not a failure. Default 8 MiB. */
    @WithDefault("8388608")
    int maxLineBytes();

    /**
     * The most a gzip upload may expand to, whatever its ratio: past it the check stops with DATASET_GZIP_TOO_LARGE.
     * Default 10 GiB, ingest-service's own upload limit: compression saves transfer, it does not buy a bigger dataset.
     */
    @WithDefault("10737418240")
    long maxDecompressedBytes();

    /** Problems kept (in the database and report.json) per rule; all of them are counted. */
    @WithDefault("100")
    int samplesPerRule();

    SplitRatios split();

    /** The target the datasets are checked for: local, together, fireworks or openai (its verdict decides VALID). */
    @WithDefault("local")
    String target();

    /** The target model, looked up in the catalog (REFINERY_CATALOG overrides the bundled one) for its tokenizer, context and price. */
    @WithDefault("stories260K")
    String model();

    /** drop, truncate or fail for records over the context; unset: such records fail the check, with the choice named. */
    Optional<String> overContext();

    /** report (default), exact or normalized: which duplicates are dropped from the splits (all are reported). */
    @WithDefault("report")
    String dedup();

    /** Epochs the cost estimate in the report assumes; unset: the provider's default rule. */
    Optional<Integer> epochs();

    /** Where engine:FOLDER tokenizers are; default: the nearest models/ folder above the working directory. */
    Optional<String> modelsDir();

    Worker worker();

    /**
     * How kept records are divided, in percent: train, validation, and test the rest. The library's
     * default is 90/10 with no test split; this service keeps 80/10/10 because the pipeline's evaluation
     * runs on the test split.
     */
    interface SplitRatios {
        @WithDefault("80")
        int trainPercent();

        @WithDefault("10")
        int validationPercent();
    }

    /** The background validation of queued runs, each under its work lease (kind {@code validation-run}). */
    interface Worker {
        /** Runs validated at the same time (each holds at most one line plus a few buffers in memory). */
        @WithDefault("2")
        int threads();

        /** How often the sweeper hands the workers every run whose lease is due (new, retried, or left by a dead process). */
        @WithDefault("5s")
        Duration sweepInterval();

        /**
         * A claim on a run lasts this long without renewal; the holder renews it every third of it while it validates. A
         * claim not renewed for this long (the process died) is taken over by the next sweep, anywhere.
         */
        @WithDefault("60s")
        Duration lease();

        /** Attempts that may fail (a bug, a crash) before the run is given up as FAILED; a transient outage never counts. */
        @WithDefault("8")
        int maxAttempts();

        /** Wait before a failed or transiently interrupted run is tried again; doubles each time (with jitter), up to the max. */
        @WithDefault("5s")
        Duration retryBackoff();

        @WithDefault("5m")
        Duration maxRetryBackoff();
    }
}
