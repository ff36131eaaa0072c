package dev.refinery.eval.service;

import java.util.List;

/**
 * What an attempt needs to run one evaluation, copied out of the row so that the long work happens outside any
 * transaction. The attempt's lease fences what it writes.
 *
 * @param metrics  every metric to score, the primary ({@code metric}) first
 * @param stop     sequences that end every model's answers (the same for all)
 * @param baseline the model the candidate must beat: its base model, or another version
 * @param champion the project's champion the candidate is also compared with; null when there is none to compare with
 */
public record EvaluationTask(String evalId, String tenant, String jobId, String datasetId, String metric, List<String> metrics, int maxTokens,
                             List<String> stop, int maxItems, EvaluatedModel candidate, EvaluatedModel baseline, EvaluatedModel champion) {
}
