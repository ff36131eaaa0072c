package dev.refinery.training.service;

import dev.refinery.kit.work.WorkerIdentity;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.events.JobCompleted;
import dev.refinery.training.mapping.HyperparameterJson;
import dev.refinery.training.mapping.JobMapper;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every change of a job's state once it was accepted, each in its own short transaction: claiming it
 * for an attempt, recording progress, checkpoints and validation losses, and finishing it, where the
 * final state and {@code job-completed} are written together. A worker changes only a job it holds
 * the claim on, so two processes never write one job's outcome.
 */
@ApplicationScoped
public class JobLifecycle {

    private static final Logger LOG = Logger.getLogger(JobLifecycle.class);

    @Inject
    WorkerIdentity worker;

    @Inject
    TrainingSettings settings;

    @Inject
    Outbox outbox;

    @Inject
    ObjectStorage storage;

    @Inject
    MeterRegistry registry;

    /**
     * What an attempt needs to know about its job.
     *
     * @param attempt       1 for the first attempt
     * @param trainKey      object key of the train split
     * @param validationKey object key of the validation split, or null
     * @param preference    a DPO job: the splits hold preference pairs
     * @param startingAdapterKey the adapter (object key prefix) of the job this one continues (fromJob), or null
     */
    public record Claim(String jobId, String datasetId, String baseModel, Hyperparameters hyperparameters, int attempt, String trainKey,
                        String validationKey, boolean preference, String startingAdapterKey) {
    }

