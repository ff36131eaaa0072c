package dev.refinery.ingest.messaging;

import dev.refinery.identity.Tenants;
import dev.refinery.ingest.service.ExampleEnvelopes;
import dev.refinery.ingest.service.ExampleIntake;
import dev.refinery.ingest.service.ExampleOutcome;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.work.TransientRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.OptionalLong;

/**
 * {@code examples}: one producer's example per record, keyed by collection id. The record is read first, outside any
 * transaction: one that is not an envelope (not JSON, no producerId, idempotencyId, example, collectionId or tenant, a key
 * that is not its collection id) can never be applied and goes to {@code examples.dlq}. A readable one takes the path
 * every example takes ({@link ExampleIntake}): checked, then stored once or refused into the rejection log; a refusal is
 * not a dead letter, it is an answer the producer reads back. A transient failure (the database away) is waited out with
 * back-off while the partition waits behind the record: nothing valid is lost, nothing is stored twice.
 *
 * <p>The tenant is the one the record names, and it must own the collection (else: rejected as COLLECTION_NOT_FOUND).
 * Kafka carries no caller identity, so this is a check against mistakes, not authentication: the topic is for the
 * deployment's trusted producers, kept so by the broker's ACLs (docs/collections.md). Untrusted producers use the HTTP
 * batch, where the tenant is their API key's.
 */
@ApplicationScoped
public class ExamplesConsumer {

    public static final String TOPIC = "examples";
    private static final Logger LOG = Logger.getLogger(ExamplesConsumer.class);

    @Inject
    ExampleIntake intake;

    @Inject
    TransientRetry retry;

    @Inject
    MeterRegistry registry;

    @Incoming(TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        ExampleEnvelopes.Envelope envelope;
        try {
            envelope = read(record);
        } catch (MalformedEventException e) {
            registry.counter("refinery_ingest_examples_dead_lettered_total").increment();
            LOG.warnf("%s record at partition %d offset %d goes to the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            throw e;
        }
        List<ExampleOutcome> outcomes = retry.get(() -> intake.receive(envelope.tenant(), envelope.collectionId(),
                List.of(envelope.submission()), ExampleIntake.Via.KAFKA,
                // the producer's send time measures its rate (no timestamp at all: the time it is read)
                OptionalLong.of(record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis())));
        ExampleOutcome outcome = outcomes.get(0);
        LOG.debugf("example %s/%s for %s: %s", envelope.producerId(), envelope.idempotencyId(), envelope.collectionId(), outcome.status());
    }

    private static ExampleEnvelopes.Envelope read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new MalformedEventException("examples record without a value");
        }
        ExampleEnvelopes.Envelope envelope;
        try {
            envelope = ExampleEnvelopes.one(record.value());
        } catch (ExampleEnvelopes.EnvelopeException e) {
            throw new MalformedEventException(e.code + ": " + e.getMessage());
        }
        if (envelope.collectionId() == null) {
            throw new MalformedEventException("examples record without a collectionId");
        }
        if (envelope.tenant() == null || !Tenants.isValid(envelope.tenant())) {
            throw new MalformedEventException("examples record without a valid tenant (the project that owns the collection)");
        }
        if (record.key() != null && !record.key().equals(envelope.collectionId())) {
            // The key orders a collection's examples on one partition; a record keyed otherwise was sent by a broken producer.
            throw new MalformedEventException("examples record keyed " + record.key() + " for collection " + envelope.collectionId());
        }
        return envelope;
    }
}
