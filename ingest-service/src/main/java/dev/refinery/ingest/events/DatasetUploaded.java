package dev.refinery.ingest.events;

import java.time.OffsetDateTime;

/** Payload of {@code dataset-uploaded} v1 (contracts/schemas/dataset-uploaded.v1.json). */
public record DatasetUploaded(String datasetId, String name, String bucket, String objectKey, long bytes, long lines,
                              String sha256, String contentType, OffsetDateTime uploadedAt) {

    public static final String TOPIC = "dataset-uploaded";
}
