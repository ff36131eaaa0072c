package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;

/**
 * A dataset as the API shows it.
 *
 * @param checks          the check options given with the upload (null fields: validation-service's defaults); null if none
 * @param parentDatasetId the dataset this one is the clean subset of; null for an upload
 */
public record DatasetView(String id, String name, String objectKey, String contentType, long bytes, long lines, String sha256,
                          OffsetDateTime createdAt, ChecksView checks, String parentDatasetId) {

    public record ChecksView(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                             Integer evaluations, String testSet) {
    }
}
