package dev.refinery.training.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/** {@code POST /pipelines}: a continuous fine-tuning pipeline on a collection. */
public record PipelineRequest(
        @Schema(description = "unique in the project: letters, digits, '.', '_' or '-', 1 to 100", example = "named-stories") String name,
        @Schema(description = "the collection whose sealed versions it trains on") String collectionId,
        @Schema(description = "the job to train on each version") PipelineTemplate template,
        @Schema(description = "champion (default): a run starts from the job of the pipeline's last promoted run (the base model "
                + "until there is one), so learning carries over versions, which hold only the examples since the one before; base: "
                + "every run starts from the base model", example = "champion") String continueFrom,
        @Schema(description = "jobs a run may start before it fails and pauses the pipeline, 1 to 5; default 2", example = "2")
        Integer maxAttempts,
        @Schema(description = "what the pipeline's jobs may cost per period; none: no cap of its own") Budget budget) {

    /** A cap on the pipeline's spending per calendar period (UTC). */
    public record Budget(@Schema(example = "50") BigDecimal usd, @Schema(description = "day, week or month (default)") String period) {
    }
}
