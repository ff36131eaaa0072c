package dev.refinery.eval.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/**
 * One version of a grader as the API shows it; {@code use} is the name an evaluation's metrics or a policy's guards give.
 */
public record GraderView(String name, int version, String kind, JsonNode config, String use, String createdBy, OffsetDateTime createdAt) {
}
