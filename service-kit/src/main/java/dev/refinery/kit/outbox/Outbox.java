package dev.refinery.kit.outbox;

import dev.refinery.kit.events.EventPayloads;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Records an event in the caller's transaction. It reaches Kafka only if that transaction commits,
 * and then exactly as recorded: the state change and the event can never disagree.
 */
@ApplicationScoped
public class Outbox {

    @Inject
    OutboxRelay relay;

    @Inject
    MeterRegistry registry;

    /**
     * Adds an event to the outbox. Must run inside a transaction (the one that changes the state).
     *
     * @param topic       the event name, which is also the topic
     * @param aggregateId record key and ce_subject
     * @param payload     the event record, serialised to JSON
     * @return the CloudEvents id the event will carry
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(String topic, String aggregateId, Object payload) {
        return publish(topic, aggregateId, payload, 1);
    }

    /** As {@link #publish(String, String, Object)}, for version {@code version} of the event ({@code ce_type refinery.<topic>.v<n>}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(String topic, String aggregateId, Object payload, int version) {
        OutboxEvent e = new OutboxEvent();
        e.eventId = UUID.randomUUID();
        e.topic = topic;
        e.aggregateId = aggregateId;
        e.ceType = "refinery." + topic + ".v" + version;
        e.payload = EventPayloads.write(payload);
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        e.persist();
        registry.counter("refinery_outbox_events_recorded_total", "topic", topic).increment();
        relay.wakeUpAfterCommit();
        return e.eventId;
    }
}
