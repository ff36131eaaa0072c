package dev.refinery.training.service;

import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.tracker.TrackingPosition;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobCheckpoint;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every write of a provider job's life, each in its own short transaction: taking it for submission, the provider's id
 * once created, each state change (never backwards), raw status and cost on every poll, events, metrics, checkpoints,
 * the tracking position, and the outcome with {@code job-completed}.
 */
@ApplicationScoped
public class ProviderJobStore {

    @Inject
    JobLifecycle lifecycle;

    @Inject
    Outbox outbox;

    @Inject
    ObjectStorage storage;

    /** What the submitter needs, read in one transaction. */
    public record ToSubmit(String jobId, String tenantId, String backend, String baseModel, String method, String effectiveSpec,
                           String trainKey, String validationKey, String createFileId, OffsetDateTime createRequestedAt) {

        /** Whether a create may already have reached the provider: one was sent (on {@link #createFileId}) and its answer never stored. */
        public boolean createMayHaveReachedProvider() {
            return createFileId != null;
        }
    }

    /** A QUEUED provider job not created at its provider yet; empty when it was created, cancelled or finished meanwhile. */
    @Transactional
    public Optional<ToSubmit> toSubmit(String jobId) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isLocal() || job.providerJobId != null || !JobStatus.QUEUED.name().equals(job.status)) {
            return Optional.empty();
        }
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null || dataset.trainKey == null) {
            lifecycle.complete(job, JobStatus.FAILED, null, "JOB_DATASET_NOT_FOUND", "dataset " + job.datasetId + " or its train split is no longer known", null);
            return Optional.empty();
        }
        job.attempts++;
        return Optional.of(new ToSubmit(job.id, job.tenantId, job.backend, job.baseModel, job.method, job.effectiveSpec, dataset.trainKey,
                dataset.validationKey, job.createFileId, job.createRequestedAt));
    }

    @Transactional
    public void uploaded(String jobId, String what, String fileId, long bytes) {
        JobEvent.record(jobId, JobEvent.Type.UPLOADED, null, what + " uploaded (" + bytes + " bytes) as " + fileId);
    }

    /**
     * Just before the create request: whether the job may still be created (not cancelled while its files went up), and
     * if so the marker that a create on {@code trainingFileId} is on its way, committed before the request leaves. A
     * crash before the provider's answer is stored leaves the marker, and the next submission looks for the job first.
     */
    @Transactional
    public boolean creating(String jobId, String trainingFileId) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.providerJobId != null || !JobStatus.QUEUED.name().equals(job.status)) {
            return false;
        }
        job.createFileId = trainingFileId;
        job.createRequestedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return true;
    }

    /** The provider accepted the job: its id is stored at once, so nothing ever creates it again. Returns whether a cancel is pending. */
    @Transactional
    public boolean created(String jobId, ProviderJob created) {
        return attach(jobId, created, JobEvent.Type.CREATED, "created on %s as " + created.id() + " (status " + created.rawStatus() + ")");
    }

    /**
     * A job found at the provider on the training file of a create whose answer was lost: it is this job's, stored as if
     * the create had answered. Returns whether a cancel is pending.
     */
    @Transactional
    public boolean adopted(String jobId, ProviderJob found, String trainingFileId) {
        return attach(jobId, found, JobEvent.Type.ADOPTED, "found on %s as " + found.id() + " (status " + found.rawStatus() + "), created on training file "
                + trainingFileId + " by a create whose answer was lost: adopted, not created again");
    }

    private boolean attach(String jobId, ProviderJob p, JobEvent.Type type, String message) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        job.providerJobId = p.id();
        job.startedAt = OffsetDateTime.now(ZoneOffset.UTC);
        JobEvent.record(jobId, type, null, message.formatted(job.backend));
        polled(job, p);
        return job.cancelReason != null;
    }

    /**
     * Every poll: the raw status, the provider's progress and its own cost figure, and the canonical state when it
     * moved forward (so a cap check right after sees the state the provider reported).
     */
    @Transactional
    public Job polled(String jobId, ProviderJob p) {
        return polled(jobId, p, null);
    }

    /**
     * A poll asked at {@code askedAt}: an answer asked before the job's pause last changed (a pause or resume request
     * answered while this poll was on its way) is older news, and changes nothing.
     */
    @Transactional
    public Job polled(String jobId, ProviderJob p, Instant askedAt) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job != null && !job.isFinished()) {
            if (askedAt != null && job.pauseChangedAt != null && askedAt.isBefore(job.pauseChangedAt.toInstant())) {
                return job;
            }
            polled(job, p);
            advance(job, p);
        }
        return job;
    }

    private void polled(Job job, ProviderJob p) {
        job.rawStatus = p.rawStatus();
        job.stateNote = p.stateNote();
        if (p.stepsCompleted() != null) {
            job.currentStep = p.stepsCompleted().intValue();
        }
        if (p.totalSteps() != null) {
            job.totalSteps = p.totalSteps().intValue();
        }
        if (p.epochsCompleted() != null) {
            job.epoch = p.epochsCompleted();
        }
        if (p.costUsd() != null) {
            job.actualCostUsd = p.costUsd();
            job.actualCostSource = job.backend + " job " + p.id() + (job.backend.equals("fireworks") ? " estimatedCost (the provider's own figure)" : " reported price");
        }
        if (p.outputModel() != null) {
            job.outputModel = p.outputModel();
        }
        job.progressAt = OffsetDateTime.now(ZoneOffset.UTC);
        followPause(job, p);
    }

    /**
     * A paused provider job stays RUNNING (it keeps its progress and is still followed); {@code pausedAt} and one history
     * entry each way say when the provider reported it paused and running again, whoever paused it.
     */
    private static void followPause(Job job, ProviderJob p) {
        if (p.state() == JobState.PAUSED) {
            if (job.pausedAt == null) {
                job.pausedAt = OffsetDateTime.now(ZoneOffset.UTC);
                job.pauseChangedAt = job.pausedAt;
                JobEvent.record(job.id, JobEvent.Type.PAUSED, null, "INFO", job.currentStep, job.backend + " reports the job paused (status "
                        + p.rawStatus() + "); it stays RUNNING and followed until it is resumed or cancelled", null);
            }
        } else if (job.pausedAt != null) {
            OffsetDateTime since = job.pausedAt;
            job.pausedAt = null;
            job.pauseChangedAt = OffsetDateTime.now(ZoneOffset.UTC);
            if (!p.isTerminal() && p.state() != JobState.CANCELLING) {
                JobEvent.record(job.id, JobEvent.Type.RESUMED, null, "INFO", job.currentStep, job.backend + " reports the job "
                        + p.rawStatus() + " again after a pause since " + since, null);
            }
        }
    }

    /**
     * The provider's answer to a pause or resume request, recorded with what it says (the answer's status is stored like a
     * poll's, so a job the provider reports paused at once is marked paused here).
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
        polled(job, answer);
        advance(job, answer);
    }

    /** A pause or resume the provider refused or never answered: said in the history; the job is as it was. */
    @Transactional
    public void controlFailed(String jobId, JobEvent.Type requested, String message) {
        JobEvent.record(jobId, requested, null, "WARNING", null, message, null);
    }

    /** A canonical state change reported by the tracker: recorded when it moves the job forward. */
    @Transactional
    public void stateChanged(String jobId, ProviderJob p, TrackingPosition position) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isFinished()) {
            return;
        }
        store(job, position);
        advance(job, p);
    }

    private void advance(Job job, ProviderJob p) {
        JobStatus next = canonical(p.state());
        if (next.isFinal()) {
            return; // the outcome is written by finished(), with job-completed
        }
        if (job.state().canMoveTo(next)) {
            job.status = next.name();
            JobEvent.record(job.id, JobEvent.Type.valueOf(next.name()), next.name(), "INFO", job.currentStep,
                    job.backend + " reports " + p.rawStatus() + (p.stateNote() == null ? "" : " (" + p.stateNote() + ")"), null);
        }
    }

    @Transactional
    public void events(String jobId, List<ProviderEvent> events, TrackingPosition position) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            return;
        }
        for (ProviderEvent e : events) {
            String message = (e.type() == null ? "" : e.type() + ": ") + (e.message() == null ? "" : e.message());
            JobEvent.record(jobId, JobEvent.Type.PROVIDER, null, e.level() == null ? EventLevel.INFO.name() : e.level().name(),
                    e.step() == null ? null : e.step().intValue(), message, e.createdAt() == null ? null : OffsetDateTime.ofInstant(e.createdAt(), ZoneOffset.UTC));
        }
        store(job, position);
    }

    @Transactional
    public void metrics(String jobId, List<MetricPoint> points, TrackingPosition position) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            return;
        }
        for (MetricPoint p : points) {
            int step = (int) p.step();
            if (p.trainLoss() != null || p.learningRate() != null) {
                JobStepMetric m = JobStepMetric.findById(new JobStepMetric.Key(jobId, step));
                boolean fresh = m == null;
                if (fresh) {
                    m = new JobStepMetric();
                    m.jobId = jobId;
                    m.step = step;
                }
                m.loss = p.trainLoss() != null ? p.trainLoss() : m.loss;
                m.learningRate = p.learningRate() != null ? p.learningRate() : m.learningRate;
                m.recordedAt = at(p.loggedAt());
                if (fresh) {
                    m.persist();
                }
                if (p.trainLoss() != null) {
                    job.trainLoss = p.trainLoss();
                }
            }
            if (p.evalLoss() != null) {
                lifecycle.recordValidation(jobId, step, p.evalLoss());
            }
        }
        store(job, position);
    }

    @Transactional
    public void checkpoints(String jobId, List<ProviderCheckpoint> checkpoints) {
        for (ProviderCheckpoint c : checkpoints) {
            if (JobCheckpoint.findById(new JobCheckpoint.Key(jobId, c.reference())) == null) {
                JobCheckpoint row = new JobCheckpoint();
                row.jobId = jobId;
                row.reference = c.reference();
                row.step = c.step();
                row.kind = c.kind();
                row.createdAt = c.createdAt() == null ? null : OffsetDateTime.ofInstant(c.createdAt(), ZoneOffset.UTC);
                row.persist();
            }
        }
    }

    /** The provider job ended: SUCCEEDED, FAILED or CANCELLED with job-completed, in one transaction. */
    @Transactional
    public void finished(String jobId, ProviderJob p, TrackingPosition position) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isFinished()) {
            return;
        }
        polled(job, p);
        store(job, position);
        JobStatus outcome = canonical(p.state());
        if (outcome == JobStatus.SUCCEEDED) {
            job.steps = job.currentStep;
            job.finalTrainLoss = job.trainLoss;
            JobValidationLoss last = JobValidationLoss.find("jobId = ?1 order by step desc", jobId).firstResult();
            job.finalValidationLoss = last == null ? null : last.loss;
            // The weights stay at the provider: the reference names where (job-completed's adapterKey for a provider job).
            // The cluster's trainer writes into our bucket: its adapter gets a plain key, like the local engine's.
            String reference = keyInOurBucket(job.outputModel).orElse(job.backend + ":" + (job.outputModel != null ? job.outputModel : job.providerJobId));
            lifecycle.complete(job, JobStatus.SUCCEEDED, reference, null, null, job.backend + " job " + job.providerJobId + " completed: model "
                    + job.outputModel + cost(job));
        } else if (outcome == JobStatus.CANCELLED) {
            lifecycle.complete(job, JobStatus.CANCELLED, null, "JOB_CANCELLED",
                    job.cancelReason != null ? job.cancelReason : "cancelled at " + job.backend + " (status " + p.rawStatus() + ")", null);
        } else {
            String why = p.error() != null && p.error().message() != null ? p.error().message() : "the provider reports " + p.rawStatus();
            // Our own trainer's codes are ours and documented (KUBERNETES_IMAGE_PULL_FAILED, TRAINER_OUT_OF_MEMORY, SPEC_FIELD_INVALID...);
            // a hosted provider's failure keeps the one stable code, its own words in the reason.
            String code = KubernetesTrainerBackend.NAME.equals(job.backend) && p.error() != null && p.error().code() != null
                    ? p.error().code() : "PROVIDER_JOB_FAILED";
            lifecycle.complete(job, JobStatus.FAILED, null, code, job.backend + " job " + job.providerJobId + " failed: " + why, null);
        }
    }

    /** {@code s3://<our bucket>/<key>} as the key, for outputs written into this service's bucket (the Kubernetes trainer's). */
    private Optional<String> keyInOurBucket(String outputModel) {
        String prefix = "s3://" + storage.bucket() + "/";
        return outputModel != null && outputModel.startsWith(prefix) ? Optional.of(outputModel.substring(prefix.length())) : Optional.empty();
    }

    /** A failure of ours or the provider's that ends the job (bad key, refused spec, provider down after every retry). */
    @Transactional
    public void failed(String jobId, String code, String reason) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job != null && !job.isFinished()) {
            lifecycle.complete(job, JobStatus.FAILED, null, code, reason, null);
        }
    }

    /** Marks a cancel: CANCELLED at once for a job not created at its provider, else CANCELLING. Returns the provider job id to cancel, if any. */
    @Transactional
    public Optional<String> requestCancel(String jobId, String reason, boolean budget) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isFinished() || JobStatus.CANCELLING.name().equals(job.status)) {
            return Optional.empty();
        }
        if (job.providerJobId == null && job.createFileId != null) {
            // Marking it CANCELLED here could leave a job training (and billing) at the provider: it is looked for first.
            throw ApiException.conflict("JOB_CREATE_UNCONFIRMED", "a create for job " + jobId + " was sent to " + job.backend
                    + " and its answer is not stored yet (in flight, or lost in a restart: then the job is looked for there and adopted if found): cancel again in a moment")
                    .with("status", job.status);
        }
        job.cancelReason = reason;
        if (budget) {
            JobEvent.record(jobId, JobEvent.Type.BUDGET, null, "WARNING", job.currentStep, reason, null);
        }
        if (job.providerJobId == null) {
            lifecycle.complete(job, JobStatus.CANCELLED, null, "JOB_CANCELLED", reason, null);
            return Optional.empty();
        }
        job.status = JobStatus.CANCELLING.name();
        JobEvent.record(jobId, JobEvent.Type.CANCELLING, JobStatus.CANCELLING.name(), "INFO", job.currentStep,
                "cancel requested at " + job.backend + ": " + reason, null);
        return Optional.of(job.providerJobId);
    }

    @Transactional
    public void note(String jobId, String level, String message) {
        JobEvent.record(jobId, JobEvent.Type.PROVIDER, null, level, null, message, null);
    }

    /** Provider jobs to follow or to submit after a start. */
    @Transactional
    public List<Job> unfinished() {
        return Job.unfinishedOnProviders();
    }

    @Transactional
    public void reattached(String jobId, String what) {
        JobEvent.record(jobId, JobEvent.Type.REATTACHED, null, what);
    }

    private static void store(Job job, TrackingPosition position) {
        job.trackedState = position.lastState() == null ? null : position.lastState().name();
        job.eventCursor = position.eventCursor();
        job.lastMetricStep = position.lastMetricStep();
    }

    public static TrackingPosition position(Job job) {
        return new TrackingPosition(job.trackedState == null ? null : JobState.valueOf(job.trackedState), job.eventCursor, job.lastMetricStep);
    }

    /** PAUSED is not one of our canonical states: a paused provider job is still running as far as its owner is concerned (raw status says paused). */
    static JobStatus canonical(JobState s) {
        return s == JobState.PAUSED ? JobStatus.RUNNING : JobStatus.valueOf(s.name());
    }

    private static String cost(Job job) {
        return job.actualCostUsd == null ? "" : ", cost $" + job.actualCostUsd.toPlainString() + " (" + job.actualCostSource + ")"
                + (job.estimateExpectedUsd == null ? "" : ", estimated $" + job.estimateExpectedUsd.setScale(2, java.math.RoundingMode.HALF_UP));
    }

    private static OffsetDateTime at(Instant i) {
        return i == null ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
