package dev.refinery.validation.service;

/**
 * A worker's hold on one run for one attempt. The attempt number fences the run: if the run was given
 * to another worker meanwhile (this one looked dead), this claim can no longer heartbeat or finish it.
 * {@code checks} are the dataset's own check options.
 */
public record Claim(String datasetId, String sourceBucket, String sourceKey, int attempt, RunChecks checks) {

    public Claim(String datasetId, String sourceBucket, String sourceKey, int attempt) {
        this(datasetId, sourceBucket, sourceKey, attempt, RunChecks.NONE);
    }
}
