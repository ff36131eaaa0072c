package dev.refinery.validation.service;

/**
 * A worker's hold on one run for one attempt. The attempt number fences the run: if the run was given
 * to another worker meanwhile (this one looked dead), this claim can no longer heartbeat or finish it.
 */
public record Claim(String datasetId, String sourceBucket, String sourceKey, int attempt) {
}
