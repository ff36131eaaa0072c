package dev.refinery.kit.outbox;

import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.kit.work.AfterCommit;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows to Kafka in id order and marks each one sent only after the broker
 * acknowledged it (idempotent producer, acks=all). A crash between the send and the mark re-sends the
 * event on restart; consumers drop the repeat by its CloudEvents id. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several instances of a service can relay side by side.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    @Inject
    EntityManager em;

    @Inject
    OutboxProducer producer;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "refinery")
    String serviceName;

    /** One relay thread: passes never overlap, and a burst of commits coalesces into one pass. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("outbox-relay"));
    private final AtomicBoolean queued = new AtomicBoolean();

    /** Asks for a relay pass as soon as the current transaction commits (no waiting for the next tick). */
    void wakeUpAfterCommit() {
        afterCommit.run(this::requestPass);
    }

    /** The safety net: also relays on a timer, for events committed before a restart or after a broker outage. */
    @Scheduled(every = "${refinery.outbox.poll-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        requestPass();
    }

    private void requestPass() {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    drain();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // shutting down
            }
        }
    }

    /** Relays until the outbox is empty or the broker stops answering. */
    public void drain() {
        try {
            while (relayBatch() == BATCH) {
                // keep going while full batches come back
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    /** Sends one batch; returns how many rows were sent. */
    @Transactional
    int relayBatch() {
        List<OutboxEvent> batch = em.createQuery("from OutboxEvent where sentAt is null order by id", OutboxEvent.class)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED
                .setMaxResults(BATCH)
                .getResultList();
        int sent = 0;
        for (OutboxEvent e : batch) {
            try {
                ProducerRecord<String, String> record = producer.record(e, serviceName);
                producer.get().send(record).get(30, TimeUnit.SECONDS);
                e.sentAt = OffsetDateTime.now(ZoneOffset.UTC);
                e.attempts++;
                sent++;
                registry.counter("refinery_outbox_events_published_total", "topic", e.topic).increment();
                LOG.debugf("published %s %s for %s", e.topic, e.eventId, e.aggregateId);
            } catch (Exception ex) {
                e.attempts++;
                e.lastError = String.valueOf(ex.getMessage());
                registry.counter("refinery_outbox_publish_failures_total", "topic", e.topic).increment();
                LOG.warnf("could not publish %s %s for %s (attempt %d): %s", e.topic, e.eventId, e.aggregateId, e.attempts, ex.getMessage());
                break; // keep order: later events of the batch wait for this one
            }
        }
        return sent;
    }

    /** Number of events not yet acknowledged by the broker. */
    @Transactional
    public long backlog() {
        return em.createQuery("select count(e) from OutboxEvent e where e.sentAt is null", Long.class).getSingleResult();
    }

    void onStop(@Observes ShutdownEvent ev) {
        worker.shutdown();
    }
}

