package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.function.Function;

/**
 * What a user (or a budget) asks of a running job, the same on every backend: cancel it, pause it, resume it. A job
 * not at its backend yet is cancelled at once; one at its backend goes CANCELLING and the backend is asked, its answer
 * stored (the local engine answers for its own runs). Pause and resume exist where the backend offers them
 * (capability {@code pauseResume}). Every refusal is a conflict with a stable code, and nothing is sent.
 */
@ApplicationScoped
public class JobControls {

    @Inject
    JobService jobs;

    @Inject
    JobStore store;

    @Inject
    Backends backends;

    @Inject
    MeterRegistry registry;

    /** Cancels a job (see the class comment); 409 for a finished one, or while a create's answer is not stored yet. */
    public Job cancel(String id, String reason) {
        Job job = jobs.get(id);
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason.strip();
        cancel(job, why, false);
        registry.counter("refinery_training_jobs_cancel_requests_total", "backend", job.backend).increment();
        return jobs.get(id);
    }

    /** A running job whose cost crossed its hard cap: cancelled, with a BUDGET entry naming both figures. */
    public void cancelForBudget(String jobId, String why) {
        cancel(jobs.get(jobId), why, true);
    }

    private void cancel(Job job, String why, boolean budget) {
        switch (store.requestCancel(job.id, why, budget)) {
            case ALREADY_FINISHED -> throw ApiException.conflict("JOB_ALREADY_FINISHED", "job " + job.id + " is already " + job.status)
                    .with("status", job.status.name());
            case CREATE_UNCONFIRMED -> throw ApiException.conflict("JOB_CREATE_UNCONFIRMED", "a create for job " + job.id + " was sent to "
                    + job.backend + " and its answer is not stored yet (in flight, or lost in a restart: then the job is looked for there and "
                    + "adopted if found): cancel again in a moment").with("status", job.status.name());
            case ASK_BACKEND -> askBackendToCancel(job.id, job.tenantId, job.backend, job.providerJobId);
            case ENDS_NOW, ALREADY_CANCELLING -> {
            }
        }
    }

    /** Asks the backend to stop the job; its answer is stored. A failed request leaves it CANCELLING: the backend's next report decides. */
    void askBackendToCancel(String jobId, String tenantId, String backendName, String providerJobId) {
        try {
            ProviderJob answer = backends.forTenant(tenantId, backendName).cancel(providerJobId);
            store.cancelAnswered(jobId, answer);
        } catch (ProviderException | ApiException e) {
            store.note(jobId, "WARNING", "cancel request to " + backendName + " failed: " + e.getMessage() + "; still following the job");
        }
    }

    public Job pause(String id) {
        Job job = pausable(id, "paused");
        if (job.pausedAt != null) {
            throw ApiException.conflict("JOB_NOT_PAUSABLE", "job " + id + " is already paused at " + job.backend + " (since " + job.pausedAt
                    + "); resume it with POST /jobs/" + id + "/resume").with("status", job.status.name()).with("rawStatus", job.rawStatus);
        }
        if (job.status != JobStatus.RUNNING || !job.isCreated()) {
            throw ApiException.conflict("JOB_NOT_PAUSABLE", "job " + id + " is " + job.status + ": only a RUNNING job can be paused"
                    + (job.status == JobStatus.CANCELLING ? " (a cancel is on its way)"
                    : "; one that has not started costs nothing yet, cancel it instead if it is not wanted"))
                    .with("status", job.status.name());
        }
        control(job, JobEvent.Type.PAUSE_REQUESTED, b -> b.pause(job.providerJobId));
        return jobs.get(id);
    }

    public Job resume(String id) {
        Job job = pausable(id, "resumed");
        if (job.pausedAt == null || !job.isCreated()) {
            throw ApiException.conflict("JOB_NOT_PAUSED", "job " + id + " is not paused (status " + job.status
                    + (job.rawStatus == null ? "" : ", " + job.backend + " says " + job.rawStatus) + "): there is nothing to resume")
                    .with("status", job.status.name()).with("rawStatus", job.rawStatus);
        }
        control(job, JobEvent.Type.RESUME_REQUESTED, b -> b.resume(job.providerJobId));
        return jobs.get(id);
    }

    /** The job, if its backend can pause at all and it is not finished. */
    private Job pausable(String id, String what) {
        Job job = jobs.get(id);
        if (!Backends.capabilities(job.backend).pauseResume()) {
            throw ApiException.conflict("JOB_PAUSE_UNSUPPORTED", "jobs on " + job.backend + " cannot be " + what
                    + ": pause and resume exist only where the provider offers them (OpenAI); cancel the job instead if it must stop")
                    .with("backend", job.backend);
        }
        if (job.isFinished()) {
            throw ApiException.conflict("JOB_ALREADY_FINISHED", "job " + id + " is already " + job.status).with("status", job.status.name());
        }
        return job;
    }

    private void control(Job job, JobEvent.Type requested, Function<TrainingBackend, ProviderJob> call) {
        String doing = requested == JobEvent.Type.PAUSE_REQUESTED ? "pausing" : "resuming";
        ProviderJob answer;
        try {
            answer = call.apply(backends.forTenant(job.tenantId, job.backend));
        } catch (ProviderException e) {
            store.controlFailed(job.id, requested, doing + " the job at " + job.backend + " failed: " + e.getMessage() + "; the job is as it was");
            throw ProviderErrors.toApiControl(e, doing + " job " + job.id);
        }
        store.controlAnswered(job.id, requested, answer);
        registry.counter("refinery_training_jobs_" + (requested == JobEvent.Type.PAUSE_REQUESTED ? "paused" : "resumed") + "_total",
                "backend", job.backend).increment();
    }
}
