package dev.refinery.training.service;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.reconcile.AnnouncementView;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.tracker.TrackingPosition;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.events.JobCompleted;
import dev.refinery.training.events.JobSubmitted;
import dev.refinery.training.mapping.JobMapper;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobCheckpoint;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every write of a job's life, on every backend, each in its own short transaction on the locked job row: the job and
 * its {@code job-submitted} (with the job's work lease) when it is accepted; the work's progress, reports, history and
 * metrics while it runs; its outcome with {@code job-completed}. A write made by an attempt carries the attempt's
 * {@link Lease} and is fenced by it ({@link WorkLeases#requireHeld}): a worker that was taken over cannot write
 * anything more. What each write changes is decided by {@link JobStateMachine}.
 */
@ApplicationScoped
public class JobStore {

    private static final Logger LOG = Logger.getLogger(JobStore.class);

    @Inject
    Outbox outbox;

    @Inject
    WorkLeases leases;

    @Inject
    ObjectStorage storage;

    @Inject
    MeterRegistry registry;

    @Inject
    Event<JobEnded> jobEnded;

    /** What an attempt at a job needs, read in one transaction. */
    public record Work(String jobId, String tenantId, String backend, String baseModel, TrainingMethod method, String effectiveSpec,
                       JobStatus status, String providerJobId, String createFileId, OffsetDateTime createRequestedAt, String trainKey,
                       String validationKey, TrackingPosition position) {

        public boolean created() {
            return providerJobId != null;
        }

        /** A create was sent (on {@link #createFileId}) and its answer never stored: the provider may have made the job. */
        public boolean createMayHaveReachedProvider() {
            return providerJobId == null && createFileId != null;
        }
    }

    /** Whether the local engine goes on after a step. */
    public enum StepAck {
        CONTINUE,
        /** The job was asked to stop: end the run, keep a checkpoint, and record it {@link #cancelledAtStep}. */
        CANCEL_REQUESTED
    }

    // ---- acceptance --------------------------------------------------------------------------------------------

    /** Writes the job, its first history entry, job-submitted and its work lease, after checking the dataset, in one transaction. */
    @Transactional
    public void record(Job job) {
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null || !dataset.isValid() || dataset.trainKey == null) {
            throw ApiException.conflict("JOB_DATASET_NOT_VALID", "dataset " + job.datasetId + " is no longer trainable (" + (dataset == null
                    ? "unknown" : dataset.status) + ")");
        }
        job.persist();
        JobEvent.record(job.id, JobEvent.Type.QUEUED, null, "job accepted: " + job.baseModel + " on dataset " + job.datasetId
                + " (" + dataset.trainRecords + " training records), " + job.backend + " backend"
                + (job.estimateNote == null ? "" : "; estimate: " + job.estimateNote));
        outbox.publish(JobSubmitted.TOPIC, job.id, JobMapper.toSubmitted(job));
        leases.open(JobLeases.KIND_NAME, job.id);
    }

    @Transactional
    public Optional<Job> byIdempotencyKey(String tenantId, String key) {
        return Job.byIdempotencyKey(tenantId, key);
    }

    // ---- an attempt begins ---------------------------------------------------------------------------------------

    /**
     * The job as an attempt starts on it (its attempt number recorded). Empty when there is nothing to do, the lease then
     * completed: the job is finished, was cancelled before reaching its backend (it ends CANCELLED here), or its dataset is
     * gone (it ends FAILED).
     */
    @Transactional
    public Optional<Work> attemptBegins(Lease lease) {
        Job job = fenced(lease);
        if (job.isFinished()) {
            leases.complete(lease);
            return Optional.empty();
        }
        if (job.cancelReason != null && !job.isCreated() && job.createFileId == null) {
            finish(job, lease, JobStateMachine.Outcome.cancelled(job.cancelReason, null));
            return Optional.empty();
        }
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null || dataset.trainKey == null) {
            finish(job, lease, JobStateMachine.Outcome.failed("JOB_DATASET_NOT_FOUND", "dataset " + job.datasetId
                    + " or its train split is no longer known to training-service"));
            return Optional.empty();
        }
        job.attempts = lease.attempt();
        return Optional.of(new Work(job.id, job.tenantId, job.backend, job.baseModel, job.method, job.effectiveSpec, job.status,
                job.providerJobId, job.createFileId, job.createRequestedAt, dataset.trainKey, dataset.validationKey, position(job)));
    }

    // ---- submission to a backend ---------------------------------------------------------------------------------

    @Transactional
    public void uploaded(Lease lease, String what, String fileId, long bytes) {
        fenced(lease);
        JobEvent.record(lease.workId(), JobEvent.Type.UPLOADED, null, what + " uploaded (" + bytes + " bytes) as " + fileId);
    }

    /**
     * Just before the create request: whether the job may still be created (not cancelled while its files went up), and if
     * so the marker that a create on {@code trainingFileId} is on its way, committed before the request leaves. A crash
     * before the answer is stored leaves the marker, and the next attempt looks for the job first.
     */
    @Transactional
    public boolean creating(Lease lease, String trainingFileId) {
        Job job = fenced(lease);
        if (job.isCreated() || job.isFinished() || job.cancelReason != null) {
            if (job.cancelReason != null && !job.isCreated() && !job.isFinished()) {
                finish(job, lease, JobStateMachine.Outcome.cancelled(job.cancelReason, null));
            }
            return false;
        }
        job.createFileId = trainingFileId;
        job.createRequestedAt = now();
        return true;
    }

    /** The backend accepted the job: its id stored at once, so nothing creates it again. Returns whether a cancel is pending. */
    @Transactional
    public boolean created(Lease lease, ProviderJob created) {
        return attach(lease, created, JobEvent.Type.CREATED, "created on %s as " + created.id() + " (status " + created.rawStatus() + ")");
    }

    /** A job found at the provider on the training file of a create whose answer was lost: this job's. Returns whether a cancel is pending. */
    @Transactional
    public boolean adopted(Lease lease, ProviderJob found, String trainingFileId) {
        return attach(lease, found, JobEvent.Type.ADOPTED, "found on %s as " + found.id() + " (status " + found.rawStatus()
                + "), created on training file " + trainingFileId + " by a create whose answer was lost: adopted, not created again");
    }

    private boolean attach(Lease lease, ProviderJob p, JobEvent.Type type, String message) {
        Job job = fenced(lease);
        boolean again = job.isCreated();
        job.providerJobId = p.id();
        if (job.startedAt == null) {
            job.startedAt = now();
        }
        // A backend that reports its own progress says when it starts (STARTED); its create is a hand-over, not news.
        if (!again && Backends.capabilities(job.backend).progress() == Capabilities.Progress.POLLED) {
            JobEvent.record(job.id, type, null, message.formatted(job.backend));
        }
        persist(JobStateMachine.report(job, p, null, job.backend, costSource(job)));
        return job.cancelReason != null;
    }

    // ---- reports from the backend --------------------------------------------------------------------------------

    /**
     * A report from the backend (a poll, or its answer to a request), asked at {@code askedAt} (null: now). With a lease it
     * is the working attempt's and fenced; without one (a user's cancel or pause answered) it only needs the row.
     */
    @Transactional
    public Job reported(Lease leaseOrNull, String jobId, ProviderJob p, Instant askedAt) {
        Job job = leaseOrNull != null ? fenced(leaseOrNull) : Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job != null) {
            persist(JobStateMachine.report(job, p, askedAt, job.backend, costSource(job)));
        }
        return job;
    }

    /** A canonical state change the tracker saw, with the tracking position to reattach from. */
    @Transactional
    public void stateChanged(Lease lease, ProviderJob p, TrackingPosition position) {
        Job job = fenced(lease);
        store(job, position);
        persist(JobStateMachine.report(job, p, null, job.backend, costSource(job)));
    }

    @Transactional
    public void providerEvents(Lease lease, List<ProviderEvent> events, TrackingPosition position) {
        Job job = fenced(lease);
        for (ProviderEvent e : events) {
            String message = (e.type() == null ? "" : e.type() + ": ") + (e.message() == null ? "" : e.message());
            JobEvent.record(job.id, JobEvent.Type.PROVIDER, null, e.level() == null ? EventLevel.INFO.name() : e.level().name(),
                    e.step() == null ? null : e.step().intValue(), message, e.createdAt() == null ? null : OffsetDateTime.ofInstant(e.createdAt(), ZoneOffset.UTC));
        }
        store(job, position);
    }

    @Transactional
    public void providerMetrics(Lease lease, List<MetricPoint> points, TrackingPosition position) {
        Job job = fenced(lease);
        for (MetricPoint p : points) {
            int step = (int) p.step();
            if (p.trainLoss() != null || p.learningRate() != null) {
                JobStepMetric m = stepRow(job.id, step);
                m.loss = p.trainLoss() != null ? p.trainLoss() : m.loss;
                m.learningRate = p.learningRate() != null ? p.learningRate() : m.learningRate;
                m.recordedAt = p.loggedAt() == null ? now() : OffsetDateTime.ofInstant(p.loggedAt(), ZoneOffset.UTC);
                if (p.trainLoss() != null) {
                    job.trainLoss = p.trainLoss();
                }
            }
            if (p.evalLoss() != null) {
                validationRow(job.id, step, p.evalLoss());
            }
        }
        store(job, position);
    }

    @Transactional
    public void providerCheckpoints(Lease lease, List<ProviderCheckpoint> checkpoints) {
        Job job = fenced(lease);
        for (ProviderCheckpoint c : checkpoints) {
            if (JobCheckpoint.findById(new JobCheckpoint.Key(job.id, c.reference())) == null) {
                JobCheckpoint row = new JobCheckpoint();
                row.jobId = job.id;
                row.reference = c.reference();
                row.step = c.step();
                row.kind = c.kind();
                row.createdAt = c.createdAt() == null ? null : OffsetDateTime.ofInstant(c.createdAt(), ZoneOffset.UTC);
                row.persist();
            }
        }
    }

    /**
     * The backend reports the job ended: SUCCEEDED (its artifact: in our bucket when the output is
     * {@code s3://<our bucket>/<key>}, else kept by the provider as its output model), FAILED or CANCELLED, with
     * job-completed; the lease completes with it.
     *
     * @param failureCode the backend's own stable code for a failure (our cluster trainer's), or null for PROVIDER_JOB_FAILED
     */
    @Transactional
    public void finishedAtBackend(Lease lease, ProviderJob p, TrackingPosition position, String failureCode) {
        Job job = fenced(lease);
        if (job.isFinished()) {
            leases.complete(lease);
            return;
        }
        JobStateMachine.record(job, p, job.backend, costSource(job), new ArrayList<>());
        store(job, position);
        String key = keyInOurBucket(job.outputModel).orElse(null);
        if (JobStateMachine.canonical(p.state()) == JobStatus.SUCCEEDED) {
            job.steps = job.currentStep;
            job.finalTrainLoss = job.trainLoss;
            job.finalValidationLoss = lastValidationLoss(job.id);
        }
        finish(job, lease, JobStateMachine.outcomeOf(job, p, artifactTypeOf(job), key, failureCode));
    }

    // ---- the local engine's own reports ------------------------------------------------------------------------

    /**
     * Training begins (or resumes from the checkpoint of {@code resumedFromStep}): RUNNING, and the history says how.
     * Metrics after the resume point are measured again. False when the job was asked to stop before it began: it ends
     * CANCELLED here and there is nothing to train.
     */
    @Transactional
    public boolean trainingBegins(Lease lease, Integer resumedFromStep, String note, String worker) {
        Job job = fenced(lease);
        if (job.status == JobStatus.CANCELLING) {
            finish(job, lease, JobStateMachine.Outcome.cancelled(cancelReason(job), "stopped before training began: " + cancelReason(job)));
            return false;
        }
        if (job.providerJobId == null) {
            job.providerJobId = job.id; // its create's answer may still be on its way: the engine knows the job by its own id
        }
        int keep = resumedFromStep == null ? 0 : resumedFromStep;
        JobStepMetric.deleteAfter(job.id, keep);
        JobValidationLoss.deleteAfter(job.id, keep);
        if (resumedFromStep == null) {
            job.currentStep = null;
            job.epoch = null;
            job.trainLoss = null;
            job.etaSeconds = null;
            job.checkpointStep = null;
        } else {
            job.currentStep = resumedFromStep;
        }
        if (job.startedAt == null) {
            job.startedAt = now();
        }
        String attempt = "attempt " + lease.attempt();
        String how = resumedFromStep != null ? attempt + ": resumed from the checkpoint of step " + resumedFromStep + " on " + worker
                : attempt + ": training " + (lease.attempt() == 1 ? "started" : "started over (no checkpoint stored)") + " on " + worker
                + (note == null ? "" : "; " + note);
        JobEvent.Type type = resumedFromStep == null && lease.attempt() == 1 ? JobEvent.Type.STARTED : JobEvent.Type.RESUMED;
        // The first start also moves the job to RUNNING (the entry carries the state); a resume of a RUNNING job does not.
        JobEvent entry = JobStateMachine.advance(job, JobStatus.RUNNING, "INFO", how)
                .orElseGet(() -> JobEvent.of(job.id, type, null, "INFO", resumedFromStep, how, null));
        entry.type = type.name();
        entry.persist();
        return true;
    }

    /** A finished optimizer step: its metrics and the job's progress; says whether to go on. */
    @Transactional
    public StepAck step(Lease lease, StepProgress m) {
        Job job = fenced(lease);
        JobStepMetric metric = stepRow(job.id, m.step());
        metric.epoch = m.epoch();
        metric.loss = m.loss();
        metric.learningRate = m.learningRate();
        metric.gradNorm = m.gradNorm();
        metric.tokens = m.tokens();
        metric.tokensPerSecond = m.tokensPerSecond();
        metric.rewardAccuracy = m.rewardAccuracy();
        metric.rewardMargin = m.rewardMargin();
        metric.recordedAt = now();
        job.currentStep = m.step();
        job.totalSteps = m.totalSteps();
        job.epoch = m.epoch();
        job.trainLoss = m.loss();
        job.etaSeconds = m.etaSeconds();
        job.progressAt = metric.recordedAt;
        return job.status == JobStatus.CANCELLING ? StepAck.CANCEL_REQUESTED : StepAck.CONTINUE;
    }

    /** One step's measures, as the engine's listener hands them over (non-finite values already null). */
    public record StepProgress(int step, int totalSteps, Double epoch, Double loss, Double learningRate, Double gradNorm, Integer tokens,
                               Double tokensPerSecond, Double etaSeconds, Double rewardAccuracy, Double rewardMargin) {
    }

    @Transactional
    public void validationLoss(Lease lease, int step, double loss) {
        fenced(lease);
        validationRow(lease.workId(), step, loss);
    }

    /** A resume point stored at {@code prefix}; it replaces the older ones (the engine keeps only the newest). */
    @Transactional
    public void checkpointStored(Lease lease, int step, String prefix) {
        Job job = fenced(lease);
        job.checkpointStep = step;
        JobCheckpoint.delete("jobId = ?1 and kind = ?2", job.id, JobCheckpoint.RESUME);
        JobCheckpoint row = new JobCheckpoint();
        row.jobId = job.id;
        row.reference = prefix;
        row.step = (long) step;
        row.kind = JobCheckpoint.RESUME;
        row.createdAt = now();
        row.persist();
        JobEvent.record(job.id, JobEvent.Type.CHECKPOINT, step, "checkpoint of step " + step + " stored at " + prefix);
    }

    /** The engine trained to the end (or stopped early) and its artifact is stored: SUCCEEDED and job-completed, together. */
    @Transactional
    public void trained(Lease lease, int steps, Double finalTrainLoss, Double finalValidationLoss, String artifactType, String artifactKey,
                        String detail) {
        Job job = fenced(lease);
        job.steps = steps;
        // A run resumed from its final checkpoint takes no step: its last losses are the ones recorded before.
        job.finalTrainLoss = finalTrainLoss != null ? finalTrainLoss : job.trainLoss;
        job.finalValidationLoss = finalValidationLoss != null ? finalValidationLoss : lastValidationLoss(job.id);
        job.outputModel = "s3://" + storage.bucket() + "/" + artifactKey;
        finish(job, lease, JobStateMachine.Outcome.succeeded(artifactType, artifactKey, artifactType + " stored at " + artifactKey + ": " + detail));
    }

    /** The engine stopped because it was asked to: CANCELLED, the request's reason kept. */
    @Transactional
    public void cancelledAtStep(Lease lease, int step) {
        Job job = fenced(lease);
        finish(job, lease, JobStateMachine.Outcome.cancelled(cancelReason(job), "stopped at step " + step + ": " + cancelReason(job)));
    }

    /** The fence alone, for an attempt about to write outside the database (an artifact into the bucket). */
    @Transactional
    public void requireHeld(Lease lease) {
        leases.requireHeld(lease);
    }

    // ---- endings -----------------------------------------------------------------------------------------------

    /** A failure that ends the job (a refused spec, a rejected key, an engine error, a provider gone after every retry). */
    @Transactional
    public void failed(Lease lease, String code, String reason) {
        Job job = fenced(lease);
        if (!job.isFinished()) {
            finish(job, lease, JobStateMachine.Outcome.failed(code, reason));
        } else {
            leases.complete(lease);
        }
    }

    // ---- requests from users -------------------------------------------------------------------------------------

    /**
     * A cancel request, in one transaction on the row: see {@link JobStateMachine.CancelDecision}. A job not at its backend
     * yet ends CANCELLED here (its lease closed); one at its backend goes CANCELLING and the caller asks the backend.
     */
    @Transactional
    public JobStateMachine.CancelDecision requestCancel(String jobId, String reason, boolean budget) {
        leases.lock(JobLeases.KIND_NAME, jobId); // the lease row before the job row, in the order fenced writes take them
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        List<JobEvent> history = new ArrayList<>();
        JobStateMachine.CancelDecision decision = JobStateMachine.requestCancel(job, reason, budget, history);
        persist(history);
        if (decision == JobStateMachine.CancelDecision.ENDS_NOW) {
            finish(job, null, JobStateMachine.Outcome.cancelled(reason, null));
        }
        return decision;
    }

    /** The backend's answer to a cancel: the end, when it is final (the lease closed, whoever held it), else a report. */
    @Transactional
    public void cancelAnswered(String jobId, ProviderJob p) {
        leases.lock(JobLeases.KIND_NAME, jobId);
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job.isFinished()) {
            return;
        }
        if (p.isTerminal()) {
            JobStateMachine.record(job, p, job.backend, costSource(job), new ArrayList<>());
            finish(job, null, JobStateMachine.outcomeOf(job, p, artifactTypeOf(job), null, null));
        } else {
            persist(JobStateMachine.report(job, p, null, job.backend, costSource(job)));
        }
    }

    /**
     * The provider's answer to a pause or resume request, recorded with what it says (stored like a report, so a job the
     * provider reports paused at once is marked paused here).
     */
    @Transactional
    public void controlAnswered(String jobId, JobEvent.Type requested, ProviderJob answer) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isFinished()) {
            return;
        }
        String what = requested == JobEvent.Type.PAUSE_REQUESTED ? "pause" : "resume";
        JobEvent.record(jobId, requested, null, "INFO", job.currentStep, what + " requested at " + job.backend + ": it answers status "
                + answer.rawStatus(), null);
        persist(JobStateMachine.report(job, answer, null, job.backend, costSource(job)));
    }

    /** A pause or resume the provider refused or never answered: said in the history; the job is as it was. */
    @Transactional
    public void controlFailed(String jobId, JobEvent.Type requested, String message) {
        JobEvent.record(jobId, requested, null, "WARNING", null, message, null);
    }

    /** This process took the job up again after a restart or a takeover (the history says from where). */
    @Transactional
    public void reattached(String jobId, String message) {
        JobEvent.record(jobId, JobEvent.Type.REATTACHED, null, message);
    }

    /** A line in the job's history that changes nothing else. */
    @Transactional
    public void note(String jobId, String level, String message) {
        JobEvent.record(jobId, JobEvent.Type.PROVIDER, null, level, null, message, null);
    }

    /** Publishes a finished job's job-completed again, as it was built when the job ended; 409 for a job still under way. */
    @Transactional
    public AnnouncementView announceAgain(String jobId) {
        Job job = Job.findById(jobId);
        if (!job.status.isFinal()) {
            throw ApiException.conflict("JOB_NOT_FINISHED", "job " + jobId + " is " + job.status + "; job-completed is announced when it ends");
        }
        outbox.publish(JobCompleted.TOPIC, job.id, JobMapper.toCompleted(job), JobCompleted.VERSION);
        LOG.infof("job %s announced again on %s", job.id, JobCompleted.TOPIC);
        return new AnnouncementView(job.id, JobCompleted.TOPIC);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The job's row, locked, once the lease is checked to be the current claim (in this transaction, which it also locks). */
    private Job fenced(Lease lease) {
        leases.requireHeld(lease);
        return Job.findById(lease.workId(), LockModeType.PESSIMISTIC_WRITE);
    }

    /** Ends the job in this transaction: outcome, history entry, job-completed, and the lease (completed, or closed for a user's request). */
    private void finish(Job job, Lease leaseOrNull, JobStateMachine.Outcome outcome) {
        JobStateMachine.finish(job, outcome, storage.bucket()).persist();
        JobCompleted completed = JobMapper.toCompleted(job);
        outbox.publish(JobCompleted.TOPIC, job.id, completed, JobCompleted.VERSION);
        jobEnded.fire(new JobEnded(job));
        if (leaseOrNull != null) {
            leases.complete(leaseOrNull);
        } else {
            leases.close(JobLeases.KIND_NAME, job.id);
        }
        registry.counter("refinery_training_jobs_finished_total", "backend", job.backend, "status", outcome.status().name(),
                "code", outcome.failureCode() == null ? "none" : outcome.failureCode()).increment();
        LOG.infof("job %s %s%s", job.id, outcome.status(), outcome.failureCode() == null ? "" : " (" + outcome.failureCode() + ": "
                + outcome.failureReason() + ")");
    }

    private static void persist(List<JobEvent> history) {
        history.forEach(e -> e.persist());
    }

    private static String costSource(Job job) {
        return Backends.capabilities(job.backend).costSource();
    }

    /** What the job's result is, by its effective training type: an adapter, a whole model, or a provider's own (MANAGED). */
    static String artifactTypeOf(Job job) {
        String type = SpecJson.storedValue(job.effectiveSpec, "trainingType").orElse("lora");
        return switch (type) {
            case "full" -> dev.refinery.training.repository.ArtifactType.FULL_MODEL.wireName();
            case "managed" -> dev.refinery.training.repository.ArtifactType.PROVIDER_MODEL.wireName();
            default -> dev.refinery.training.repository.ArtifactType.LORA_ADAPTER.wireName();
        };
    }

    /** {@code s3://<our bucket>/<key>} as the key, for outputs written into this service's bucket (the cluster trainer's). */
    private Optional<String> keyInOurBucket(String outputModel) {
        String prefix = "s3://" + storage.bucket() + "/";
        return outputModel != null && outputModel.startsWith(prefix) ? Optional.of(outputModel.substring(prefix.length())) : Optional.empty();
    }

    private static String cancelReason(Job job) {
        return job.cancelReason == null ? "cancelled by request" : job.cancelReason;
    }

    private static Double lastValidationLoss(String jobId) {
        JobValidationLoss last = JobValidationLoss.find("jobId = ?1 order by step desc", jobId).firstResult();
        return last == null ? null : last.loss;
    }

    private static JobStepMetric stepRow(String jobId, int step) {
        JobStepMetric m = JobStepMetric.findById(new JobStepMetric.Key(jobId, step));
        if (m == null) {
            m = new JobStepMetric();
            m.jobId = jobId;
            m.step = step;
            m.recordedAt = now();
            m.persist();
        }
        return m;
    }

    private static void validationRow(String jobId, int step, double loss) {
        JobValidationLoss v = JobValidationLoss.findById(new JobStepMetric.Key(jobId, step));
        if (v == null) {
            v = new JobValidationLoss();
            v.jobId = jobId;
            v.step = step;
            v.loss = loss;
            v.recordedAt = now();
            v.persist();
        }
        v.loss = loss;
        v.recordedAt = now();
    }

    private static void store(Job job, TrackingPosition position) {
        job.trackedState = position.lastState() == null ? null : position.lastState().name();
        job.eventCursor = position.eventCursor();
        job.lastMetricStep = position.lastMetricStep();
    }

    public static TrackingPosition position(Job job) {
        return new TrackingPosition(job.trackedState == null ? null : JobState.valueOf(job.trackedState), job.eventCursor, job.lastMetricStep);
    }

    /** The capabilities of the job's backend. */
    public static Capabilities capabilitiesOf(String backend) {
        return Backends.capabilities(backend);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it: events say what the API says
    }
}