    /** Whether a job-submitted event names a job that still has to be trained. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean awaitsTraining(String jobId) {
        Job job = Job.findById(jobId);
        if (job == null) {
            LOG.warnf("job-submitted for unknown job %s: ignored", jobId);
            return false;
        }
        return !job.isFinished();
    }

    /**
     * Takes a job for a new attempt: QUEUED, or RUNNING without a live claim of another process. A job
     * whose attempts were all interrupted ends FAILED here instead.
     */
    @Transactional
    public Optional<Claim> claim(String jobId) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || job.isFinished() || !job.isLocal()) {
            return Optional.empty();
        }
        OffsetDateTime now = now();
        if (heldByAnotherLiveWorker(job, now)) {
            LOG.infof("job %s is being trained by %s: not taken", jobId, job.claimedBy);
            return Optional.empty();
        }
        if (JobStatus.CANCELLING.name().equals(job.status)) {
            // Asked to stop while no worker was training it (the one that was died): nothing is left to stop.
            String why = job.cancelReason == null ? "cancelled by request" : job.cancelReason;
            finish(job, JobStatus.CANCELLED, null, "JOB_CANCELLED", why, null);
            return Optional.empty();
        }
        boolean interrupted = JobStatus.RUNNING.name().equals(job.status);
        if (interrupted && job.attempts >= settings.maxAttempts()) {
            JobEvent last = JobEvent.find("jobId = ?1 and type = ?2 order by createdAt desc, id desc", jobId,
                    JobEvent.Type.INTERRUPTED.name()).firstResult();
            finish(job, JobStatus.FAILED, null, "JOB_INTERRUPTED", "interrupted " + job.attempts + " times"
                    + (last == null ? "" : "; last: " + last.message), null);
            return Optional.empty();
        }
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null || dataset.trainKey == null) {
            finish(job, JobStatus.FAILED, null, "JOB_DATASET_NOT_FOUND", "dataset " + job.datasetId
                    + " or its train split is no longer known to training-service", null);
            return Optional.empty();
        }
        String startingAdapter = null;
        if (job.fromJobId != null) {
            Job source = Job.findById(job.fromJobId);
            if (source == null || source.adapterKey == null) {
                finish(job, JobStatus.FAILED, null, "JOB_FROM_JOB_INVALID", "the adapter of fromJob " + job.fromJobId
                        + " is no longer known to training-service", null);
                return Optional.empty();
            }
            startingAdapter = source.adapterKey;
        }
        job.attempts++;
        job.status = JobStatus.RUNNING.name();
        job.claimedBy = worker.id();
        job.heartbeatAt = now;
        if (job.startedAt == null) {
            job.startedAt = now;
        }
        return Optional.of(new Claim(job.id, job.datasetId, job.baseModel, HyperparameterJson.read(job.hyperparameters, job.hyperparameterSources),
                job.attempts, dataset.trainKey, dataset.validationKey, "dpo".equals(job.method), startingAdapter));
    }

    /** Notes how an attempt begins: from scratch, or from a checkpoint (steps after it are measured again). */
    @Transactional
    public void begin(Claim claim, Integer resumedFromStep, String note) {
        int keep = resumedFromStep == null ? 0 : resumedFromStep;
        JobStepMetric.deleteAfter(claim.jobId(), keep);
        JobValidationLoss.deleteAfter(claim.jobId(), keep);
        Job job = Job.findById(claim.jobId(), LockModeType.PESSIMISTIC_WRITE);
        if (resumedFromStep == null) {
            job.currentStep = null;
            job.epoch = null;
            job.trainLoss = null;
            job.etaSeconds = null;
            job.checkpointStep = null;
        } else {
            job.currentStep = resumedFromStep;
        }
        String attempt = "attempt " + claim.attempt() + " of " + settings.maxAttempts();
        if (resumedFromStep != null) {
            JobEvent.record(claim.jobId(), JobEvent.Type.RESUMED, resumedFromStep, attempt + ": resumed from the checkpoint of step "
                    + resumedFromStep + " on " + worker.id());
        } else {
            JobEvent.record(claim.jobId(), claim.attempt() == 1 ? JobEvent.Type.STARTED : JobEvent.Type.RESUMED, null,
                    attempt + ": training " + (claim.attempt() == 1 ? "started" : "started over (no checkpoint stored)") + " on " + worker.id()
                            + (note == null ? "" : "; " + note));
        }
    }

    /** Records a finished step and renews the claim; says whether to go on, stop for a cancel, or stop because the job is gone. */
    @Transactional
    public StepAck recordStep(String jobId, TrainingListener.StepMetrics m) {
        // Locked: the job row is written whole, and a cancel (or a takeover) committed between an unlocked read and this
        // write would be overwritten with the status read before it.
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (!ownedHere(job)) {
            return StepAck.CLAIM_LOST;
        }
        JobStepMetric existing = JobStepMetric.findById(new JobStepMetric.Key(jobId, m.step()));
        JobStepMetric metric = existing != null ? existing : new JobStepMetric();
        metric.jobId = jobId;
        metric.step = m.step();
        metric.epoch = m.epoch();
        metric.loss = m.loss();
        metric.learningRate = m.learningRate();
        metric.gradNorm = m.gradNorm();
        metric.tokens = m.tokens();
        metric.tokensPerSecond = finiteOr(m.tokensPerSecond(), 0);
        metric.rewardAccuracy = Double.isFinite(m.rewardAccuracy()) ? m.rewardAccuracy() : null;
        metric.rewardMargin = Double.isFinite(m.rewardMargin()) ? m.rewardMargin() : null;
        metric.recordedAt = now();
        if (existing == null) {
            metric.persist();
        }
        job.currentStep = m.step();
        job.totalSteps = m.totalSteps();
        job.epoch = m.epoch();
        job.trainLoss = m.loss();
        job.etaSeconds = finiteOr(m.etaSeconds(), 0);
        job.progressAt = metric.recordedAt;
        job.heartbeatAt = metric.recordedAt;
        return JobStatus.CANCELLING.name().equals(job.status) ? StepAck.CANCEL_REQUESTED : StepAck.CONTINUE;
    }

    /** What the worker does after a step has been recorded. */
    public enum StepAck {
        CONTINUE,
        /** The job was asked to stop (POST /jobs/{id}/cancel): end the run and {@link #cancelled} it. */
        CANCEL_REQUESTED,
        /** Another worker holds the job now: stop without writing anything more. */
        CLAIM_LOST
    }

    /**
     * A QUEUED local job ends CANCELLED at once; a RUNNING one goes CANCELLING, and its worker stops at the end of the
     * step it is in and ends it CANCELLED (a worker that died is replaced by the sweeper, which ends it at once).
     */
    @Transactional
    public void requestCancel(String id, String why) {
        Job job = Job.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (job.isFinished() || JobStatus.CANCELLING.name().equals(job.status)) {
            return;
        }
        job.cancelReason = why;
        if (JobStatus.QUEUED.name().equals(job.status)) {
            finish(job, JobStatus.CANCELLED, null, "JOB_CANCELLED", why, null);
            return;
        }
        job.status = JobStatus.CANCELLING.name();
        JobEvent.record(id, JobEvent.Type.CANCELLING,
                JobStatus.CANCELLING.name(), "INFO", job.currentStep, "cancel requested: " + why + "; training stops after the current step",
                now());
    }

    /** Ends a running job that stopped because it was asked to: CANCELLED with job-completed, the request's reason kept. */
    @Transactional
    public void cancelled(String jobId, int step) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (!ownedHere(job)) {
            return;
        }
        String why = job.cancelReason == null ? "cancelled by request" : job.cancelReason;
        finish(job, JobStatus.CANCELLED, null, "JOB_CANCELLED", why, "stopped at step " + step + ": " + why);
    }

    @Transactional
    public void recordValidation(String jobId, int step, double loss) {
        JobValidationLoss existing = JobValidationLoss.findById(new JobStepMetric.Key(jobId, step));
        JobValidationLoss v = existing != null ? existing : new JobValidationLoss();
        v.jobId = jobId;
        v.step = step;
        v.loss = loss;
        v.recordedAt = now();
        if (existing == null) {
            v.persist();
        }
    }

    @Transactional
    public void recordCheckpoint(String jobId, int step, String prefix) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        job.checkpointStep = step;
        job.heartbeatAt = now();
        JobEvent.record(jobId, JobEvent.Type.CHECKPOINT, step, "checkpoint of step " + step + " stored at " + prefix);
    }

    /** The attempt trained to the end and the adapter is stored: SUCCEEDED and job-completed, together. */
    @Transactional
    public void succeed(String jobId, TrainingResult result, String adapterKey) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (!ownedHere(job)) {
            LOG.warnf("job %s: finished training but another worker holds it now; its result is left to that worker", jobId);
            return;
        }
        // A run resumed from its final checkpoint takes no step: its last losses are the ones recorded before.
        Double trainLoss = finite(result.finalTrainLoss()) != null ? finite(result.finalTrainLoss()) : job.trainLoss;
        Double validationLoss = finite(result.finalValidationLoss());
        if (validationLoss == null) {
            JobValidationLoss last = JobValidationLoss.find("jobId = ?1 order by step desc", jobId).firstResult();
            validationLoss = last == null ? null : last.loss;
        }
        job.steps = result.steps();
        job.finalTrainLoss = trainLoss;
        job.finalValidationLoss = validationLoss;
        String detail = result.steps() + " steps, final train loss " + fmt(trainLoss)
                + (validationLoss == null ? "" : ", validation loss " + fmt(validationLoss))
                + (result.stoppedEarly() ? " (stopped early)" : "")
                + (result.droppedExamples() > 0 ? ", " + result.droppedExamples() + " examples dropped as too long" : "")
                + (result.truncatedExamples() > 0 ? ", " + result.truncatedExamples() + " examples truncated" : "");
        finish(job, JobStatus.SUCCEEDED, adapterKey, null, null, "adapter stored at " + adapterKey + ": " + detail);
    }

    /** The attempt cannot succeed (an engine error, missing data): FAILED with the code, and job-completed. */
    @Transactional
    public void fail(String jobId, String code, String reason) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (!ownedHere(job)) {
            LOG.warnf("job %s failed (%s) but another worker holds it now: %s", jobId, code, reason);
            return;
        }
        finish(job, JobStatus.FAILED, null, code, reason, null);
    }

    /**
     * Gives a job back without an outcome (service stopping, storage unreachable): it stays RUNNING
     * without a claim and the sweeper starts its next attempt from the latest checkpoint.
     *
     * @param countsAsAttempt false for a clean stop, which is not a failure of the job
     */
    @Transactional
    public void release(String jobId, String why, boolean countsAsAttempt) {
        Job job = Job.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (!ownedHere(job)) {
            return;
        }
        job.claimedBy = null;
        job.heartbeatAt = null;
        if (!countsAsAttempt) {
            job.attempts = Math.max(0, job.attempts - 1);
        }
        JobEvent.record(jobId, JobEvent.Type.INTERRUPTED, job.currentStep, why);
        registry.counter("refinery_training_jobs_interrupted_total").increment();
        LOG.warnf("job %s interrupted: %s", jobId, why);
    }

    /** Renews the claims of the jobs this process is training. */
    @Transactional
    public void heartbeat(Collection<String> jobIds) {
        if (!jobIds.isEmpty()) {
            Job.update("heartbeatAt = ?1 where id in ?2 and claimedBy = ?3", now(), List.copyOf(jobIds), worker.id());
        }
    }

    /**
     * Jobs that should be training but that no worker holds: RUNNING ones whose claim is this process's
     * own (but not held any more), missing, or not renewed within the lease; QUEUED ones whose
     * job-submitted event should long have been consumed.
     */
    @Transactional
    public List<String> orphans(Set<String> heldHere) {
        OffsetDateTime cutoff = now().minus(settings.claimLease());
        return Job.unfinished().stream()
                .filter(j -> !heldHere.contains(j.id))
                .filter(j -> JobStatus.QUEUED.name().equals(j.status)
                        ? j.createdAt.isBefore(cutoff)
                        : j.claimedBy == null || j.claimedBy.equals(worker.id()) || j.heartbeatAt == null || j.heartbeatAt.isBefore(cutoff))
                .map(j -> j.id)
                .toList();
    }

    /** Ends a job (any backend) in the caller's transaction: the outcome, its history entry and job-completed together. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(Job job, JobStatus status, String adapterKey, String failureCode, String failureReason, String message) {
        finish(job, status, adapterKey, failureCode, failureReason, message);
    }

    private void finish(Job job, JobStatus status, String adapterKey, String failureCode, String failureReason, String message) {
        job.status = status.name();
        job.finishedAt = now();
        job.claimedBy = null;
        job.bucket = storage.bucket();
        job.adapterKey = adapterKey;
        job.failureCode = failureCode;
        job.failureReason = failureReason;
        if (status == JobStatus.SUCCEEDED) {
            job.etaSeconds = 0.0;
        }
        JobEvent.record(job.id, JobEvent.Type.valueOf(status.name()), job.currentStep, message != null ? message : failureCode + ": " + failureReason);
        outbox.publish(JobCompleted.TOPIC, job.id, JobMapper.toCompleted(job));
        registry.counter("refinery_training_jobs_finished_total", "status", status.name(), "code", failureCode == null ? "none" : failureCode)
                .increment();
        LOG.infof("job %s %s%s", job.id, status, failureCode == null ? "" : " (" + failureCode + ": " + failureReason + ")");
    }

    private boolean heldByAnotherLiveWorker(Job job, OffsetDateTime now) {
        return isTraining(job) && job.claimedBy != null && !job.claimedBy.equals(worker.id())
                && job.heartbeatAt != null && job.heartbeatAt.isAfter(now.minus(settings.claimLease()));
    }

    private boolean ownedHere(Job job) {
        return job != null && isTraining(job) && worker.id().equals(job.claimedBy);
    }

    /** RUNNING, or CANCELLING: still training until the worker reaches its next step. */
    private static boolean isTraining(Job job) {
        return JobStatus.RUNNING.name().equals(job.status) || JobStatus.CANCELLING.name().equals(job.status);
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static double finiteOr(double d, double fallback) {
        return Double.isFinite(d) ? d : fallback;
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
