package dev.refinery.eval.messaging;

import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.service.EvaluationService;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * job-completed: a succeeded job gets a PENDING evaluation (run later by the worker, never inside this
 * transaction); failed and cancelled jobs are only marked processed. Records that are not a
 * job-completed v1 event go to job-completed.dlq.
 */
@ApplicationScoped
public class JobCompletedConsumer {

    private static final Logger LOG = Logger.getLogger(JobCompletedConsumer.class);
    static final String CONSUMER = "eval-service";
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Set<String> STATUSES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    @Inject
    Inbox inbox;

    @Inject
    EvaluationService evaluations;

    @Incoming(JobCompleted.TOPIC)
    @Blocking
    @Transactional
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!JobCompleted.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + JobCompleted.TOPIC);
        }
        if (record.value() == null) {
            throw new MalformedEventException("job-completed " + ce.id() + " has no payload");
        }
        JobCompleted event = EventPayloads.read(record.value(), JobCompleted.class);
        requireContract(event, ce.id());
        if (!inbox.firstDelivery(CONSUMER, ce.id())) {
            LOG.debugf("job-completed %s already processed", ce.id());
            return;
        }
        if (!event.succeeded()) {
            LOG.infof("job %s ended %s: nothing to evaluate", event.jobId(), event.status());
            return;
        }
        if (!event.trainedLocally()) {
            // A provider's model stays with the provider; evaluating it needs its chat-completions endpoint (not built yet).
            LOG.infof("job %s trained on %s: evaluating provider-hosted models is not built yet, so none is requested",
                    event.jobId(), event.backend());
            return;
        }
        evaluations.request(event, ce.id());
    }

    /** The fields this service relies on, as the contract promises them; a record without them can never be evaluated. */
    private static void requireContract(JobCompleted e, String ceId) {
        String problem = null;
        if (e.jobId() == null || !EvaluationService.JOB_ID.matcher(e.jobId()).matches()) {
            problem = "jobId '" + e.jobId() + "' is not ft- followed by 32 hex digits";
        } else if (e.datasetId() == null || !DATASET_ID.matcher(e.datasetId()).matches()) {
            problem = "datasetId '" + e.datasetId() + "' is not ds- followed by 32 hex digits";
        } else if (e.baseModel() == null || e.baseModel().isBlank()) {
            problem = "baseModel is missing";
        } else if (!STATUSES.contains(e.status())) {
            problem = "status '" + e.status() + "' is not SUCCEEDED, FAILED or CANCELLED";
        } else if (e.succeeded() && (e.adapterKey() == null || e.adapterKey().isBlank())) {
            problem = "a SUCCEEDED job must carry its adapterKey";
        }
        if (problem != null) {
            throw new MalformedEventException("job-completed " + ceId + " breaks its contract: " + problem);
        }
    }
}
