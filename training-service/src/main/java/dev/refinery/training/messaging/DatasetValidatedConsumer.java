package dev.refinery.training.messaging;

import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import dev.refinery.training.events.DatasetValidated;
import dev.refinery.training.service.DatasetReadModel;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the dataset read model up to date (group training-service): each event applied once, transient trouble waited
 * out; a record that is not a dataset-validated event goes to dataset-validated.dlq.
 */
@ApplicationScoped
public class DatasetValidatedConsumer {

    static final String CONSUMER = "training-service";

    @Inject
    ConsumedEvents events;

    @Inject
    DatasetReadModel datasets;

    @Incoming(DatasetValidated.TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!DatasetValidated.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + DatasetValidated.TOPIC);
        }
        DatasetValidated event = EventPayloads.read(record.value(), DatasetValidated.class);
        events.applyOnce(CONSUMER, ce.id(), () -> datasets.apply(event));
    }
}
