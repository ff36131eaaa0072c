package dev.refinery.training.rest;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/**
 * The job a pipeline trains on each version: a {@code POST /fine-tunes} body without the dataset (the version is) and without
 * {@code fromJob} (the pipeline's {@code continueFrom} says).
 */
public record PipelineTemplate(
        @Schema(description = "base model id; default stories260K", example = "stories260K") String baseModel,
        @Schema(description = "local (default), together, fireworks, openai or kubernetes", example = "local") String backend,
        @Schema(description = "sft (default) or dpo", example = "sft") String method,
        @Schema(description = "training settings, as for a job", example = "{\"epochs\": 4}") JsonNode hyperparameters,
        @Schema(description = "each job's own cap in US dollars") BigDecimal budgetUsd,
        @Schema(description = "how each run's model is evaluated, as for a job (metric, metrics, maxItems); default: the project's "
                + "policy on the version's frozen test set") EvaluationSpec evaluation) {

    /**
     * This template's job on {@code datasetId}, from {@code fromJob} (null: the base model), under {@code cap}, evaluated as
     * {@code evaluation} says.
     */
    public JobRequest jobOn(String datasetId, String fromJob, BigDecimal cap, EvaluationSpec evaluation) {
        return new JobRequest(datasetId, baseModel, backend, method, hyperparameters, cap, fromJob, evaluation);
    }
}
