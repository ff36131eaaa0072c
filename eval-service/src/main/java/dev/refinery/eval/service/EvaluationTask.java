package dev.refinery.eval.service;

import dev.refinery.eval.repository.ArtifactType;

/**
 * What an attempt needs to run one evaluation, copied out of the row so that the long work happens outside any
 * transaction. The attempt's lease fences what it writes.
 *
 * @param artifactKey the folder of the adapter or model in {@code bucket}
 */
public record EvaluationTask(String evalId, String jobId, String datasetId, String baseModel, String bucket, ArtifactType artifactType,
                             String artifactKey, String metric, int maxTokens, int maxItems) {

    /** The candidate's model id as events and the API name it: base id + "+" + job id. */
    public String candidateModel() {
        return baseModel + "+" + jobId;
    }
}
