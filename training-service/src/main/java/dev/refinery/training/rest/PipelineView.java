package dev.refinery.training.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A pipeline as the API shows it, with its newest run (null before the first). */
public record PipelineView(String id, String name, String collectionId, PipelineTemplate template, String continueFrom, int maxAttempts,
                           Budget budget, String status, String pauseReason, String createdBy, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt, Trigger trigger, DpoStage dpoStage, Shadow shadow, PipelineRunView lastRun,
                           DriftCheck lastDriftCheck) {

    /** The shadow phase before each promotion (see {@link PipelineRequest.Shadow}). */
    public record Shadow(double share, int pairs, double minWinRate, String within, String judge) {
    }

    public record Budget(BigDecimal usd, String period) {
    }

    /** What starts runs; {@code nextAt}: when a scheduled pipeline next looks for a new version. */
    public record Trigger(String on, String every, Double margin, OffsetDateTime nextAt) {
    }

    public record DpoStage(String collectionId, JsonNode hyperparameters) {
    }

    /**
     * A drift pipeline's newest check: the champion's score on a new version's examples against the score it was promoted
     * on, and what followed (DRIFTED: a run; STEADY: none; FAILED: none, and why).
     */
    public record DriftCheck(String id, String datasetId, String status, String championVersionId, String metric, double promotionScore,
                             double margin, Double freshScore, String evalId, String runId, String reason, OffsetDateTime createdAt,
                             OffsetDateTime finishedAt) {
    }
}
