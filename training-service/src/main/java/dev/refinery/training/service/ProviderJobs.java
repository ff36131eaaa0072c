package dev.refinery.training.service;

import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.kit.work.AfterCommit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.Setting;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import dev.refinery.providers.tracker.JobTracker;
import dev.refinery.providers.tracker.TrackerSettings;
import dev.refinery.providers.tracker.TrackingListener;
import dev.refinery.providers.tracker.TrackingPosition;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.ProviderSpecJson;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs jobs on hosted providers: a bounded pool submits them (the validated splits streamed from S3 to the provider,
 * then one create with the job id as idempotency key), and a {@link JobTracker} follows every created job, each
 * callback persisted with its tracking position. At start every unfinished provider job is picked up again: followed
 * from its stored position when it has a provider id, submitted when it has none. A job with a provider id is never
 * created again.
 */
@ApplicationScoped
public class ProviderJobs {

    private static final Logger LOG = Logger.getLogger(ProviderJobs.class);
    /** Consecutive failed polls with a non-retryable error (key revoked, job gone) after which the job is failed, not followed forever. */
    private static final int FATAL_POLL_FAILURES = 3;

    @Inject
    TrainingSettings settings;

    @Inject
    ProviderBackends backends;

    @Inject
    ProviderJobStore store;

    @Inject
    Budgets budgets;

    @Inject
    ObjectStorage storage;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MeterRegistry registry;

    private final Set<String> submitting = ConcurrentHashMap.newKeySet();
    private ExecutorService submitters;
    private volatile JobTracker tracker;

