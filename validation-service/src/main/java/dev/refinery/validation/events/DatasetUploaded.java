package dev.refinery.validation.events;

import dev.refinery.identity.Tenants;

/**
 * What this service reads of {@code dataset-uploaded} v1 (contracts/schemas/dataset-uploaded.v1.json);
 * the other fields are ignored. {@code checks} (the uploader's check options) and {@code parentDatasetId}
 * (set for a clean subset) are optional; so is {@code tenant}, absent from events written before tenants existed, and
 * {@code collectionId}, set for a version sealed from a collection and passed on in dataset-validated.
 */
public record DatasetUploaded(String tenant, String datasetId, String name, String bucket, String objectKey, Checks checks, String parentDatasetId,
                              String collectionId) {

    public static final String TOPIC = "dataset-uploaded";
    public static final String TYPE = "refinery.dataset-uploaded.v1";
    /** The tenant that owns the dataset. */
    public String owner() {
        return Tenants.ofEvent(tenant);
    }

    /** Absent fields take this service's configured defaults. */
    public record Checks(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                         Integer evaluations, TestSet testSet) {
    }

    public record TestSet(String datasetId, String bucket, String objectKey) {
    }
}
