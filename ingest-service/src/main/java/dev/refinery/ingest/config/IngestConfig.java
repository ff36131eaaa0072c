package dev.refinery.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ingest-service settings ({@code refinery.ingest.*}). */
@ConfigMapping(prefix = "refinery.ingest")
public interface IngestConfig {

    /** Largest upload accepted, in bytes; larger ones are refused with 413 and nothing is kept. */
    @WithDefault("10737418240")
    long maxUploadBytes();

    /** Largest single example, in bytes (the validator's line limit for it): larger ones are rejected with DATASET_LINE_TOO_LONG. */
    @WithDefault("1048576")
    int maxExampleBytes();

    /** Largest body of {@code POST /collections/{id}/examples}, in bytes (413 EXAMPLE_BATCH_TOO_LARGE past it). */
    @WithDefault("16777216")
    int maxBatchBytes();

    /** Most examples in one {@code POST /collections/{id}/examples}. */
    @WithDefault("1000")
    int maxBatchItems();
}
