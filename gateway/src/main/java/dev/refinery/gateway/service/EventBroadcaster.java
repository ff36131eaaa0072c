package dev.refinery.gateway.service;

import dev.refinery.gateway.config.GatewayConfig;
import dev.refinery.gateway.events.PipelineEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fans the pipeline's events out to every connected live client.
 *
 * <p>Slow clients never hold up the Kafka consumers: {@link #publish} only hands an event to each
 * client's own buffer and returns. A client's buffer holds up to {@code refinery.gateway.sse.client-buffer}
 * events; a client that falls further behind gets an {@code overflow} message next (what was still in
 * its buffer is dropped) and its stream ends: buffer-with-limit, then disconnect. The client knows it
 * missed events and reconnects, rather than silently losing some, and the gateway never holds an
 * unbounded backlog for it.
 */
@ApplicationScoped
public class EventBroadcaster {

    private static final Logger LOG = Logger.getLogger(EventBroadcaster.class);

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    private final BroadcastProcessor<LiveMessage> processor = BroadcastProcessor.create();
    private final AtomicInteger clients = new AtomicInteger();
    private Cancellable heartbeats;

    void start(@Observes StartupEvent ev) {
        registry.gauge("refinery_gateway_sse_clients", clients);
        heartbeats = Multi.createFrom().ticks().every(config.sse().heartbeat())
                .onOverflow().drop()
                .subscribe().with(tick -> emit(new LiveMessage.Heartbeat()));
    }

    void stop(@Observes ShutdownEvent ev) {
        if (heartbeats != null) {
            heartbeats.cancel();
        }
        synchronized (this) {
            processor.onComplete(); // ends every open stream, so shutdown does not wait for clients
        }
    }

    /** Hands an event to every connected client's buffer; never blocks. */
    public void publish(PipelineEvent event) {
        emit(new LiveMessage.Event(event));
    }

    /** Called from the six consumers and the heartbeat timer: the processor needs its items one at a time. */
    private synchronized void emit(LiveMessage message) {
        processor.onNext(message);
    }

    /**
     * A new client's stream: {@link LiveMessage.Connected} once it is subscribed, then the events of
     * {@code tenant} (only those about {@code subject} when one is given) and heartbeats, until the client
     * goes away or overflows.
     */
    public Multi<LiveMessage> subscribe(String tenant, String subject) {
        return subscribe(tenant, subject, config.sse().clientBuffer());
    }

    Multi<LiveMessage> subscribe(String tenant, String subject, int limit) {
        // The buffer sits right behind the processor, whose subscribers must always have demand
        // (it fails one that has none); everything after it requests one item at a time, so the
        // buffer's limit is what a client may lag by.
        Multi<LiveMessage> live = processor
                .filter(m -> !(m instanceof LiveMessage.Event e)
                        || (tenant.equals(e.event().tenant()) && (subject == null || subject.equals(e.event().subject()))))
                .onOverflow().buffer(limit);
        // The live stream is subscribed before Connected is emitted: whatever comes after Connected reaches the client.
        return Multi.createBy().merging().withRequests(1).streams(live, Multi.createFrom().item(new LiveMessage.Connected()))
                .onFailure(BackPressureFailure.class).recoverWithItem(failure -> {
                    registry.counter("refinery_gateway_sse_overflows_total").increment();
                    LOG.infof("a live client fell more than %d events behind; ending its stream", limit);
                    return new LiveMessage.Overflow(limit);
                })
                .onSubscription().invoke(() -> clients.incrementAndGet())
                .onTermination().invoke(() -> clients.decrementAndGet());
    }
}
