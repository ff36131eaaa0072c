package dev.refinery.providers.spi;

import java.time.Instant;

/**
 * One entry of a provider job's event log. {@code type} is lower-cased (Together's SDK and its OpenAPI disagree
 * on case); {@code step} is set when the event names one.
 */
public record ProviderEvent(String id, Instant createdAt, EventLevel level, String type, String message, Long step) {
}
