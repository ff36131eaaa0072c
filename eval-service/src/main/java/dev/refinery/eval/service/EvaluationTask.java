package dev.refinery.eval.service;

/**
 * What a worker needs to run one claimed evaluation, copied out of the row so that the long work
 * happens outside any transaction.
 *
 * @param attempt the claim's attempt number: only the holder of the latest attempt may write the result
 */
public record EvaluationTask(String evalId, int attempt, String jobId, String datasetId, String baseModel, String bucket,
                             String adapterKey, String metric, int maxTokens, int maxItems) {

    /** The candidate's model id as events and the API name it: base id + "+" + job id. */
    public String candidateModel() {
        return baseModel + "+" + jobId;
    }
}
