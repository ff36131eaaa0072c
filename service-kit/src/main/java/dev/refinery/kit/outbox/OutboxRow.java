package dev.refinery.kit.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An outbox row as the relay reads it (the entity {@link OutboxEvent} is how a service writes one). */
public record OutboxRow(long id, UUID eventId, String topic, String aggregateId, String ceType, String payload, OffsetDateTime createdAt) {
}
