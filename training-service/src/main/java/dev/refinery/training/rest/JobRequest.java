package dev.refinery.training.rest;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A request to fine-tune a base model on a validated dataset.
 *
 * @param hyperparameters any of trainingType, epochs, batchSize, gradientAccumulation, batching, learningRate, lrScheduler,
 *                        warmupRatio, minLrRatio, weightDecay, maxGradNorm, loraRank, loraAlpha, loraDropout, loraTargets,
 *                        seed, maxSeqLen, overflow, trainOnInputs, evalEvery, checkpointEvery, earlyStoppingPatience;
 *                        the others get defaults (kept as a JSON tree so that every field can be checked and reported)
 */
public record JobRequest(
        @Schema(description = "a dataset validated as VALID", example = "ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c") String datasetId,
        @Schema(description = "base model id from GET /models (default stories260K)", example = "stories260K") String baseModel,
        @Schema(description = "where to train; today only 'local' (the built-in engine)", example = "local") String backend,
        @Schema(description = "training settings; omitted ones get defaults", example = "{\"epochs\": 3, \"learningRate\": 0.005}")
        JsonNode hyperparameters) {
}
