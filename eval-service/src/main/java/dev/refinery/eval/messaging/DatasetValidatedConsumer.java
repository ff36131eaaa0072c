package dev.refinery.eval.messaging;

import dev.refinery.eval.events.DatasetValidated;
import dev.refinery.eval.repository.ValidatedDataset;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps the read model of validated datasets (group eval-service): each event applied once, transient trouble waited out; a
 * record that is not a dataset-validated event goes to dataset-validated.dlq. A verdict older than the one known (events of
 * a re-validated dataset out of order) is ignored.
 */
@ApplicationScoped
public class DatasetValidatedConsumer {

    static final String CONSUMER = "eval-service";
    private static final Pattern ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Set<String> STATUSES = Set.of("VALID", "INVALID");

    @Inject
    ConsumedEvents events;

    @Incoming(DatasetValidated.TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!DatasetValidated.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + DatasetValidated.TOPIC);
        }
        if (record.value() == null) {
            throw new MalformedEventException("dataset-validated " + ce.id() + " has no payload");
        }
        DatasetValidated event = EventPayloads.read(record.value(), DatasetValidated.class);
        if (event.datasetId() == null || !ID.matcher(event.datasetId()).matches() || !STATUSES.contains(event.status())
                || event.validatedAt() == null) {
            throw new MalformedEventException("dataset-validated " + ce.id() + " breaks its contract: datasetId " + event.datasetId()
                    + ", status " + event.status() + ", validatedAt " + event.validatedAt());
        }
        events.applyOnce(CONSUMER, ce.id(), () -> apply(event));
    }

    private static void apply(DatasetValidated event) {
        ValidatedDataset d = ValidatedDataset.findById(event.datasetId());
        if (d != null && d.validatedAt.isAfter(event.validatedAt())) {
            return;
        }
        if (d == null) {
            d = new ValidatedDataset();
            d.datasetId = event.datasetId();
        }
        d.tenant = event.owner();
        d.status = event.status();
        d.validRecords = event.validRecords();
        d.testRecords = event.testRecords();
        d.validatedAt = event.validatedAt();
        d.persist();
    }
}
