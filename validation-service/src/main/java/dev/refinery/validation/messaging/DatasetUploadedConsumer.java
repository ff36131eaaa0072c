package dev.refinery.validation.messaging;

import dev.refinery.identity.Tenants;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.service.ValidationRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * {@code dataset-uploaded}: queues the dataset's validation (a PENDING run and its work lease) in the transaction that
 * records the event as processed ({@link ConsumedEvents#applyOnce}). The validation itself runs later on the worker, never
 * here, so a big file cannot hold up the partition or the transaction. The record is read and checked first, outside any
 * transaction: one that is not a usable event goes to {@code dataset-uploaded.dlq}. A valid event whose transaction fails
 * for a transient reason (the database away) is applied again after a back-off, for as long as that takes: never
 * dead-lettered.
 */
@ApplicationScoped
public class DatasetUploadedConsumer {

    static final String CONSUMER = "validation-service";
    private static final Logger LOG = Logger.getLogger(DatasetUploadedConsumer.class);
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");

    @Inject
    ConsumedEvents events;

    @Inject
    ValidationRequests requests;

    @Inject
    MeterRegistry registry;

    @Incoming(DatasetUploaded.TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce;
        DatasetUploaded event;
        try {
            ce = CloudEventHeaders.of(record);
            if (!DatasetUploaded.TYPE.equals(ce.type())) {
                throw new MalformedEventException("unexpected type " + ce.type() + " on " + DatasetUploaded.TOPIC);
            }
            event = read(record.value());
        } catch (MalformedEventException e) {
            count("malformed");
            LOG.warnf("%s record at offset %d goes to the dead-letter topic: %s", record.topic(), record.offset(), e.getMessage());
            throw e;
        }
        AtomicBoolean queued = new AtomicBoolean();
        boolean applied;
        try {
            applied = events.applyOnce(CONSUMER, ce.id(), () -> queued.set(requests.request(event)));
        } catch (RuntimeException e) {
            count("failed");
            LOG.errorf(e, "dataset-uploaded %s for %s cannot be applied and goes to the dead-letter topic (replay it once fixed)",
                    ce.id(), event.datasetId());
            throw e;
        }
        if (!applied) {
            count("duplicate");
            LOG.debugf("dataset-uploaded %s for %s already applied", ce.id(), event.datasetId());
            return;
        }
        if (!queued.get()) {
            count("already_queued");
            LOG.infof("dataset %s already has a validation run; event %s ignored", event.datasetId(), ce.id());
            return;
        }
        count("queued");
        LOG.infof("dataset %s queued for validation (%s)%s", event.datasetId(), event.objectKey(),
                event.checks() == null ? "" : " with its own check options");
    }

    private static DatasetUploaded read(String value) {
        if (value == null) {
            throw new MalformedEventException("dataset-uploaded record without a value");
        }
        DatasetUploaded event = EventPayloads.read(value, DatasetUploaded.class);
        if (event.datasetId() == null || !DATASET_ID.matcher(event.datasetId()).matches()
                || isBlank(event.bucket()) || isBlank(event.objectKey())) {
            throw new MalformedEventException("dataset-uploaded without a valid datasetId, bucket and objectKey: " + abbreviate(value));
        }
        if (event.tenant() != null && !Tenants.isValid(event.tenant())) {
            // Whose the dataset is decides who may read its report: an unreadable owner is never guessed.
            throw new MalformedEventException("dataset-uploaded with a tenant the contract does not allow: " + abbreviate(value));
        }
        DatasetUploaded.TestSet testSet = event.checks() == null ? null : event.checks().testSet();
        if (testSet != null && (isBlank(testSet.datasetId()) || isBlank(testSet.bucket()) || isBlank(testSet.objectKey()))) {
            throw new MalformedEventException("dataset-uploaded with a test set but without its datasetId, bucket and objectKey: " + abbreviate(value));
        }
        return event;
    }

    private void count(String outcome) {
        registry.counter("refinery_validation_events_consumed_total", "outcome", outcome).increment();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
