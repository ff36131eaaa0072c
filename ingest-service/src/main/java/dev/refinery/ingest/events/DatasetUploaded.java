package dev.refinery.ingest.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Payload of {@code dataset-uploaded} v1 (contracts/schemas/dataset-uploaded.v1.json). {@code checks},
 * {@code parentDatasetId} and {@code collectionId} (a version sealed from a collection) are optional and left out when absent. {@code tenant} is always set: the project that owns the
 * dataset, whose the validation report and everything derived from it are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetUploaded(String tenant, String datasetId, String name, String bucket, String objectKey, long bytes, long lines,
                              String sha256, String contentType, OffsetDateTime uploadedAt, Checks checks, String parentDatasetId,
                              String collectionId) {

    public static final String TOPIC = "dataset-uploaded";

    /** How the uploader asked for the dataset to be checked; absent fields take validation-service's defaults. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Checks(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                         Integer evaluations, TestSet testSet) {
    }

    public record TestSet(String datasetId, String bucket, String objectKey) {
    }
}
