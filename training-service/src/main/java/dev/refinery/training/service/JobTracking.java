package dev.refinery.training.service;

import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeaseLostException;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.tracker.JobTracker;
import dev.refinery.providers.tracker.TrackerSettings;
import dev.refinery.providers.tracker.TrackingListener;
import dev.refinery.providers.tracker.TrackingPosition;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.repository.Job;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Follows jobs at a provider that is polled (see {@link dev.refinery.providers.spi.Capabilities.Progress#POLLED}): a
 * {@link JobTracker} polls each job this process holds the lease of, and every callback is one fenced write of the
 * store with the tracking position to reattach from. Each poll also checks the job's cost against its hard cap and
 * cancels a job that crossed it.
 */
@ApplicationScoped
public class JobTracking {

    private static final Logger LOG = Logger.getLogger(JobTracking.class);
    /** Consecutive failed polls with a non-retryable error (key revoked, job gone) after which the job is failed, not followed forever. */
    private static final int FATAL_POLL_FAILURES = 3;

    @Inject
    TrainingSettings settings;

    @Inject
    Backends backends;

    @Inject
    JobStore store;

    @Inject
    JobLeases leases;

    @Inject
    Budgets budgets;

    @Inject
    JobControls controls;

    @Inject
    MeterRegistry registry;

    private volatile JobTracker tracker;

    @PostConstruct
    void start() {
        tracker = newTracker();
        registry.gauge("refinery_training_provider_jobs_tracked", this, JobTracking::activeCount);
    }

    /** Starts following a job this process holds the lease of, from {@code position}; false when the backend cannot be reached. */
    public boolean follow(Lease lease, String jobId, String tenantId, String backendName, String providerJobId, TrackingPosition position) {
        TrainingBackend backend = backends.forTenant(tenantId, backendName);
        return tracker.track(new PollObserver(backend, lease, tenantId), providerJobId, position, new Listener(lease, tenantId, backendName));
    }

    public int activeCount() {
        return tracker.activeCount();
    }

    /** Drops every follower (the leases stay as they are: the caller gives them back or keeps them). */
    public synchronized void stopFollowing() {
        tracker.close();
    }

    public synchronized void startAgain() {
        tracker = newTracker();
    }

    /** Asks the backend to cancel a job just created or adopted while a cancel was pending; its answer is stored. */
    public void cancelAtBackend(String jobId, String tenantId, String backendName, String providerJobId) {
        controls.askBackendToCancel(jobId, tenantId, backendName, providerJobId);
    }

    /** A job given up while at its provider is asked to stop there, so it does not train (and bill) for nothing. */
    public void cancelAfterGivingUp(String jobId) {
        try {
            Job job = controls.jobs.get(jobId);
            if (job.isCreated() && Backends.capabilities(job.backend).progress()
                    == dev.refinery.providers.spi.Capabilities.Progress.POLLED) {
                backends.forTenant(job.tenantId, job.backend).cancel(job.providerJobId);
            }
        } catch (RuntimeException e) {
            LOG.warnf("job %s was given up; asking its provider to stop it failed: %s", jobId, e.getMessage());
        }
    }

    private JobTracker newTracker() {
        TrainingSettings.Providers p = settings.providers();
        return new JobTracker(new TrackerSettings(Math.max(1, p.trackerThreads()), p.pollRunning(), p.pollQueued(),
                p.pollQueued().multipliedBy(5), p.maxPollBackoff(), true, true));
    }

    /** Stops following a job whose lease this process lost, or whose end was stored. */
    private void drop(Lease lease, TrainingBackend backend, String providerJobId) {
        tracker.untrack(backend, providerJobId);
        leases.keeper().letGo(lease.workId());
    }

    /** Stores what every poll says (raw status, progress, cost) and cancels a job whose cost crossed its hard cap. */
    private final class PollObserver extends ForwardingBackend {
        private final Lease lease;
        private final String tenantId;

        PollObserver(TrainingBackend delegate, Lease lease, String tenantId) {
            super(delegate);
            this.lease = lease;
            this.tenantId = tenantId;
        }

        @Override
        public ProviderJob get(String providerJobId) {
            Instant asked = Instant.now();
            ProviderJob p = super.get(providerJobId);
            Job job = store.reported(lease, lease.workId(), p, asked);
            if (job != null && !p.isTerminal() && p.costUsd() != null && job.cancelReason == null) {
                BigDecimal cap = budgets.hardCapFor(job);
                if (cap != null && p.costUsd().compareTo(cap) > 0) {
                    registry.counter("refinery_training_jobs_cancelled_over_budget_total").increment();
                    controls.cancelForBudget(lease.workId(), "cost $" + p.costUsd().toPlainString() + " reported by " + name()
                            + " crossed the hard cap of $" + cap.toPlainString() + ": cancelled");
                }
            }
            return p;
        }
    }

    /** Each tracker callback is one fenced write of the store, carrying the position to reattach from. */
    private final class Listener implements TrackingListener {
        private final Lease lease;
        private final String tenantId;
        private final String backendName;

        Listener(Lease lease, String tenantId, String backendName) {
            this.lease = lease;
            this.tenantId = tenantId;
            this.backendName = backendName;
        }

        @Override
        public void onStateChanged(ProviderJob job, ProviderJob previousOrNull, TrackingPosition position) {
            write("state", job.id(), () -> store.stateChanged(lease, job, position));
        }

        @Override
        public void onEvents(String providerJobId, List<ProviderEvent> events, TrackingPosition position) {
            write("events", providerJobId, () -> store.providerEvents(lease, events, position));
        }

        @Override
        public void onMetrics(String providerJobId, List<MetricPoint> points, TrackingPosition position) {
            write("metrics", providerJobId, () -> store.providerMetrics(lease, points, position));
        }

        /**
         * The tracker swallows a listener's failure; it is said here (the position is not stored, so it is reported again).
         * A lost lease means another process follows the job now: this one stops.
         */
        private void write(String what, String providerJobId, Runnable write) {
            try {
                write.run();
            } catch (LeaseLostException e) {
                LOG.infof("job %s is followed by another process now: stopped following it here", lease.workId());
                drop(lease, backends.forTenant(tenantId, backendName), providerJobId);
                throw e;
            } catch (RuntimeException e) {
                LOG.warnf("job %s: recording %s failed, it will be reported again: %s", lease.workId(), what, e.toString());
                throw e;
            }
        }

        @Override
        public void onPollFailed(String providerJobId, ProviderException error, int consecutiveFailures) {
            if (!error.retryable() && consecutiveFailures >= FATAL_POLL_FAILURES) {
                TrainingBackend backend = backends.forTenant(tenantId, backendName);
                tracker.untrack(backend, providerJobId);
                try {
                    store.failed(lease, error.code().name(), "following " + backendName + " job " + providerJobId + " failed "
                            + consecutiveFailures + " times: " + error.getMessage()
                            + (error.code() == ErrorCode.PROVIDER_AUTH_FAILED ? " (the API key is wrong or expired)" : ""));
                } finally {
                    leases.keeper().letGo(lease.workId());
                }
            }
        }

        @Override
        public void onFinished(ProviderJob job, TrackingPosition position) {
            TrainingBackend backend;
            try {
                backend = backends.forTenant(tenantId, backendName);
                store.providerCheckpoints(lease, backend.checkpoints(job.id()));
            } catch (ProviderException | ApiException e) {
                store.note(lease.workId(), "WARNING", "checkpoints of " + job.id() + " could not be read: " + e.getMessage());
            }
            String code = Backends.capabilities(backendName).ownFailureCodes() && job.error() != null ? job.error().code() : null;
            write("the outcome", job.id(), () -> store.finishedAtBackend(lease, job, position, code));
            leases.keeper().letGo(lease.workId());
        }
    }
}
