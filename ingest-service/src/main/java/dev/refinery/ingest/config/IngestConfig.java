package dev.refinery.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

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

    /** The shortest {@code sealAfter} a collection may ask for: a shorter window would make a version of a handful of examples. */
    @WithDefault("PT1M")
    Duration sealAfterMinimum();

    /** How often each replica looks for collections whose {@code sealAfter} has passed (a Quarkus scheduler interval). */
    @WithDefault("30s")
    String sealSweepInterval();

    /** Examples a second one producer may send to one collection, on average, where the collection sets none (per replica). */
    @WithDefault("500")
    double producerRate();

    /** Examples one producer may send to one collection at once, where the collection sets none. */
    @WithDefault("5000")
    int producerBurst();
}
