package dev.refinery.validation.events;

/**
 * What this service reads of {@code dataset-uploaded} v1 (contracts/schemas/dataset-uploaded.v1.json);
 * the other fields are ignored.
 */
public record DatasetUploaded(String datasetId, String name, String bucket, String objectKey) {

    public static final String TOPIC = "dataset-uploaded";
    public static final String TYPE = "refinery.dataset-uploaded.v1";
}
