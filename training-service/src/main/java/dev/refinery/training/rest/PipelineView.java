package dev.refinery.training.rest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A pipeline as the API shows it, with its newest run (null before the first). */
public record PipelineView(String id, String name, String collectionId, PipelineTemplate template, String continueFrom, int maxAttempts,
                           Budget budget, String status, String pauseReason, String createdBy, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt, PipelineRunView lastRun) {

    public record Budget(BigDecimal usd, String period) {
    }
}
