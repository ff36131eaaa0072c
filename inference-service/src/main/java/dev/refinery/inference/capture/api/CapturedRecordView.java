package dev.refinery.inference.capture.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/**
 * A captured answer as the API shows it (redacted as it was stored), with its feedback or null.
 *
 * @param id    the chatcmpl-... id the response carried
 * @param model what the request named; {@code servedModel} what answered (a version's id or a base model's)
 */
public record CapturedRecordView(String id, String model, String servedModel, String baseModel, JsonNode messages, String output,
                                 String finishReason, int promptTokens, int completionTokens, long latencyMs, Long timeToFirstTokenMs,
                                 boolean streamed, OffsetDateTime createdAt, FeedbackView feedback) {
}
