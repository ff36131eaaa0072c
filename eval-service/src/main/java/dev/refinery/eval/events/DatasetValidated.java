package dev.refinery.eval.events;

import dev.refinery.identity.Tenants;

import java.time.OffsetDateTime;

/**
 * What eval-service reads of {@code dataset-validated} v1 (contracts/schemas/dataset-validated.v1.json): whose dataset it is,
 * its verdict and how many records its test split holds. Other fields are ignored.
 */
public record DatasetValidated(String tenant, String datasetId, String status, Long validRecords, Splits splits, OffsetDateTime validatedAt) {

    public static final String TOPIC = "dataset-validated";
    public static final String TYPE = "refinery.dataset-validated.v1";

    /** The splits of a VALID dataset; the test split is optional. */
    public record Splits(Split test) {
    }

    public record Split(String objectKey, Long records) {
    }

    public String owner() {
        return Tenants.ofEvent(tenant);
    }

    /** Records in the test split; 0 when there is none. */
    public long testRecords() {
        return splits == null || splits.test() == null || splits.test().records() == null ? 0 : splits.test().records();
    }
}
