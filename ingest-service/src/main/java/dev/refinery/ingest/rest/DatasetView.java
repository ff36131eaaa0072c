package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;

/** A dataset as the API shows it. */
public record DatasetView(String id, String name, String objectKey, String contentType, long bytes, long lines, String sha256,
                          OffsetDateTime createdAt) {
}
