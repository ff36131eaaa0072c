package dev.refinery.eval.messaging;

import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.service.EvaluationRequests;
import dev.refinery.eval.service.ModelEndpoints;
import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * job-completed, v1 and v2: a succeeded job's model becomes a version in the registry; one in our bucket also gets a
 * PENDING evaluation and its work lease (run later by the worker, never inside this transaction); failed and cancelled
 * jobs are only marked processed. The record is read and checked first, outside any transaction: one that is not a job-completed event
 * of a known version, or breaks its contract, goes to job-completed.dlq. A valid event whose transaction fails for a
 * transient reason (the database away) is applied again after a back-off, for as long as that takes: never dead-lettered.
 */
@ApplicationScoped
public class JobCompletedConsumer {

    private static final Logger LOG = Logger.getLogger(JobCompletedConsumer.class);
    static final String CONSUMER = "eval-service";

    @Inject
    ConsumedEvents events;

    @Inject
    EvaluationRequests requests;

    @Inject
    ModelRegistry registry;

    @Inject
    ModelEndpoints endpoints;

    @Incoming(JobCompleted.TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        int version = Candidates.version(ce.type())
                .orElseThrow(() -> new MalformedEventException("unexpected type " + ce.type() + " on " + JobCompleted.TOPIC));
        if (record.value() == null) {
            throw new MalformedEventException("job-completed " + ce.id() + " has no payload");
        }
        JobCompleted event = EventPayloads.read(record.value(), JobCompleted.class);
        Candidates.Reading reading = Candidates.read(event, version, ce.id());
        boolean applied;
        try {
            applied = events.applyOnce(CONSUMER, ce.id(), () -> {
                if (reading.produced() != null) {
                    ModelVersion produced = registry.register(reading.produced(), ce.id());
                    if (reading.evaluable(endpoints)) {
                        requests.request(produced, ce.id(), reading.asked());
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "job-completed %s of job %s cannot be applied and goes to the dead-letter topic (replay it once fixed)",
                    ce.id(), event.jobId());
            throw e;
        }
        if (!applied) {
            LOG.debugf("job-completed %s already processed", ce.id());
        } else if (!reading.evaluable(endpoints)) {
            LOG.infof("job %s: nothing to evaluate, %s%s", event.jobId(), reading.noEvaluationBecause(),
                    reading.produced() == null ? "" : " (set " + endpoints.setting(reading.produced().backend()) + ")");
        }
    }
}
