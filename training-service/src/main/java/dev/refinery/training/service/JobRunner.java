package dev.refinery.training.service;

import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeasedWork;
import dev.refinery.kit.lease.LeasedWorkers;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.work.AfterCommit;
import dev.refinery.kit.work.RetryLater;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.SpecJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The one pipeline every job goes through after it is accepted, whatever its backend. Each attempt holds the job's
 * work lease ({@link JobLeases}) and:
 * <ol>
 *   <li>submits the job if it is not at its backend yet: the splits uploaded (or named where they are in our bucket,
 *       for a backend that reads them there), a create marker committed, one create with the job id as idempotency
 *       key, the backend's id stored at once. A create whose answer was lost is looked for first and adopted;</li>
 *   <li>follows it: the job tracker polls a provider's job ({@link JobTracking}); a backend that reports its own
 *       progress (the local engine) was handed the job by its create, which also resumes it after a restart.</li>
 * </ol>
 * Either way the lease stays held by this process, renewed, until the job's outcome is stored with it. Work comes
 * from the commit that accepted the job and from the sweeper (at start and every sweep interval), which hands over every
 * job whose lease is due: new, given back after a transient failure, or left by a process that died.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** How long a stopping service waits for running work (a training step, a checkpoint) to hand itself back. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Inject
    TrainingSettings settings;

    @Inject
    JobLeases leases;

    @Inject
    JobStore store;

    @Inject
    Backends backends;

    @Inject
    JobTracking tracking;

    @Inject
    ObjectStorage storage;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    private LeasedWork submissions;

    @PostConstruct
    void start() {
        submissions = new LeasedWork("job-submit", settings.submitThreads(), leases.table(), leases.keeper(), leases.holder(), new Attempt());
        registry.gauge("refinery_training_jobs_held", leases.keeper(), k -> k.held().size());
    }

    void onStart(@Observes StartupEvent event) {
        sweep();
    }

    /** Starts the job's first attempt once the accepting transaction has committed (never for a rolled-back one). */
    public void dispatchAfterCommit(String jobId) {
        afterCommit.run(() -> submissions.dispatch(jobId));
    }

    /** Hands this process every job whose lease is due. */
    @Scheduled(every = "${refinery.training.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sweep() {
        submissions.sweep();
    }

    /**
     * Stops following and gives every job back, then takes them up again from what is stored, as a restarted process does
     * (tests use it to restart in the middle without restarting the service).
     */
    public synchronized void restart() {
        tracking.stopFollowing();
        leases.keeper().releaseAll("restarting");
        tracking.startAgain();
        sweep();
    }

    /** Jobs this process follows at a provider now. */
    public int tracked() {
        return tracking.activeCount();
    }

    /**
     * The one shutdown rule for every job this process works on: no new attempt starts, running ones are asked to stop
     * (a training run checkpoints) and get the grace period, and every lease still held is given back uncounted.
     */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        backends.stopLocalWork(STOP_GRACE);
        tracking.stopFollowing();
        submissions.shutdown(Duration.ofSeconds(5));
    }

    /** One attempt at a job under its lease. */
    private final class Attempt implements LeasedWorkers.Work {

        @Override
        public LeasedWorkers.Outcome run(LeasedWorkers.Context context) {
            Lease lease = context.lease();
            JobStore.Work job = store.attemptBegins(lease).orElse(null);
            if (job == null) {
                return LeasedWorkers.Outcome.DONE;
            }
            if (!backends.canWorkOn(job.backend())) {
                LOG.warnf("job %s: the %s backend is off in this process; left for a process that has it on", job.jobId(), job.backend());
                return LeasedWorkers.Outcome.DEFERRED;
            }
            TrainingBackend backend;
            try {
                backend = backends.forTenant(job.tenantId(), job.backend());
            } catch (ApiException e) {
                store.failed(lease, e.code(), e.getMessage());
                return LeasedWorkers.Outcome.DONE;
            }
            Capabilities caps = backend.capabilities();
            try {
                if (!job.created()) {
                    Optional<ProviderJob> atBackend = submit(lease, job, backend);
                    if (atBackend.isEmpty()) {
                        return LeasedWorkers.Outcome.DONE;
                    }
                    if (caps.progress() == Capabilities.Progress.REPORTED) {
                        return LeasedWorkers.Outcome.HANDED_OFF; // its create handed the job to the backend's own workers
                    }
                    tracking.follow(lease, job.jobId(), job.tenantId(), job.backend(), atBackend.get().id(), dev.refinery.providers.tracker.TrackingPosition.START);
                } else if (caps.progress() == Capabilities.Progress.REPORTED) {
                    // Its create is idempotent by job id and resumes the job from its newest checkpoint.
                    backend.create(effectiveSpec(job, null), inPlace(job.backend(), job.trainKey(), "train.jsonl"), null, job.jobId());
                    store.reattached(job.jobId(), "taken up again by " + leases.holder() + " (attempt " + lease.attempt() + ")");
                } else {
                    tracking.follow(lease, job.jobId(), job.tenantId(), job.backend(), job.providerJobId(), job.position());
                    store.reattached(job.jobId(), "following " + job.backend() + " job " + job.providerJobId() + " again from the stored position"
                            + " (last state " + job.position().lastState() + ", " + (job.position().lastMetricStep() < 0 ? "no metrics yet"
                            : "metrics to step " + job.position().lastMetricStep()) + ")");
                }
                return LeasedWorkers.Outcome.HANDED_OFF;
            } catch (ProviderException e) {
                store.failed(lease, e.code().name(), job.backend() + " refused or failed the submission: " + e.getMessage()
                        + (e.code() == ErrorCode.PROVIDER_AUTH_FAILED ? " (the API key is wrong or expired)" : ""));
                return LeasedWorkers.Outcome.DONE;
            } catch (ApiException e) {
                store.failed(lease, e.code(), e.getMessage());
                return LeasedWorkers.Outcome.DONE;
            }
        }

        /** Every attempt of the job failed or died: FAILED, and a job still at its provider is asked to stop (no billing for nothing). */
        @Override
        public void giveUp(Lease lease, String reason) {
            store.failed(lease, "JOB_INTERRUPTED", "gave up: " + reason);
            tracking.cancelAfterGivingUp(lease.workId());
        }
    }

    /** Uploads (or names in place) the splits and creates the job once; empty when it ended meanwhile (cancelled) or was adopted and ended. */
    private Optional<ProviderJob> submit(Lease lease, JobStore.Work job, TrainingBackend backend) {
        if (job.createMayHaveReachedProvider()) {
            Optional<ProviderJob> earlier = adoptEarlierCreate(lease, job, backend);
            if (earlier.isPresent()) {
                return earlier;
            }
        }
        Capabilities caps = backend.capabilities();
        EffectiveSpec spec = effectiveSpec(job, null);
        UploadedFile trainFile;
        UploadedFile validationFile = null;
        boolean withValidation = job.validationKey() != null
                && (caps.validationFile() == Capabilities.ValidationFile.WHEN_PRESENT || spec.valueOr(SpecField.N_EVALS, 0) > 0);
        if (caps.data() == Capabilities.DataPlacement.IN_OUR_BUCKET) {
            // The backend reads our bucket: the validated splits are named where they are, not copied.
            trainFile = inPlace(job.backend(), job.trainKey(), "train.jsonl");
            if (withValidation && storage.exists(job.validationKey())) {
                validationFile = inPlace(job.backend(), job.validationKey(), "validation.jsonl");
            }
        } else {
            DatasetFile train = s3File(job.trainKey(), "train.jsonl");
            DatasetFile validation = withValidation ? s3File(job.validationKey(), "validation.jsonl") : null;
            spec = effectiveSpec(job, new DatasetRefs(train, validation));
            trainFile = backend.upload(train);
            store.uploaded(lease, "train split", trainFile.id(), train.sizeBytes());
            if (validation != null) {
                validationFile = backend.upload(validation);
                store.uploaded(lease, "validation split", validationFile.id(), validation.sizeBytes());
            }
        }
        if (!store.creating(lease, trainFile.id())) {
            return Optional.empty(); // cancelled while uploading: nothing was created
        }
        // From here until created() commits, a crash leaves the marker written by creating(): see adoptEarlierCreate.
        ProviderJob created;
        try {
            created = backend.create(spec, trainFile, validationFile, job.jobId());
        } catch (ProviderException e) {
            Optional<ProviderJob> made = e.retryable() ? adoptAfterLostAnswer(lease, backend, trainFile) : Optional.empty();
            if (made.isPresent()) {
                return made; // a timeout or 5xx after the provider had acted: its job is ours
            }
            throw e;
        }
        boolean cancelPending = store.created(lease, created);
        registry.counter("refinery_training_jobs_created_total", "backend", job.backend()).increment();
        LOG.infof("job %s created on %s as %s", job.jobId(), job.backend(), created.id());
        if (cancelPending) {
            tracking.cancelAtBackend(job.jobId(), job.tenantId(), job.backend(), created.id());
        }
        return Optional.of(created);
    }

    /**
     * A create was sent for this job (on the training file in its marker) and its answer never stored: the process died in
     * between, or the answer was lost. A create without an idempotency key (Together's) would start a second, billed job;
     * the provider's jobs are searched for one on our file (uploaded for this job alone) and that one is adopted. Only when
     * there is none is the job submitted again. A search that fails leaves the job for a later attempt (transient) rather
     * than risk a duplicate; a key the provider rejects fails it, as at any other step.
     */
    private Optional<ProviderJob> adoptEarlierCreate(Lease lease, JobStore.Work job, TrainingBackend backend) {
        UploadedFile earlier = new UploadedFile(job.backend(), job.createFileId(), "train.jsonl", 0);
        Optional<ProviderJob> found;
        try {
            found = backend.findSubmitted(earlier);
        } catch (ProviderException e) {
            if (e.code() == ErrorCode.PROVIDER_AUTH_FAILED) {
                throw e;
            }
            store.note(job.jobId(), "WARNING", "a create sent at " + job.createRequestedAt() + " was never answered, and looking for its job at "
                    + job.backend() + " failed: " + e.getMessage() + "; not submitting again until the search succeeds");
            throw new SearchUnavailable(e);
        }
        if (found.isEmpty()) {
            store.note(job.jobId(), "INFO", "a create sent at " + job.createRequestedAt() + " was never answered and " + job.backend()
                    + " reports no job on training file " + job.createFileId() + ": submitting again (Together and OpenAI are searched by "
                    + "that file; Fireworks and Kubernetes answer a repeated create with the job they have)");
            return Optional.empty();
        }
        ProviderJob p = found.get();
        boolean cancelPending = store.adopted(lease, p, job.createFileId());
        registry.counter("refinery_training_jobs_adopted_total", "backend", job.backend()).increment();
        LOG.infof("job %s: found on %s as %s after a lost create; adopted", job.jobId(), job.backend(), p.id());
        if (cancelPending) {
            tracking.cancelAtBackend(job.jobId(), job.tenantId(), job.backend(), p.id());
        }
        return found;
    }

    /** After a create that failed without a clear "no": the job the provider made of it anyway, if any (a failed search changes nothing). */
    private Optional<ProviderJob> adoptAfterLostAnswer(Lease lease, TrainingBackend backend, UploadedFile trainFile) {
        Optional<ProviderJob> found;
        try {
            found = backend.findSubmitted(trainFile);
        } catch (ProviderException e) {
            return Optional.empty();
        }
        found.ifPresent(p -> store.adopted(lease, p, trainFile.id()));
        return found;
    }

    /** The provider's job search failed: a later attempt looks again (a transient failure, not counted against the job). */
    static final class SearchUnavailable extends RetryLater {
        SearchUnavailable(ProviderException cause) {
            super("the provider's job list is unavailable: " + cause.getMessage(), cause);
        }
    }

    /** A split in our bucket as a backend that reads it there names it: its key (the size is not needed, and not read). */
    private static UploadedFile inPlace(String backend, String key, String name) {
        return new UploadedFile(backend, key, name, 0);
    }

    /** A split in S3 as the backends upload it: its exact size (read once, streamed) and a stream that can be opened again. */
    private DatasetFile s3File(String key, String name) {
        long size;
        try (InputStream in = storage.open(key)) {
            size = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + key + ": " + e.getMessage(), e);
        }
        return new DatasetFile(name, DatasetFormat.JSONL, size, () -> storage.open(key));
    }

    /** The stored effective spec, with the datasets the backend reads (placeholders where it reads none). */
    private static EffectiveSpec effectiveSpec(JobStore.Work job, DatasetRefs datasets) {
        DatasetRefs refs = datasets != null ? datasets : DatasetRefs.trainingOnly(
                new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, InputStream::nullInputStream));
        return SpecJson.effectiveSpec(job.effectiveSpec(), job.baseModel(), job.method(), refs);
    }
}
