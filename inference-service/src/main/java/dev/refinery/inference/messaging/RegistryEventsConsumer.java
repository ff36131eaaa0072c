package dev.refinery.inference.messaging;

import dev.refinery.inference.events.ModelPromoted;
import dev.refinery.inference.events.ModelRegistered;
import dev.refinery.inference.server.InferenceServers;
import dev.refinery.inference.service.ServedModels;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The registry's events (group inference-service): each applied once to the read model of what can be served, transient
 * trouble waited out; a record that is not the expected event goes to its topic's dead-letter topic.
 */
@ApplicationScoped
public class RegistryEventsConsumer {

    static final String CONSUMER = "inference-service";

    @Inject
    ConsumedEvents events;

    @Inject
    ServedModels served;

    @Inject
    InferenceServers servers;

    @Incoming(ModelRegistered.TOPIC)
    @Blocking
    public void registered(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!ModelRegistered.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + ModelRegistered.TOPIC);
        }
        ModelRegistered event = EventPayloads.read(payload(record, ce), ModelRegistered.class);
        events.applyOnce(CONSUMER, ce.id(), () -> served.apply(event));
    }

    @Incoming(ModelPromoted.TOPIC)
    @Blocking
    public void promoted(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (ce.type() == null || !ce.type().matches("refinery\\.model-promoted\\.v[12]")) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + ModelPromoted.TOPIC);
        }
        ModelPromoted event = EventPayloads.read(payload(record, ce), ModelPromoted.class);
        if (events.applyOnce(CONSUMER, ce.id(), () -> served.apply(event))) {
            // A promoted adapter is loaded into its base model's server now, not at its first request.
            servers.preload(served.target(event));
        }
    }

    private static String payload(ConsumerRecord<String, String> record, CloudEventHeaders ce) {
        if (record.value() == null) {
            throw new MalformedEventException(record.topic() + " " + ce.id() + " has no payload");
        }
        return record.value();
    }
}
