package dev.refinery.providers.openai;

import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.TransportSettings;

import java.net.URI;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Settings of the OpenAI backend. {@code newJobsCutoff} is the date after which OpenAI accepts no new
 * fine-tuning jobs from anyone (reference providers.md §0: 2027-01-06); the transport's clock decides.
 */
public record OpenAiConfig(TransportSettings transport, Supplier<ApiKey> apiKey, Instant newJobsCutoff, long directUploadLimit, long partSize) {

    public static final URI DEFAULT_BASE_URI = URI.create("https://api.openai.com/v1");
    public static final Instant NEW_JOBS_CUTOFF = Instant.parse("2027-01-06T00:00:00Z");
    public static final long DIRECT_UPLOAD_LIMIT = 512L * 1024 * 1024;
    public static final long UPLOAD_PART_SIZE = 64L * 1024 * 1024;

    public static OpenAiConfig of(TransportSettings transport, Supplier<ApiKey> apiKey) {
        return new OpenAiConfig(transport, apiKey, NEW_JOBS_CUTOFF, DIRECT_UPLOAD_LIMIT, UPLOAD_PART_SIZE);
    }

    public OpenAiConfig withUploadLimits(long directUploadLimit, long partSize) {
        return new OpenAiConfig(transport, apiKey, newJobsCutoff, directUploadLimit, partSize);
    }
}
