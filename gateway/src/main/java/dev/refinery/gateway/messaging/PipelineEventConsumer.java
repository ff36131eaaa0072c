package dev.refinery.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.gateway.events.PipelineEvent;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.gateway.service.EventBroadcaster;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * Reads the five pipeline topics and hands every event to the live clients. Each gateway instance
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
    ObjectMapper json;

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

    private void relay(ConsumerRecord<String, String> record) {
        try {
            broadcaster.publish(toEvent(record));
            registry.counter("refinery_gateway_events_relayed_total", "topic", record.topic()).increment();
        } catch (MalformedEventException e) {
            registry.counter("refinery_gateway_events_rejected_total", "topic", record.topic()).increment();
            LOG.warnf("%s-%d@%d goes to the dead-letter topic: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            throw e;
        }
    }

    /** The SSE form of a record; anything that is not a Refinery event of this topic is malformed. */
    PipelineEvent toEvent(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        // Any version of this topic's event is relayed: a v2 producer must not go dark on the dashboard.
        if (!Pattern.matches("refinery\\." + Pattern.quote(record.topic()) + "\\.v[0-9]+", ce.type())) {
            throw new MalformedEventException("type " + ce.type() + " does not belong on topic " + record.topic());
        }
        JsonNode payload = parsePayload(record);
        String subject = record.key() != null ? record.key() : ce.subject();
        ObjectNode data = json.createObjectNode();
        data.put("type", ce.type());
        data.put("id", ce.id());
        data.put("subject", subject);
        data.put("time", ce.time());
        data.set("data", payload);
        try {
            String tenant = payload.path("tenant").isTextual() ? payload.get("tenant").asText() : PipelineEvent.DEFAULT_TENANT;
            return new PipelineEvent(record.topic(), ce.id(), tenant, subject, json.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event " + ce.id() + " cannot be written as JSON", e);
        }
    }

    private JsonNode parsePayload(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            throw new MalformedEventException("record at " + record.topic() + "-" + record.partition() + "@" + record.offset() + " has no payload");
        }
        try {
            JsonNode payload = json.readTree(record.value());
            if (payload == null || !payload.isObject()) {
                throw new MalformedEventException("the payload of " + record.topic() + "-" + record.partition() + "@" + record.offset()
                        + " is not a JSON object");
            }
            return payload;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("the payload of " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
