package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * Payload of {@code job-completed} v1 (contracts/schemas/job-completed.v1.json). SUCCEEDED carries the
 * adapter's location, steps and final losses; FAILED a code and a reason. Absent values are left out
 * (the schema types them as strings and numbers, never null). A provider job's weights stay at the provider: its
 * {@code adapterKey} is {@code <backend>:<outputModel>} (not an object-storage key), {@code outputModel} names the
 * model there, and {@code actualCostUsd} is the provider's own figure (optional fields added to the v1 schema).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobCompleted(String jobId, String datasetId, String baseModel, String status, String bucket, String adapterKey,
                           String failureCode, String failureReason, Integer steps, Double finalTrainLoss,
                           Double finalValidationLoss, OffsetDateTime completedAt, String backend, String outputModel,
                           String providerJobId, BigDecimal actualCostUsd) {

    public static final String TOPIC = "job-completed";
}
