package dev.refinery.ingest.rest;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A sealed version of a collection.
 *
 * @param datasetId         the dataset its examples became (validated, trained on and evaluated like any upload)
 * @param previousDatasetId the version before it; null for the first
 * @param producers         the producers whose examples are in it
 */
public record VersionView(String collectionId, int version, String datasetId, String previousDatasetId, long examples,
                          List<String> producers, OffsetDateTime sealedAt) {
}
