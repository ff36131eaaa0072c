package dev.refinery.training.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/**
 * A request to fine-tune a base model on a validated dataset.
 *
 * @param hyperparameters the one spec vocabulary of every backend ({@code providers/spec/SpecField}): trainingType, epochs,
 *                        learningRate, batchSize, gradientAccumulation, batching, lrScheduler, minLrRatio, numCycles,
 *                        warmupRatio, weightDecay, maxGradNorm, seed, maxSeqLen, overflow, trainOnInputs, nEvals,
 *                        nCheckpoints, checkpointEvery, earlyStopping*, suffix, fromCheckpoint, lora*, dpo*, simpoGamma.
 *                        Which ones a backend takes, with their ranges and defaults: the spec table in
 *                        docs/providers.md (a refused field's 400 names them too). Kept as a JSON tree so that every
 *                        field can be checked and reported.
 */
public record JobRequest(
        @Schema(description = "a dataset validated as VALID", example = "ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c") String datasetId,
        @Schema(description = "base model id from GET /models (local) or the catalog (providers); default stories260K", example = "stories260K")
        String baseModel,
        @Schema(description = "local (default), together, fireworks, openai or kubernetes (when enabled)", example = "local") String backend,
        @Schema(description = "sft (default) or dpo", example = "sft") String method,
        @Schema(description = "training settings; omitted ones get defaults", example = "{\"epochs\": 3, \"learningRate\": 0.005}")
        JsonNode hyperparameters,
        @Schema(description = "this job's cap in US dollars: refused when the estimate's high bound exceeds it, cancelled when its cost does")
        BigDecimal budgetUsd,
        @Schema(description = "continue from this SUCCEEDED job's result on the same backend (SFT then DPO)", example = "ft-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b")
        String fromJob,
        @Schema(description = "how the model is evaluated when the job ends; default: the project's policy on the dataset's test split")
        @JsonInclude(JsonInclude.Include.NON_NULL) EvaluationSpec evaluation) {

    /** A plain SFT request without budget or earlier job. */
    public JobRequest(String datasetId, String baseModel, String backend, JsonNode hyperparameters) {
        this(datasetId, baseModel, backend, null, hyperparameters, null, null, null);
    }
}
