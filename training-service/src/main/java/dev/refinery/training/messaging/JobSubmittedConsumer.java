package dev.refinery.training.messaging;

import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.Inbox;
import dev.refinery.training.events.JobSubmitted;
import dev.refinery.training.service.JobLifecycle;
import dev.refinery.training.service.JobWorkerPool;
import dev.refinery.training.service.ProviderJobs;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The worker's intake (group training-worker): a submitted job of the local backend is handed to the
 * worker pool after this transaction commits. Training never runs in here; repeats are skipped by
 * event id, and a job that is already finished or held is not trained twice.
 */
@ApplicationScoped
public class JobSubmittedConsumer {

    static final String CONSUMER = "training-worker";
    private static final Logger LOG = Logger.getLogger(JobSubmittedConsumer.class);

    @Inject
    Inbox inbox;

    @Inject
    JobLifecycle lifecycle;

    @Inject
    JobWorkerPool pool;

    @Inject
    ProviderJobs providerJobs;

    @Incoming(JobSubmitted.TOPIC)
    @Blocking
    @Transactional
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (!JobSubmitted.TYPE.equals(ce.type())) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + JobSubmitted.TOPIC);
        }
        JobSubmitted event = EventPayloads.read(record.value(), JobSubmitted.class);
        if (event.jobId() == null) {
            throw new MalformedEventException("job-submitted without a jobId");
        }
        if (!inbox.firstDelivery(CONSUMER, ce.id())) {
            return;
        }
        if (!"local".equals(event.backend())) {
            if (lifecycle.awaitsTraining(event.jobId())) {
                providerJobs.submitAfterCommit(event.jobId());
            }
            return;
        }
        if (lifecycle.awaitsTraining(event.jobId())) {
            pool.dispatchAfterCommit(event.jobId());
        }
    }
}
