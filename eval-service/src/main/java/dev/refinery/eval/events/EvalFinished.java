package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Payload of {@code eval-finished} v3 (contracts/schemas/eval-finished.v3.json): every field of v1, with the same meaning,
 * plus the versions compared, one result per metric, the champion comparison, the policy's outcome and decision, and the
 * failure code (v2); v3 leaves {@code jobId} out for a model registered from a server (no job made it) and says with
 * {@code wholeDataset} when the test items were every record of a dataset rather than its test split. A COMPLETED evaluation carries the summary; a FAILED one its code and reason. Absent fields are left out,
 * not null. {@code tenant} is the evaluation's owner, so that only it is told.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalFinished(String tenant, String evalId, String jobId, String datasetId, Boolean wholeDataset, String status, String metric,
                           Integer items, Score baseline, Score candidate, Difference difference, String verdict, String bucket,
                           String itemsKey, String failureReason, OffsetDateTime finishedAt, String failureCode,
                           String candidateVersionId, String baselineVersionId, String championVersionId, Score champion,
                           Difference championDifference, Double lossDifferenceCiHigh, List<Metric> metrics, Forgetting forgetting,
                           String outcome,
                           String decision, List<String> reasons) {

    public static final String TOPIC = "eval-finished";
    public static final int VERSION = 3;

    /**
     * One model's result.
     *
     * @param model       model id (base id, or base id + "+" + job id for a version)
     * @param metric      mean primary metric over the items, in [0, 1]
     * @param heldOutLoss mean negative log-likelihood per reference token; absent (v2) for a model that answered through a
     *                    provider's API
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Score(String model, double metric, Double heldOutLoss) {
    }

    /** Mean of candidate - the other model with its paired bootstrap interval. */
    public record Difference(double mean, double ciLow, double ciHigh, double confidence) {
    }

    /** The forgetting guard: the candidate and its base model on the base model's general-ability texts. */
    public record Forgetting(int items, double baselineLoss, double candidateLoss, double lossDifferenceCiHigh, double baselineGeneration,
                             double candidateGeneration, double generationDifferenceCiLow) {
    }

    /** One metric: both means, the difference and its 95% interval, what the test set detects, McNemar for pass/fail. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metric(String name, double baseline, double candidate, double difference, double ciLow, double ciHigh,
                         Double minimumDetectableEffect, Double mcNemarPValue, Double champion, Double championDifference,
                         Double championCiLow, Double championCiHigh) {
    }
}
