package dev.refinery.training.messaging;

import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.Inbox;
import dev.refinery.training.events.DatasetValidated;
import dev.refinery.training.service.DatasetReadModel;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps the dataset read model up to date (group training-service); repeats are skipped by event id. */
@ApplicationScoped
public class DatasetValidatedConsumer {

    static final String CONSUMER = "training-service";

    @Inject
    Inbox inbox;

    @Inject
    DatasetReadModel datasets;

    @Incoming(DatasetValidated.TOPIC)
    @Blocking
    @Transactional
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!DatasetValidated.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + DatasetValidated.TOPIC);
        }
        DatasetValidated event = EventPayloads.read(record.value(), DatasetValidated.class);
        if (!inbox.firstDelivery(CONSUMER, ce.id())) {
            return;
        }
        datasets.apply(event);
    }
}
