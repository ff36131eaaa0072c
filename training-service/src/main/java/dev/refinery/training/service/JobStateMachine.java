package dev.refinery.training.service;

import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The life of a job, the same on every backend, as pure functions on the job's fields: what a provider's report, an
 * outcome or a cancel request changes, and which history entries say so. Nothing here reads or writes the database
 * ({@link JobStore} locks the row, calls these, and stores what they return), so every rule is unit-tested as is.
 *
 * <p>The canonical states move forward only: QUEUED &lt; VALIDATING &lt; RUNNING &lt; CANCELLING &lt; an outcome
 * (SUCCEEDED, FAILED, CANCELLED). A provider's "pending" after "validating" changes the raw status, not the state. A
 * paused provider job stays RUNNING (see the training-service README, "Paused jobs").
 */
public final class JobStateMachine {

    private JobStateMachine() {
    }

    /** What a finished job carries: its artifact (SUCCEEDED) or its failure. */
    public record Outcome(JobStatus status, String artifactType, String artifactKey, String failureCode, String failureReason, String message) {

        public static Outcome succeeded(String artifactType, String artifactKey, String message) {
            return new Outcome(JobStatus.SUCCEEDED, artifactType, artifactKey, null, null, message);
        }

        public static Outcome failed(String code, String reason) {
            return new Outcome(JobStatus.FAILED, null, null, code, reason, null);
        }

        public static Outcome cancelled(String reason, String message) {
            return new Outcome(JobStatus.CANCELLED, null, null, "JOB_CANCELLED", reason, message);
        }
    }

    /** What a cancel request does to a job. */
    public enum CancelDecision {
        /** Already finished: 409, nothing changes. */
        ALREADY_FINISHED,
        /** A cancel is already on its way: nothing more to do. */
        ALREADY_CANCELLING,
        /** A create was sent and its answer is not stored: 409, ask again (marking it cancelled could leave a job billing). */
        CREATE_UNCONFIRMED,
        /** Not at its backend yet: it ends CANCELLED now. */
        ENDS_NOW,
        /** At its backend: CANCELLING now, and the backend is asked to stop it. */
        ASK_BACKEND
    }

    /** Moves the job to {@code next} if that is progress; the history entry that says so, if it moved. */
    public static Optional<JobEvent> advance(Job job, JobStatus next, String level, String message) {
        if (next.isFinal() || !job.status.canMoveTo(next)) {
            return Optional.empty(); // an outcome is written by finish(), with job-completed
        }
        job.status = next;
        return Optional.of(JobEvent.of(job.id, JobEvent.Type.valueOf(next.name()), next.name(), level, job.currentStep, message, null));
    }

    /** PAUSED is not one of our states: a paused provider job is still RUNNING for its owner (the raw status says paused). */
    public static JobStatus canonical(JobState s) {
        return s == JobState.PAUSED ? JobStatus.RUNNING : JobStatus.valueOf(s.name());
    }

    /**
     * A backend's report on the job (a poll, or its answer to a create, cancel, pause or resume): raw status, progress,
     * cost, output model, pause, and the canonical state when it moved forward. A report asked before the job's pause
     * last changed ({@code askedAt}) is older news and changes nothing.
     *
     * @param costSource how the backend names its cost figure (its capabilities)
     */
    public static List<JobEvent> report(Job job, ProviderJob p, Instant askedAt, String backendName, String costSource) {
        List<JobEvent> history = new ArrayList<>();
        if (job.isFinished() || askedAt != null && job.pauseChangedAt != null && askedAt.isBefore(job.pauseChangedAt.toInstant())) {
            return history;
        }
        record(job, p, backendName, costSource, history);
        advance(job, canonical(p.state()), "INFO", backendName + " reports " + p.rawStatus()
                + (p.stateNote() == null ? "" : " (" + p.stateNote() + ")")).ifPresent(history::add);
        return history;
    }

