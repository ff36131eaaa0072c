package dev.refinery.training.rest;

import java.time.OffsetDateTime;

/** One entry of a job's history: QUEUED, STARTED, RESUMED, CHECKPOINT, INTERRUPTED, SUCCEEDED or FAILED. */
public record JobEventView(String type, String message, Integer step, OffsetDateTime createdAt) {
}
