package dev.refinery.validation.service;

import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.validation.config.ValidationConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates queued runs in the background, never in the consumer's transaction, with a fixed number of
 * threads (refinery.validation.worker.threads). A commit that queues a run wakes it at once; a sweeper
 * also wakes it on a timer and re-queues runs whose worker died (after a crash or a restart), so a run
 * is never left PENDING or RUNNING for good.
 */
@ApplicationScoped
public class ValidationWorker {

    private static final Logger LOG = Logger.getLogger(ValidationWorker.class);

    @Inject
    ValidationRuns runs;

    @Inject
    ValidationService validation;

    @Inject
    ValidationConfig config;

    @Inject
    AfterCommit afterCommit;

    private ExecutorService threads;
    /** Drain loops running or submitted; at most one per thread. */
    private final AtomicInteger drains = new AtomicInteger();

    @PostConstruct
    void start() {
        threads = Executors.newFixedThreadPool(config.worker().threads(), DaemonThreads.numbered("validation-worker"));
    }

    /** Wakes the worker once the current transaction has committed (the queued run is visible by then). */
    public void wakeUpAfterCommit() {
        afterCommit.run(this::wakeUp);
    }

    /** Starts another drain loop if a thread is free; busy threads pick up new runs when they finish their current one. */
    public void wakeUp() {
        int running;
        do {
            running = drains.get();
            if (running >= config.worker().threads()) {
                return;
            }
        } while (!drains.compareAndSet(running, running + 1));
        try {
            threads.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drains.decrementAndGet(); // shutting down
        }
    }

    /** The safety net: re-queues abandoned runs and picks up runs queued before a restart or due for a retry. */
    @Scheduled(every = "${refinery.validation.worker.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            runs.requeueAbandoned();
        } catch (RuntimeException e) {
            LOG.warnf("could not look for abandoned validation runs: %s", e.getMessage());
        }
        wakeUp();
    }

    private void drain() {
        try {
            Optional<Claim> claim;
            while (!Thread.currentThread().isInterrupted() && (claim = runs.claimNext()).isPresent()) {
                validation.attempt(claim.get());
            }
        } catch (RuntimeException e) {
            LOG.warnf("validation worker paused: %s", e.getMessage());
        } finally {
            drains.decrementAndGet();
        }
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        // Interrupted runs stay RUNNING; their heartbeat goes stale and the sweeper of the next start re-queues them.
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
