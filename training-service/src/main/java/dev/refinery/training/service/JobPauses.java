package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Pausing and resuming provider jobs where the provider offers it (OpenAI's {@code /pause} and {@code /resume}). A paused
 * job keeps its canonical state RUNNING: it has started, keeps its progress and is still followed (less often), and
 * OpenAI's own word, {@code paused}, is its raw status; {@code provider.pausedAt} says since when. Every refusal is a
 * conflict with a stable code and nothing is sent to the provider: a backend that cannot pause, a finished job, a job
 * that is not RUNNING (or not paused, for resume).
 */
@ApplicationScoped
public class JobPauses {

    @Inject
    JobService jobs;

    @Inject
    ProviderBackends backends;

    @Inject
    ProviderJobs providerJobs;

    public Job pause(String id) {
        Job job = checked(id, "paused");
        if (job.pausedAt != null) {
            throw ApiException.conflict("JOB_NOT_PAUSABLE", "job " + id + " is already paused at " + job.backend + " (since " + job.pausedAt
                    + "); resume it with POST /jobs/" + id + "/resume").with("status", job.status).with("rawStatus", job.rawStatus);
        }
        if (!JobStatus.RUNNING.name().equals(job.status) || job.providerJobId == null) {
            throw ApiException.conflict("JOB_NOT_PAUSABLE", "job " + id + " is " + job.status + ": only a RUNNING job can be paused"
                    + (JobStatus.CANCELLING.name().equals(job.status) ? " (a cancel is on its way)" : "; one that has not started costs nothing yet, cancel it instead if it is not wanted"))
                    .with("status", job.status);
        }
        providerJobs.pause(id, job.tenantId, job.backend, job.providerJobId);
        return jobs.get(id);
    }

    public Job resume(String id) {
        Job job = checked(id, "resumed");
        if (job.pausedAt == null || job.providerJobId == null) {
            throw ApiException.conflict("JOB_NOT_PAUSED", "job " + id + " is not paused (status " + job.status
                    + (job.rawStatus == null ? "" : ", " + job.backend + " says " + job.rawStatus) + "): there is nothing to resume")
                    .with("status", job.status).with("rawStatus", job.rawStatus);
        }
        providerJobs.resume(id, job.tenantId, job.backend, job.providerJobId);
        return jobs.get(id);
    }

    /** The job, if its backend can pause at all and it is not finished. */
    private Job checked(String id, String what) {
        Job job = jobs.get(id);
        boolean offered = ProviderBackends.isHosted(job.backend) && backends.forTenant(job.tenantId, job.backend).capabilities().pauseResume();
        if (!offered) {
            throw ApiException.conflict("JOB_PAUSE_UNSUPPORTED", "jobs on " + job.backend + " cannot be " + what
                    + ": pause and resume exist only where the provider offers them (OpenAI); cancel the job instead if it must stop")
                    .with("backend", job.backend);
        }
        if (job.isFinished()) {
            throw ApiException.conflict("JOB_ALREADY_FINISHED", "job " + id + " is already " + job.status).with("status", job.status);
        }
        return job;
    }
}
