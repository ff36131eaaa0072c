package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Payload of {@code eval-finished} v1 (contracts/schemas/eval-finished.v1.json). A COMPLETED
 * evaluation carries the summary; a FAILED one its reason. Absent fields are left out, not null. {@code tenant} is the
 * evaluation's owner, so that only it is told (its job's tenant; "default" for jobs from before tenants).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalFinished(String tenant, String evalId, String jobId, String datasetId, String status, String metric,
                           Integer items, Score baseline, Score candidate, Difference difference, String verdict, String bucket,
                           String itemsKey, String failureReason, OffsetDateTime finishedAt) {

    public static final String TOPIC = "eval-finished";

    /**
     * One model's result.
     *
     * @param model       model id (base id, or base id + "+" + job id for the candidate)
     * @param metric      mean task metric over the items, in [0, 1]
     * @param heldOutLoss mean negative log-likelihood per reference token
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Score(String model, double metric, double heldOutLoss) {
    }

    /** Mean of candidate - baseline with its paired bootstrap interval. */
    public record Difference(double mean, double ciLow, double ciHigh, double confidence) {
    }
}
