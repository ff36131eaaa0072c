package dev.refinery.gateway.events;

/**
 * One pipeline event as the gateway relays it to live clients: the topic (the SSE event name), the
 * CloudEvents id (the SSE id), the tenant it belongs to (a live client sees only its own tenant's), the
 * aggregate it concerns (for {@code ?subject=} filters) and the SSE
 * data, serialised once for every client:
 * {@code {"type": ce_type, "id": ce_id, "subject": key, "time": ce_time, "data": <payload>}}.
 */
public record PipelineEvent(String topic, String id, String tenant, String subject, String json) {
}
