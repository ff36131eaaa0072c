package dev.refinery.validation.service;

/**
 * What one attempt needs of its run, copied out of the row so that the long work runs outside any transaction.
 * {@code checks} are the dataset's own check options.
 */
public record ValidationTask(String datasetId, String sourceBucket, String sourceKey, RunChecks checks) {
}
