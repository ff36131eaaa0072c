package dev.refinery.training.messaging;

import dev.refinery.kit.events.CloudEventHeaders;
import dev.refinery.kit.events.EventPayloads;
import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.kit.inbox.ConsumedEvents;
import dev.refinery.training.events.EvalFinished;
import dev.refinery.training.service.PipelineDrift;
import dev.refinery.training.service.PipelineRuns;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * eval-finished (v1 to v3, group training-service): the evaluation of a pipeline run's job ends the run; a drift check's
 * evaluation decides whether the champion drifted. Each event applied
 * once, transient trouble waited out; a record that is not an eval-finished event goes to eval-finished.dlq.
 */
@ApplicationScoped
public class EvalFinishedConsumer {

    @Inject
    ConsumedEvents events;

    @Inject
    PipelineRuns runs;

    @Inject
    PipelineDrift drift;

    @Incoming(EvalFinished.TOPIC)
    @Blocking
    public void on(ConsumerRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.of(record);
        if (ce.type() == null || !ce.type().startsWith(EvalFinished.TYPE_PREFIX)) {
            throw new MalformedEventException("unexpected type " + ce.type() + " on " + EvalFinished.TOPIC);
        }
        if (record.value() == null) {
            throw new MalformedEventException("eval-finished " + ce.id() + " has no payload");
        }
        EvalFinished event = EventPayloads.read(record.value(), EvalFinished.class);
        events.applyOnce(DatasetValidatedConsumer.CONSUMER, ce.id(), () -> {
            runs.evaluated(event);
            drift.evaluated(event);
        });
    }
}
