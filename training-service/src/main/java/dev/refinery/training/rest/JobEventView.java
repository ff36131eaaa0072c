package dev.refinery.training.rest;

import java.time.OffsetDateTime;

/**
 * One entry of a job's history (QUEUED, STARTED, RESUMED, CHECKPOINT, INTERRUPTED, PROVIDER, BUDGET, CANCEL_REQUESTED,
 * the canonical states...). {@code state} is set when the entry moved the job to a canonical state: the entries with a
 * state, in order, are the job's canonical lifecycle, the same on every backend.
 */
public record JobEventView(String type, String state, String level, String message, Integer step, OffsetDateTime createdAt) {
}
