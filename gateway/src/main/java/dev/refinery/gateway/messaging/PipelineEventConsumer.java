package dev.refinery.gateway.messaging;

import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.gateway.service.EventBroadcaster;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the six pipeline topics and hands every event to the live clients. Each gateway instance
 * consumes in consumer groups of its own, from the latest offset and without committing: it relays
 * what happens while it runs, to the clients connected to it, and changes no state, so there is
 * nothing to de-duplicate (a repeat reaches a client twice, with the same SSE id). A record that
 * is not an event goes to {@code <topic>.dlq}; the next one is relayed as usual.
 */
@ApplicationScoped
public class PipelineEventConsumer {

    private static final Logger LOG = Logger.getLogger(PipelineEventConsumer.class);

    @Inject
    EventBroadcaster broadcaster;

    @Inject
    EventReader reader;

    @Inject
    MeterRegistry registry;

    @Incoming("dataset-uploaded")
    public void datasetUploaded(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("dataset-validated")
    public void datasetValidated(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("job-submitted")
    public void jobSubmitted(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("job-completed")
    public void jobCompleted(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("eval-finished")
    public void evalFinished(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("model-promoted")
    public void modelPromoted(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("pipeline-run-finished")
    public void pipelineRunFinished(ConsumerRecord<String, String> record) {
        relay(record);
    }

    @Incoming("pipeline-paused")
    public void pipelinePaused(ConsumerRecord<String, String> record) {
        relay(record);
    }

    private void relay(ConsumerRecord<String, String> record) {
        try {
            broadcaster.publish(reader.read(record));
            registry.counter("refinery_gateway_events_relayed_total", "topic", record.topic()).increment();
        } catch (MalformedEventException e) {
            registry.counter("refinery_gateway_events_rejected_total", "topic", record.topic()).increment();
            LOG.warnf("%s-%d@%d goes to the dead-letter topic: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            throw e;
        }
    }
}
