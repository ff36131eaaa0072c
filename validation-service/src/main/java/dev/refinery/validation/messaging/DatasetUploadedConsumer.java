package dev.refinery.validation.messaging;

import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.Inbox;
import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.service.ValidationRuns;
import dev.refinery.validation.service.ValidationWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * {@code dataset-uploaded}: queues the dataset's validation (a PENDING run) in the transaction that
 * records the event as processed. The validation itself runs later on the worker, never here, so a big
 * file cannot hold up the partition or the transaction. Records that are not a usable event go to
 * {@code dataset-uploaded.dlq}.
 */
@ApplicationScoped
public class DatasetUploadedConsumer {

    static final String CONSUMER = "validation-service";
    private static final Logger LOG = Logger.getLogger(DatasetUploadedConsumer.class);
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");

    @Inject
    Inbox inbox;

    @Inject
    ValidationRuns runs;

    @Inject
    ValidationWorker worker;

    @Inject
    MeterRegistry registry;

    @Incoming(DatasetUploaded.TOPIC)
    @Blocking
    @Transactional
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
        if (!inbox.firstDelivery(CONSUMER, ce.id())) {
            count("duplicate");
            LOG.debugf("dataset-uploaded %s for %s already applied", ce.id(), event.datasetId());
            return;
        }
        if (!runs.queue(event)) {
            count("already_queued");
            LOG.infof("dataset %s already has a validation run; event %s ignored", event.datasetId(), ce.id());
            return;
        }
        worker.wakeUpAfterCommit();
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
