package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Payload of {@code job-completed} v2 (contracts/schemas/job-completed.v2.json), on every backend. SUCCEEDED carries the
 * artifact (a LoRA adapter or a whole model in our bucket, or a model its provider keeps), the steps and final losses;
 * FAILED and CANCELLED a code and a reason. Absent values are left out (the schema types them, never null).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobCompleted(String tenant, String jobId, String datasetId, String baseModel, String status, String backend, String method,
                           Artifact artifact, String failureCode, String failureReason, Integer steps, Double finalTrainLoss,
                           Double finalValidationLoss, OffsetDateTime completedAt, String providerJobId, BigDecimal actualCostUsd,
                           Evaluation evaluation) {

    public static final String TOPIC = "job-completed";
    public static final int VERSION = 2;

    /** How the job's request asked for its model to be evaluated (absent: eval-service's defaults and the project's policy). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evaluation(Boolean enabled, String metric, List<String> metrics, Integer maxItems, String datasetId, Boolean promote) {
    }

    /**
     * What a SUCCEEDED job produced.
     *
     * @param type          lora-adapter, full-model or provider-model
     * @param bucket        with {@code key}: where it is in our object storage
     * @param providerModel the provider's name of it, when the provider keeps the weights
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String type, String bucket, String key, String providerModel) {
    }
}
