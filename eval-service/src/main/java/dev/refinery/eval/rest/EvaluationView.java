package dev.refinery.eval.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * An evaluation as the API shows it. The scores, the difference, the verdict, the statistics and the policy's outcome are
 * present once it is COMPLETED; failureCode and failureReason once it FAILED.
 *
 * @param datasetId          where the test items come from
 * @param wholeDataset       true: every record of that dataset is a test item (a file uploaded as a test set); false: its
 *                           test split
 * @param artifactType       what is compared: {@code lora-adapter} or {@code full-model}
 * @param artifactKey        its folder in the bucket
 * @param adapterKey         the same folder, for a LoRA adapter only (as before full models were evaluated)
 * @param candidateVersionId the registered version evaluated
 * @param baselineVersionId  the version it was compared with; absent when that is its base model
 * @param championVersionId  the project's champion it was also compared with; absent when there was none
 * @param requestedBy        who asked for it by hand; absent for the evaluation a finished job asked for
 * @param stop               stop sequences of the fixed decoding (greedy, {@code maxTokens} per answer); absent when none
 * @param verdict            what the interval of candidate - baseline says alone: CANDIDATE_BETTER, NO_SIGNIFICANT_DIFFERENCE
 *                           or CANDIDATE_WORSE
 * @param outcome            under the project's policy: IMPROVED, NO_SIGNIFICANT_CHANGE or REGRESSED
 * @param decision           PROMOTED, NOT_PROMOTED, PASSED_AWAITING_PROMOTION or NOT_APPLICABLE (asked for by hand)
 * @param metrics            every metric scored, the primary first
 * @param forgetting         the forgetting guard's figures; absent when the base model has no general-ability set
 * @param reasons            each rule the policy applied, its figures and whether it held, then what was done
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationView(String id, String jobId, String datasetId, boolean wholeDataset, String baseModel, String artifactType, String artifactKey,
                             String adapterKey, String candidateVersionId, String baselineVersionId, String championVersionId,
                             String requestedBy, String status, String metric, int maxTokens, List<String> stop, int maxItems,
                             Integer items,
                             ModelScore baseline, ModelScore candidate, Difference difference, String verdict, Champion champion,
                             Statistics statistics, List<MetricView> metrics, Forgetting forgetting, Policy policy, String outcome, String decision, List<String> reasons,
                             String itemsKey, String failureCode, String failureReason, int attempts, OffsetDateTime createdAt,
                             OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    /** One model's mean task metric and held-out loss (nats per reference token; absent for a model behind an API). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelScore(String model, double metric, Double heldOutLoss) {
    }

    /** Mean of candidate - the other model and its paired bootstrap interval. */
    public record Difference(double mean, double ciLow, double ciHigh, double confidence) {
    }

    /** The champion's scores and the candidate's difference from it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Champion(String model, double metric, Double heldOutLoss, Difference difference) {
    }

    /**
     * What else the items say about candidate - baseline.
     *
     * @param minimumDetectableEffect the smallest difference this test set detects (5% two-sided, 80% power)
     * @param mcNemarPValue           exact McNemar p-value, for a pass/fail metric
     * @param lossDifferenceCiHigh    upper 95% bound of the rise of the held-out loss: the guard's figure
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Statistics(Double minimumDetectableEffect, Double mcNemarPValue, Double lossDifferenceCiHigh) {
    }

    /** The project's policy as it was when the evaluation was asked for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Policy(String metric, double margin, double lossMargin, double forgettingMargin, Double forgettingLossMargin, String alias,
                         boolean autoPromote, List<Guard> guards) {
    }

    /**
     * The forgetting guard: the candidate and its base model on the base model's general-ability texts.
     *
     * @param lossDifferenceCiHigh       upper 95% bound of the rise of the loss (nats per token)
     * @param generationDifferenceCiLow  lower 95% bound of the change of the continuations' ROUGE-L
     */
    public record Forgetting(int items, double baselineLoss, double candidateLoss, double lossDifferenceCiHigh, double baselineGeneration,
                             double candidateGeneration, double generationDifferenceCiLow) {
    }

    /** A guard metric and how much of it the candidate may lose. */
    public record Guard(String metric, double margin) {
    }

    /**
     * One metric of the evaluation's table (the primary first): both means, candidate - baseline with its interval, what
     * the test set can detect, McNemar's p for a pass/fail metric, and the champion's figures when there was one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricView(String metric, double baseline, double candidate, Difference difference, Double minimumDetectableEffect,
                             Double mcNemarPValue, ChampionMetric champion) {
    }

    /** The champion's mean of a metric and the candidate's difference from it. */
    public record ChampionMetric(double mean, Difference difference) {
    }
}
