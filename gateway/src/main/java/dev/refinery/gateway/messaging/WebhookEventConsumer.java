package dev.refinery.gateway.messaging;

import dev.refinery.gateway.events.PipelineEvent;
import dev.refinery.gateway.webhook.DeliveryQueue;
import dev.refinery.kit.events.MalformedEventException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns pipeline events into webhook deliveries. Unlike the live relay, this must not lose an event when a gateway
 * restarts: all replicas consume the six topics in one consumer group ({@code gateway-webhooks}), so each event is
 * handled by one of them, and its offset is committed only after its deliveries are stored. An event handled twice (after
 * a rebalance or a crash before the commit) adds no second delivery. If storing fails (the database is gone), the channel
 * fails and health reports it; the uncommitted events are read again after the restart.
 */
@ApplicationScoped
public class WebhookEventConsumer {

    private static final Logger LOG = Logger.getLogger(WebhookEventConsumer.class);

    @Inject
    EventReader reader;

    @Inject
    DeliveryQueue queue;

    @Incoming("webhook-events")
    @Blocking
    public void onEvent(ConsumerRecord<String, String> record) {
        PipelineEvent event;
        try {
            event = reader.read(record);
        } catch (MalformedEventException e) {
            // The live consumers put it on the dead-letter topic already; one copy there is enough.
            LOG.debugf("%s-%d@%d is not an event, no webhook gets it: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        int added = queue.enqueue(event);
        if (added > 0) {
            LOG.debugf("event %s (%s) queued for %d webhook(s)", event.id(), event.topic(), added);
        }
    }
}
