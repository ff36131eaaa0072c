package dev.refinery.eval.service;

import java.util.List;

/**
 * What an attempt needs to run one evaluation, copied out of the row so that the long work happens outside any
 * transaction. The attempt's lease fences what it writes.
 *
 * @param datasetId    where the test items come from
 * @param wholeDataset every record of the dataset is a test item (true), or those of its test split (false)
 * @param metrics  every metric to score, the primary ({@code metric}) first
 * @param stop     sequences that end every model's answers (the same for all)
 * @param baseline the model the candidate must beat: its base model, or another version
 * @param champion the project's champion the candidate is also compared with; null when there is none to compare with
 */
public record EvaluationTask(String evalId, String tenant, String jobId, String datasetId, boolean wholeDataset, String metric, List<String> metrics, int maxTokens,
                             List<String> stop, int maxItems, EvaluatedModel candidate, EvaluatedModel baseline, EvaluatedModel champion) {

    /** The object the test items are read from. */
    public String itemsKey() {
        return HeldOutSplit.key(datasetId, wholeDataset);
    }
}
