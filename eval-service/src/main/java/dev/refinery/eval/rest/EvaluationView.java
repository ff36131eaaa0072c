package dev.refinery.eval.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * An evaluation as the API shows it. The scores, the difference and the verdict are present once it
 * is COMPLETED; failureCode and failureReason once it FAILED.
 *
 * @param artifactType what is compared with the base: {@code lora-adapter} or {@code full-model}
 * @param artifactKey  its folder in the bucket
 * @param adapterKey   the same folder, for a LoRA adapter only (as before full models were evaluated)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationView(String id, String jobId, String datasetId, String baseModel, String artifactType, String artifactKey,
                             String adapterKey, String status,
                             String metric, int maxTokens, int maxItems, Integer items, ModelScore baseline, ModelScore candidate,
                             Difference difference, String verdict, String itemsKey, String failureCode, String failureReason,
                             int attempts, OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    /** One model's mean task metric and held-out loss (nats per reference token). */
    public record ModelScore(String model, double metric, double heldOutLoss) {
    }

    /** Mean of candidate - baseline and its paired bootstrap interval. */
    public record Difference(double mean, double ciLow, double ciHigh, double confidence) {
    }
}
