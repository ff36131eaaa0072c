package dev.refinery.training.rest;

import java.time.OffsetDateTime;

/**
 * A checkpoint: for a local job the object-storage prefix of its newest complete checkpoint, for a provider job the
 * provider's reference (Together {@code ft-…:step}, OpenAI {@code ft:…:ckpt-step-N}) that continues from it.
 */
public record CheckpointView(String reference, Long step, String kind, OffsetDateTime createdAt) {
}
