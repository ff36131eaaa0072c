package dev.refinery.validation.service;

import dev.refinery.kit.lease.LeaseKind;
import dev.refinery.kit.lease.LeasedWork;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.WorkerIdentity;
import dev.refinery.validation.config.ValidationConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Duration;

/**
 * Validates queued runs in the background, never in the consumer's transaction, on the service kit's work lease (kind
 * {@value ValidationRuns#LEASE_KIND}) with a fixed number of threads ({@code refinery.validation.worker.threads}). A commit
 * that queues a run starts it at once; the sweeper hands over every run whose lease is due: queued before a restart,
 * waiting out a back-off, or left by a process that died (its claim expired). Runs a live replica holds are left alone.
 */
@ApplicationScoped
public class ValidationWorker {

    /** How long a stopping service lets a running validation stop by itself before its claim is given back. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Inject
    ValidationConfig config;

    @Inject
    WorkLeases leases;

    @Inject
    WorkerIdentity worker;

    @Inject
    ValidationService validation;

    @Inject
    AfterCommit afterCommit;

    private LeasedWork work;

    @PostConstruct
    void start() {
        ValidationConfig.Worker w = config.worker();
        LeaseKind kind = new LeaseKind(ValidationRuns.LEASE_KIND, w.lease(), w.maxAttempts(), w.retryBackoff(), w.maxRetryBackoff());
        work = new LeasedWork("validation-worker", kind, w.threads(), leases, worker.id(), validation);
    }

    void onStart(@Observes StartupEvent event) {
        work.sweep();
    }

    /** Starts validating the run once the current transaction has committed (the queued run is visible by then). */
    public void startAfterCommit(String datasetId) {
        afterCommit.run(() -> work.dispatch(datasetId));
    }

    /** The safety net: every run whose lease is due. */
    @Scheduled(every = "${refinery.validation.worker.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        work.sweep();
    }

    /** The kind and the lease table, for tests and the report view. */
    public LeasedWork work() {
        return work;
    }

    /** The kit's one shutdown rule, before the data source closes: running validations stop and their claims go back uncounted. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        work.shutdown(STOP_GRACE);
    }
}
