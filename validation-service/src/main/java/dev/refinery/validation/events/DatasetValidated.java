package dev.refinery.validation.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Payload of {@code dataset-validated} v1 (contracts/schemas/dataset-validated.v1.json). INVALID events
 * carry no {@code splits}: nothing downstream may train on them. {@code tenant} is the dataset's, always set;
 * {@code collectionId} only for a version sealed from a collection.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetValidated(String tenant, String datasetId, String status, long records, long validRecords, long invalidRecords,
                               long problems, String bucket, String reportKey, Splits splits, OffsetDateTime validatedAt,
                               String collectionId) {

    public static final String TOPIC = "dataset-validated";

    public record Splits(SplitObject train, SplitObject validation, SplitObject test) {
    }

    public record SplitObject(String objectKey, long records) {
    }
}
