package dev.refinery.kit.outbox;

import dev.refinery.kit.inbox.Inbox;
import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to Kafka (see {@link OutboxPublisher} for order, parking and deadlines): right after each
 * commit that recorded an event, and on a timer as the safety net (events committed before a restart, a broker that
 * was away). One relay thread per process, so passes never overlap and a burst of commits coalesces into one pass;
 * several replicas relay side by side without sending a row twice at once. A crash between the send and the stamp
 * re-sends the event; consumers drop the repeat by its CloudEvents id.
 *
 * <p>Metrics: {@code refinery_outbox_backlog} and {@code refinery_outbox_parked} (alert when above 0: an event the
 * broker refused for good), counters of published and parked events.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    DataSource dataSource;

    @Inject
    OutboxProducer producer;

    @Inject
    AfterCommit afterCommit;

    @Inject
    Inbox inbox;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "refinery")
    String serviceName;

    @ConfigProperty(name = "refinery.outbox.batch-size", defaultValue = "100")
    int batchSize;

    /** A batch stops sending after this long, far inside any transaction or lock timeout. */
    @ConfigProperty(name = "refinery.outbox.batch-deadline", defaultValue = "PT10S")
    Duration batchDeadline;

    @ConfigProperty(name = "refinery.outbox.send-timeout", defaultValue = "PT5S")
    Duration sendTimeout;

    /** Sent events are deleted after this long. */
    @ConfigProperty(name = "refinery.outbox.retention", defaultValue = "P7D")
    Duration retention;

    /** Processed-event ids are kept this long: longer than the broker keeps a record that could be delivered again. */
    @ConfigProperty(name = "refinery.inbox.retention", defaultValue = "P14D")
    Duration inboxRetention;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("outbox-relay"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private OutboxPublisher publisher;

    @PostConstruct
    void init() {
        publisher = new OutboxPublisher(dataSource, new KafkaEventSender(producer, serviceName), batchSize, batchDeadline, sendTimeout);
        registry.gauge("refinery_outbox_backlog", backlog);
        registry.gauge("refinery_outbox_parked", parked);
    }

    /** Asks for a relay pass as soon as the current transaction commits (no waiting for the next tick). */
    void wakeUpAfterCommit() {
        afterCommit.run(this::requestPass);
    }

    /** The safety net: also relays on a timer, for events committed before a restart or after a broker outage. */
    @Scheduled(every = "${refinery.outbox.poll-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        requestPass();
    }

    /** Deletes sent events and processed-event ids past their retention. */
    @Scheduled(every = "${refinery.outbox.prune-interval:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        try {
            int events = publisher.prune(retention);
            int ids = inbox.prune(inboxRetention);
            if (events + ids > 0) {
                LOG.infof("pruned %d sent outbox events older than %s and %d processed-event ids older than %s", events, retention, ids,
                        inboxRetention);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("pruning the outbox and inbox failed, next time then: %s", e.getMessage());
        }
    }

    private void requestPass() {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    drain();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false); // shutting down
            }
        }
    }

    /** Relays until the outbox is empty or the broker stops answering. */
    public void drain() {
        try {
            OutboxPublisher.BatchResult batch;
            do {
                batch = publisher.relayBatch();
                if (batch.sent() > 0) {
                    registry.counter("refinery_outbox_events_published_total").increment(batch.sent());
                }
                if (batch.parked() > 0) {
                    registry.counter("refinery_outbox_events_parked_total").increment(batch.parked());
                }
            } while (!batch.stoppedEarly() && batch.handled() == publisher.batchSize());
            backlog.set(publisher.backlog());
            parked.set(publisher.parked());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    /** Events not yet acknowledged by the broker (parked ones excluded). */
    public long backlog() {
        try {
            return publisher.backlog();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the outbox backlog: " + e.getMessage(), e);
        }
    }

    /** Puts a parked event back in line; false when there is no such parked event. */
    public boolean unpark(UUID eventId) {
        try {
            boolean done = publisher.unpark(eventId);
            if (done) {
                requestPass();
            }
            return done;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot unpark " + eventId + ": " + e.getMessage(), e);
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        worker.shutdown();
    }
}
