package dev.refinery.inference.capture.api;

import java.time.OffsetDateTime;

/** The feedback stored on a captured answer (the latest one sent). */
public record FeedbackView(String responseId, Integer rating, String thumbs, String correction, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt) {
}
