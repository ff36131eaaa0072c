package dev.refinery.eval.service;

/**
 * What an attempt needs to run one evaluation, copied out of the row so that the long work happens outside any
 * transaction. The attempt's lease fences what it writes.
 *
 * @param baseline the model the candidate must beat: its base model, or another version
 * @param champion the project's champion the candidate is also compared with; null when there is none to compare with
 */
public record EvaluationTask(String evalId, String jobId, String datasetId, String metric, int maxTokens, int maxItems,
                             EvaluatedModel candidate, EvaluatedModel baseline, EvaluatedModel champion) {
}
