package dev.refinery.training.events;

import java.time.OffsetDateTime;

/**
 * What training-service reads of {@code dataset-validated} v1 (contracts/schemas/dataset-validated.v1.json):
 * whose dataset it is, the verdict, where the splits are, and the collection it is a sealed version of (absent for an
 * upload). Other fields are ignored.
 */
public record DatasetValidated(String tenant, String datasetId, String status, Long records, Long validRecords, String bucket, Splits splits,
                               OffsetDateTime validatedAt, String collectionId) {

    public static final String TOPIC = "dataset-validated";
    public static final String TYPE = "refinery.dataset-validated.v1";

    /** The splits of a VALID dataset; any of them may be missing. */
    public record Splits(Split train, Split validation, Split test) {
    }

    /** One split: its object key and record count. */
    public record Split(String objectKey, Long records) {
    }
}