    @PostConstruct
    void start() {
        int n = Math.max(1, settings.providers().submitThreads());
        submitters = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("provider-submit"));
        tracker = newTracker();
        registry.gauge("refinery_training_provider_jobs_tracked", this, p -> p.tracker.activeCount());
    }

    void onStart(@Observes StartupEvent event) {
        reattachAll();
    }

    void onStop(@Observes ShutdownEvent event) {
        submitters.shutdownNow();
        tracker.close();
    }

    /**
     * Drops every follower and follows again from the stored positions, as a restarted process does (tests use it to
     * restart tracking mid-way without restarting the service).
     */
    public synchronized void restartTracking() {
        tracker.close();
        tracker = newTracker();
        reattachAll();
    }

    /** Jobs this process follows at the moment. */
    public int tracked() {
        return tracker.activeCount();
    }

    /** Submits once the accepting transaction committed (never for a rolled-back one). */
    public void submitAfterCommit(String jobId) {
        afterCommit.run(() -> submit(jobId));
    }

    public void submit(String jobId) {
        if (!submitting.add(jobId)) {
            return;
        }
        try {
            submitters.execute(() -> {
                try {
                    submitNow(jobId);
                } finally {
                    submitting.remove(jobId);
                }
            });
        } catch (RuntimeException e) {
            submitting.remove(jobId);
        }
    }

    /** The sweep for QUEUED provider jobs whose submission was lost (a crash between accept and create). */
    @Scheduled(every = "${refinery.training.sweep-interval}", delayed = "${refinery.training.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            for (Job j : followable()) {
                if (j.providerJobId == null) {
                    submit(j.id);
                } else {
                    follow(j.id, j.tenantId, j.backend, j.providerJobId, ProviderJobStore.position(j));
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("provider sweep failed, next one in a moment: %s", e.getMessage());
        }
    }

    /** Cancels a job at its provider (or at once when it has not reached it yet). */
    public void cancel(String jobId, String tenantId, String backendName, String reason, boolean budget) {
        store.requestCancel(jobId, reason, budget).ifPresent(providerJobId -> cancelAtProvider(jobId, tenantId, backendName, providerJobId));
    }

    private void cancelAtProvider(String jobId, String tenantId, String backendName, String providerJobId) {
        try {
            ProviderJob p = backends.forTenant(tenantId, backendName).cancel(providerJobId);
            store.polled(jobId, p);
        } catch (ProviderException | ApiException e) {
            // The job stays CANCELLING and the tracker keeps polling: the provider's next answer decides.
            store.note(jobId, "WARNING", "cancel request to " + backendName + " failed: " + e.getMessage() + "; still following the job");
        }
    }

    /**
     * Unfinished provider jobs this process can work on. Kubernetes jobs are left alone (not failed) while the backend is off
     * here: their pods may still be training, and a process that has it on picks them up.
     */
    private List<Job> followable() {
        List<Job> jobs = store.unfinished();
        List<Job> skipped = jobs.stream().filter(j -> !backends.canFollow(j.backend)).toList();
        if (!skipped.isEmpty()) {
            LOG.warnf("%d unfinished %s job(s) are not followed: the backend is off in this process (%s)", skipped.size(),
                    KubernetesTrainerBackend.NAME, KubernetesWorker.ENABLED_SETTING);
        }
        return jobs.stream().filter(j -> backends.canFollow(j.backend)).toList();
    }

    private void reattachAll() {
        for (Job j : followable()) {
            if (j.providerJobId == null) {
                submit(j.id);
            } else if (follow(j.id, j.tenantId, j.backend, j.providerJobId, ProviderJobStore.position(j))) {
                store.reattached(j.id, "following " + j.backend + " job " + j.providerJobId + " again from the stored position (last state "
                        + j.trackedState + ", " + (j.lastMetricStep < 0 ? "no metrics yet" : "metrics to step " + j.lastMetricStep) + ")");
            }
        }
    }

    private void submitNow(String jobId) {
        ProviderJobStore.ToSubmit job = store.toSubmit(jobId).orElse(null);
        if (job == null) {
            return;
        }
        try {
            TrainingBackend backend = backends.forTenant(job.tenantId(), job.backend());
            if (job.createMayHaveReachedProvider() && adoptEarlierCreate(job, backend)) {
                return;
            }
            EffectiveSpec spec = effectiveSpec(job, null);
            UploadedFile trainFile;
            UploadedFile validationFile = null;
            if (KubernetesTrainerBackend.NAME.equals(job.backend())) {
                // The trainer pods read our bucket: the validated splits are named where they are, not copied.
                trainFile = inBucket(job.trainKey(), "train.jsonl");
                if (job.validationKey() != null && storage.exists(job.validationKey())) {
                    validationFile = inBucket(job.validationKey(), "validation.jsonl");
                }
                store.note(jobId, "INFO", "the trainer reads the splits in place: " + trainFile.id()
                        + (validationFile == null ? "" : " and " + validationFile.id()));
            } else {
                boolean withValidation = job.validationKey() != null && usesValidation(job.backend(), spec);
                DatasetFile train = s3File(job.trainKey(), "train.jsonl");
                DatasetFile validation = withValidation ? s3File(job.validationKey(), "validation.jsonl") : null;
                spec = effectiveSpec(job, new DatasetRefs(train, validation));
                trainFile = backend.upload(train);
                store.uploaded(jobId, "train split", trainFile.id(), train.sizeBytes());
                if (validation != null) {
                    validationFile = backend.upload(validation);
                    store.uploaded(jobId, "validation split", validationFile.id(), validation.sizeBytes());
                }
            }
            if (!store.creating(jobId, trainFile.id())) {
                return; // cancelled while uploading: nothing was created
            }
            // From here until created() commits, a crash leaves the marker written by creating(): see adoptEarlierCreate.
            ProviderJob created;
            try {
                created = backend.create(spec, trainFile, validationFile, jobId);
            } catch (ProviderException e) {
                if (e.retryable() && adoptAfterLostAnswer(job, backend, trainFile)) {
                    return; // a timeout or 5xx after the provider had acted: its job is ours
                }
                throw e;
            }
            boolean cancelPending = store.created(jobId, created);
            registry.counter("refinery_training_provider_jobs_created_total", "backend", job.backend()).increment();
            LOG.infof("job %s created on %s as %s", jobId, job.backend(), created.id());
            startFollowing(job, created, cancelPending);
        } catch (ProviderException e) {
            store.failed(jobId, e.code().name(), job.backend() + " refused or failed the submission: " + e.getMessage()
                    + (e.code() == ErrorCode.PROVIDER_AUTH_FAILED ? " (the API key is wrong or expired)" : ""));
        } catch (ApiException e) {
            store.failed(jobId, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("job %s: submission failed: %s", jobId, e.toString());
            store.failed(jobId, "JOB_SUBMISSION_FAILED", "could not submit to " + job.backend() + ": " + e.getMessage());
        }
    }

    /**
     * A create was sent for this job (on the training file in its marker) and its answer never stored: the process died
     * in between, or the answer was lost. Together creates have no idempotency key, so a second create would start a
     * second, billed job; the provider's jobs are searched for one on our file (uploaded for this job alone) and that
     * one is adopted. Only when there is none is the job submitted again (true = adopted, nothing more to do). A search
     * that fails leaves the job QUEUED for the next sweep rather than risk a duplicate; a key the provider rejects
     * fails it, as at any other step of a submission.
     */
    private boolean adoptEarlierCreate(ProviderJobStore.ToSubmit job, TrainingBackend backend) {
        UploadedFile earlier = new UploadedFile(job.backend(), job.createFileId(), "train.jsonl", 0);
        Optional<ProviderJob> found;
        try {
            found = backend.findSubmitted(earlier);
        } catch (ProviderException e) {
            if (e.code() == ErrorCode.PROVIDER_AUTH_FAILED) {
                throw e;
            }
            store.note(job.jobId(), "WARNING", "a create sent at " + job.createRequestedAt() + " was never answered, and looking for its job at "
                    + job.backend() + " failed: " + e.getMessage() + "; not submitting again until the search succeeds (next sweep)");
            return true;
        }
        if (found.isEmpty()) {
            store.note(job.jobId(), "INFO", "a create sent at " + job.createRequestedAt() + " was never answered and " + job.backend()
                    + " reports no job on training file " + job.createFileId() + ": submitting again (Together and OpenAI are searched by "
                    + "that file; Fireworks and Kubernetes answer a repeated create with the job they have)");
            return false;
        }
        ProviderJob p = found.get();
        boolean cancelPending = store.adopted(job.jobId(), p, job.createFileId());
        registry.counter("refinery_training_provider_jobs_adopted_total", "backend", job.backend()).increment();
        LOG.infof("job %s: found on %s as %s after a lost create; adopted", job.jobId(), job.backend(), p.id());
        startFollowing(job, p, cancelPending);
        return true;
    }

    /** After a create that failed without a clear "no": the job the provider made of it anyway, if any (a failed search changes nothing). */
    private boolean adoptAfterLostAnswer(ProviderJobStore.ToSubmit job, TrainingBackend backend, UploadedFile trainFile) {
        Optional<ProviderJob> found;
        try {
            found = backend.findSubmitted(trainFile);
        } catch (ProviderException e) {
            return false;
        }
        if (found.isEmpty()) {
            return false;
        }
        startFollowing(job, found.get(), store.adopted(job.jobId(), found.get(), trainFile.id()));
        return true;
    }

    /** Pauses a RUNNING job at its provider (checked by the caller); the provider's answer is recorded, its refusal is the caller's error. */
    public void pause(String jobId, String tenantId, String backendName, String providerJobId) {
        control(jobId, tenantId, backendName, JobEvent.Type.PAUSE_REQUESTED, b -> b.pause(providerJobId));
    }

    /** Resumes a paused job at its provider (checked by the caller). */
    public void resume(String jobId, String tenantId, String backendName, String providerJobId) {
        control(jobId, tenantId, backendName, JobEvent.Type.RESUME_REQUESTED, b -> b.resume(providerJobId));
    }

    private void control(String jobId, String tenantId, String backendName, JobEvent.Type requested,
                         Function<TrainingBackend, ProviderJob> call) {
        String doing = requested == JobEvent.Type.PAUSE_REQUESTED ? "pausing" : "resuming";
        ProviderJob answer;
        try {
            answer = call.apply(backends.forTenant(tenantId, backendName));
        } catch (ProviderException e) {
            store.controlFailed(jobId, requested, doing + " the job at " + backendName + " failed: " + e.getMessage() + "; the job is as it was");
            throw ProviderErrors.toApiControl(e, doing + " job " + jobId);
        }
        store.controlAnswered(jobId, requested, answer);
        registry.counter("refinery_training_provider_jobs_" + (requested == JobEvent.Type.PAUSE_REQUESTED ? "paused" : "resumed") + "_total",
                "backend", backendName).increment();
    }

    private void startFollowing(ProviderJobStore.ToSubmit job, ProviderJob p, boolean cancelPending) {
        if (cancelPending) {
            cancelAtProvider(job.jobId(), job.tenantId(), job.backend(), p.id());
        }
        follow(job.jobId(), job.tenantId(), job.backend(), p.id(), TrackingPosition.START);
    }

    /** A split as the Kubernetes trainer names it: its key in our bucket (the size is not needed, and not read). */
    private static UploadedFile inBucket(String key, String name) {
        return new UploadedFile(KubernetesTrainerBackend.NAME, key, name, 0);
    }

    /** Together evaluates only with n_evals > 0; OpenAI and Fireworks take a validation file whenever there is one. */
    private static boolean usesValidation(String backend, EffectiveSpec spec) {
        return !"together".equals(backend) || spec.valueOr(SpecField.N_EVALS, 0) > 0;
    }

    private boolean follow(String jobId, String tenantId, String backendName, String providerJobId, TrackingPosition position) {
        TrainingBackend backend;
        try {
            backend = backends.forTenant(tenantId, backendName);
        } catch (ApiException e) {
            store.failed(jobId, e.code(), "cannot follow " + backendName + " job " + providerJobId + ": " + e.getMessage());
            return false;
        }
        return tracker.track(new PollObserver(backend, jobId, tenantId), providerJobId, position, new Listener(jobId, tenantId, backendName));
    }

    private JobTracker newTracker() {
        TrainingSettings.Providers p = settings.providers();
        return new JobTracker(new TrackerSettings(Math.max(1, p.trackerThreads()), p.pollRunning(), p.pollQueued(),
                p.pollQueued().multipliedBy(5), p.maxPollBackoff(), true, true));
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

    /** The stored effective spec back as typed settings with their sources. */
    static EffectiveSpec effectiveSpec(ProviderJobStore.ToSubmit job, DatasetRefs datasets) {
        JsonNode stored = ProviderSpecJson.tree(job.effectiveSpec());
        JsonNode values = stored.path("values");
        JsonNode sources = stored.path("sources");
        Map<SpecField<?>, Object> typed = new LinkedHashMap<>(ProviderSpecJson.read(withoutNonSpec(values)).values());
        Map<SpecField<?>, Setting<?>> settings = new LinkedHashMap<>();
        typed.forEach((f, v) -> settings.put(f, setting(v, ValueSource.valueOf(sources.path(f.name()).asText("user").toUpperCase()))));
        String model = values.hasNonNull("model") ? values.get("model").asText() : job.baseModel();
        DatasetRefs refs = datasets != null ? datasets : DatasetRefs.trainingOnly(
                new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, () -> InputStream.nullInputStream()));
        return new EffectiveSpec(refs, model, ProviderJobPlanner.method(job.method()), settings);
    }

    private static JsonNode withoutNonSpec(JsonNode values) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = values.deepCopy();
        copy.remove("model");
        return copy;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Setting<?> setting(Object value, ValueSource source) {
        return new Setting(value, source);
    }

    /** Persists what every poll says (raw status, progress, the provider's cost) and cancels a job whose cost crossed its hard cap. */
    private final class PollObserver extends ForwardingBackend {
        private final String jobId;
        private final String tenantId;

        PollObserver(TrainingBackend delegate, String jobId, String tenantId) {
            super(delegate);
            this.jobId = jobId;
            this.tenantId = tenantId;
        }

        @Override
        public ProviderJob get(String providerJobId) {
            Instant asked = Instant.now();
            ProviderJob p = super.get(providerJobId);
            Job job = store.polled(jobId, p, asked);
            if (job != null && !p.isTerminal() && p.costUsd() != null && job.cancelReason == null) {
                BigDecimal cap = budgets.hardCapFor(job);
                if (cap != null && p.costUsd().compareTo(cap) > 0) {
                    registry.counter("refinery_training_jobs_cancelled_over_budget_total").increment();
                    ProviderJobs.this.cancel(jobId, tenantId, name(), "cost $" + p.costUsd().toPlainString() + " reported by " + name()
                            + " crossed the hard cap of $" + cap.toPlainString() + ": cancelled", true);
                }
            }
            return p;
        }
    }

    /** Each tracker callback is one transaction of the store, carrying the position to reattach from. */
    private final class Listener implements TrackingListener {
        private final String jobId;
        private final String tenantId;
        private final String backendName;

        Listener(String jobId, String tenantId, String backendName) {
            this.jobId = jobId;
            this.tenantId = tenantId;
            this.backendName = backendName;
        }

        @Override
        public void onStateChanged(ProviderJob job, ProviderJob previousOrNull, TrackingPosition position) {
            logged("state", () -> store.stateChanged(jobId, job, position));
        }

        @Override
        public void onEvents(String providerJobId, List<ProviderEvent> events, TrackingPosition position) {
            logged("events", () -> store.events(jobId, events, position));
        }

        @Override
        public void onMetrics(String providerJobId, List<MetricPoint> points, TrackingPosition position) {
            logged("metrics", () -> store.metrics(jobId, points, position));
        }

        /** The tracker swallows a listener's failure; it is at least said here (the position is not stored, so it is reported again). */
        private void logged(String what, Runnable write) {
            try {
                write.run();
            } catch (RuntimeException e) {
                LOG.warnf("job %s: recording %s failed, it will be reported again: %s", jobId, what, e.toString());
                throw e;
            }
        }

        @Override
        public void onPollFailed(String providerJobId, ProviderException error, int consecutiveFailures) {
            if (!error.retryable() && consecutiveFailures >= FATAL_POLL_FAILURES) {
                tracker.untrack(backends.forTenant(tenantId, backendName), providerJobId);
                store.failed(jobId, error.code().name(), "following " + backendName + " job " + providerJobId + " failed "
                        + consecutiveFailures + " times: " + error.getMessage()
                        + (error.code() == ErrorCode.PROVIDER_AUTH_FAILED ? " (the API key is wrong or expired)" : ""));
            }
        }

        @Override
        public void onFinished(ProviderJob job, TrackingPosition position) {
            try {
                store.checkpoints(jobId, backends.forTenant(tenantId, backendName).checkpoints(job.id()));
            } catch (RuntimeException e) {
                store.note(jobId, "WARNING", "checkpoints of " + job.id() + " could not be read: " + e.getMessage());
            }
            store.finished(jobId, job, position);
        }
    }
}
