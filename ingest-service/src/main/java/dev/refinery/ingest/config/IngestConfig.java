package dev.refinery.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ingest-service settings ({@code refinery.ingest.*}). */
@ConfigMapping(prefix = "refinery.ingest")
public interface IngestConfig {

    /** Largest upload accepted, in bytes; larger ones are refused with 413 and nothing is kept. */
    @WithDefault("10737418240")
    long maxUploadBytes();
}