    /** The raw facts of a report, without moving the canonical state (a finished report moves it through {@link #finish}). */
    static void record(Job job, ProviderJob p, String backendName, String costSource, List<JobEvent> history) {
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
            job.actualCostSource = backendName + " job " + p.id() + " " + costSource;
        }
        if (p.outputModel() != null) {
            job.outputModel = p.outputModel();
        }
        job.progressAt = now();
        followPause(job, p, backendName, history);
    }

    /**
     * A paused job stays RUNNING (it keeps its progress and is still followed); {@code pausedAt} and one history entry each
     * way say when the provider reported it paused and running again, whoever paused it.
     */
    private static void followPause(Job job, ProviderJob p, String backendName, List<JobEvent> history) {
        if (p.state() == JobState.PAUSED) {
            if (job.pausedAt == null) {
                job.pausedAt = now();
                job.pauseChangedAt = job.pausedAt;
                history.add(JobEvent.of(job.id, JobEvent.Type.PAUSED, null, "INFO", job.currentStep, backendName + " reports the job paused (status "
                        + p.rawStatus() + "); it stays RUNNING and followed until it is resumed or cancelled", null));
            }
        } else if (job.pausedAt != null) {
            OffsetDateTime since = job.pausedAt;
            job.pausedAt = null;
            job.pauseChangedAt = now();
            if (!p.isTerminal() && p.state() != JobState.CANCELLING) {
                history.add(JobEvent.of(job.id, JobEvent.Type.RESUMED, null, "INFO", job.currentStep, backendName + " reports the job "
                        + p.rawStatus() + " again after a pause since " + since, null));
            }
        }
    }

    /** Ends the job: its outcome, its final fields and the history entry. The caller publishes job-completed with it. */
    public static JobEvent finish(Job job, Outcome outcome, String bucket) {
        job.status = outcome.status();
        job.finishedAt = now();
        job.failureCode = outcome.failureCode();
        job.failureReason = outcome.failureReason();
        if (outcome.status() == JobStatus.SUCCEEDED) {
            job.artifactType = outcome.artifactType();
            job.artifactKey = outcome.artifactKey();
            job.bucket = outcome.artifactKey() == null ? null : bucket;
            job.etaSeconds = 0.0;
        }
        String message = outcome.message() != null ? outcome.message() : outcome.failureCode() + ": " + outcome.failureReason();
        return JobEvent.of(job.id, JobEvent.Type.valueOf(outcome.status().name()), outcome.status().name(),
                outcome.status() == JobStatus.FAILED ? "ERROR" : "INFO", job.currentStep, message, null);
    }

    /**
     * What a cancel request does (see {@link CancelDecision}); the job is changed accordingly: CANCELLING with the reason
     * for {@link CancelDecision#ASK_BACKEND}, the reason only for {@link CancelDecision#ENDS_NOW} (the caller finishes it).
     */
    public static CancelDecision requestCancel(Job job, String reason, boolean budget, List<JobEvent> history) {
        if (job.isFinished()) {
            return CancelDecision.ALREADY_FINISHED;
        }
        if (job.status == JobStatus.CANCELLING) {
            return CancelDecision.ALREADY_CANCELLING;
        }
        if (!job.isCreated() && job.createFileId != null) {
            return CancelDecision.CREATE_UNCONFIRMED;
        }
        job.cancelReason = reason;
        if (budget) {
            history.add(JobEvent.of(job.id, JobEvent.Type.BUDGET, null, "WARNING", job.currentStep, reason, null));
        }
        if (!job.isCreated()) {
            return CancelDecision.ENDS_NOW;
        }
        job.status = JobStatus.CANCELLING;
        history.add(JobEvent.of(job.id, JobEvent.Type.CANCELLING, JobStatus.CANCELLING.name(), "INFO", job.currentStep,
                "cancel requested at " + job.backend + ": " + reason, null));
        return CancelDecision.ASK_BACKEND;
    }

    /** The outcome a backend's terminal report means, in the job's words. */
    public static Outcome outcomeOf(Job job, ProviderJob p, String artifactType, String artifactKey, String failureCodeOrNull) {
        JobStatus status = canonical(p.state());
        if (status == JobStatus.SUCCEEDED) {
            String where = artifactKey != null ? "stored at " + artifactKey : "kept by " + job.backend + " as " + job.outputModel;
            return Outcome.succeeded(artifactType, artifactKey, job.backend + " job " + job.providerJobId + " completed: " + artifactType + " " + where
                    + cost(job));
        }
        if (status == JobStatus.CANCELLED) {
            return Outcome.cancelled(job.cancelReason != null ? job.cancelReason : "cancelled at " + job.backend + " (status " + p.rawStatus() + ")",
                    null);
        }
        String why = p.error() != null && p.error().message() != null ? p.error().message() : "the provider reports " + p.rawStatus();
        return Outcome.failed(failureCodeOrNull != null ? failureCodeOrNull : "PROVIDER_JOB_FAILED",
                job.backend + " job " + job.providerJobId + " failed: " + why);
    }

    private static String cost(Job job) {
        return job.actualCostUsd == null ? "" : ", cost $" + job.actualCostUsd.toPlainString() + " (" + job.actualCostSource + ")"
                + (job.estimateExpectedUsd == null ? "" : ", estimated $" + job.estimateExpectedUsd.setScale(2, java.math.RoundingMode.HALF_UP));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it: events say what the API says
    }
}
