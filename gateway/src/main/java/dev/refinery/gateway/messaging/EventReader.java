package dev.refinery.gateway.messaging;

import dev.refinery.identity.Tenants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.gateway.events.PipelineEvent;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.regex.Pattern;

/**
 * Turns a pipeline record into the event the gateway hands on (to live clients and to webhooks alike, so both see the
 * same envelope); anything that is not a Refinery event of its topic is malformed.
 */
@ApplicationScoped
public class EventReader {

    @Inject
    ObjectMapper json;

    public PipelineEvent read(ConsumerRecord<String, String> record) {
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
            String tenant = Tenants.ofEvent(payload.path("tenant").isTextual() ? payload.get("tenant").asText() : null);
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
