package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.reconcile.AnnouncedWindow;
import dev.refinery.kit.reconcile.AnnouncementView;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.ArtifactType;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobCheckpoint;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import dev.refinery.training.rest.JobRequest;
import dev.refinery.training.rest.RerunRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Jobs as callers see them: submit one (the one planner checks it, the store records it with its lease, the runner takes
 * it up after commit), read it back, list, re-run. Whatever the backend, one path.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JobPlanner planner;

    @Inject
    JobStore store;

    @Inject
    JobRunner runner;

    @Inject
    MeterRegistry registry;

    @Inject
    Budgets budgets;

    /** The outcome of a submission: the job, and whether this call created it (false for an idempotent repeat). */
    public record Submission(Job job, boolean created) {
    }

    public Submission submit(JobRequest request, String idempotencyKey, String tenantId) {
        return submit(request, idempotencyKey, tenantId, null);
    }

    /** @param rerunOf the job this one repeats, recorded for lineage; null for a job submitted anew */
    private Submission submit(JobRequest request, String idempotencyKey, String tenantId, String rerunOf) {
        if (idempotencyKey != null && idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            throw refused("field_too_long", ApiException.badRequest("JOB_FIELD_TOO_LONG", "the Idempotency-Key header has "
                    + idempotencyKey.length() + " characters; at most " + MAX_IDEMPOTENCY_KEY).with("field", "Idempotency-Key"));
        }
        if (idempotencyKey != null) {
            Optional<Job> earlier = store.byIdempotencyKey(tenantId, idempotencyKey);
            if (earlier.isPresent()) {
                return new Submission(sameRequestOrConflict(earlier.get(), request), false);
            }
        }
        JobPlanner.Plan plan;
        try {
            plan = planner.plan(request, tenantId);
        } catch (ApiException e) {
            throw refused(e.code().toLowerCase(Locale.ROOT), e);
        }
        Job job = plan.job();
        job.idempotencyKey = idempotencyKey;
        job.rerunOfJobId = rerunOf;
        Optional<Job> winner = recordUnlessRaced(job, idempotencyKey, plan.estimate());
        if (winner.isPresent()) {
            return new Submission(winner.get(), false);
        }
        registry.counter("refinery_training_jobs_submitted_total", "backend", job.backend).increment();
        LOG.infof("job %s queued: %s on dataset %s (%s backend, tenant %s; %s)", job.id, job.baseModel, job.datasetId, job.backend, tenantId,
                job.estimateNote);
        return new Submission(job, true);
    }

    /**
     * Records a new job and starts it after commit; when a concurrent request with the same idempotency key won the race to
     * record its own, returns that job instead (and records nothing).
     */
    private Optional<Job> recordUnlessRaced(Job job, String idempotencyKey, Budgets.Estimate estimate) {
        try {
            recordAndStart(job, estimate);
            return Optional.empty();
        } catch (ApiException e) {
            throw refused(e.code().toLowerCase(Locale.ROOT), e);
        } catch (RuntimeException e) {
            Optional<Job> winner = idempotencyKey == null ? Optional.empty() : store.byIdempotencyKey(job.tenantId, idempotencyKey);
            if (winner.isPresent()) {
                return winner;
            }
            throw e;
        }
    }

    /**
     * The tenant's budget is reserved in the same transaction that records the job, under a lock per tenant: parallel
     * submissions are checked one after another, each seeing the ones before it (the planner's earlier check only refuses
     * the hopeless ones early).
     */
    @Transactional
    void recordAndStart(Job job, Budgets.Estimate estimate) {
        budgets.reserve(job, estimate);
        store.record(job);
        runner.dispatchAfterCommit(job.id);
    }

    /**
     * The same key with the same request (as sent) gives the first job back; with another request it is refused, saying
     * nothing of the first one (a key is only the tenant's own, but a shared key may be in several hands).
     */
    private static Job sameRequestOrConflict(Job earlier, JobRequest request) {
        JsonNode before = SpecJson.tree(earlier.request);
        if (before == null || !before.equals(SpecJson.tree(SpecJson.write(request)))) {
            throw new ApiException(422, "JOB_IDEMPOTENCY_KEY_REUSED", "Unprocessable request", "this Idempotency-Key was used before "
                    + "with a different request; use a new key for a different job").with("field", "Idempotency-Key");
        }
        return earlier;
    }

    /**
     * Submits the stored request again as a new job: the same spec (defaults resolved anew; no idempotency key), on the
     * backend and base model {@code overrides} names where it names them. The new request goes through the planner like any
     * other, so a setting, method or model the new backend does not offer is refused there, by name.
     */
    public Submission rerun(String tenantId, String id, RerunRequest overrides) {
        Job earlier = get(tenantId, id);
        JobRequest stored;
        try {
            stored = JSON.readValue(earlier.request, JobRequest.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored request of " + id + " is unreadable", e);
        }
        Submission s = submit(overrides.applyTo(stored), null, earlier.tenantId, earlier.id);
        LOG.infof("job %s reruns %s (%s on %s, was %s on %s)", s.job().id, earlier.id, s.job().baseModel, s.job().backend, earlier.baseModel,
                earlier.backend);
        return s;
    }

    /** A job of any tenant, for the service's own work (a request asks with its tenant: {@link #get(String, String)}). */
    public Job get(String id) {
        return get(null, id);
    }

    /** A job of {@code tenantOrNull} (null: of any tenant, for Refinery's services); another tenant's is not found, as none. */
    @Transactional
    public Job get(String tenantOrNull, String id) {
        if (id == null || !JobPlanner.JOB_ID.matcher(id).matches()) {
            throw ApiException.badRequest("JOB_ID_INVALID", "'" + clip(id) + "' is not a job id (ft- followed by 32 hex digits)").with("field", "id");
        }
        Job job = Job.findById(id);
        if (job == null || (tenantOrNull != null && !tenantOrNull.equals(job.tenantId))) {
            throw ApiException.notFound("JOB_NOT_FOUND", "no job " + id);
        }
        return job;
    }

    /** What a list asks for: a status, artifact types (comma-separated wire names) and a window on the finishing time. */
    public record JobQuery(String status, String artifactTypes, AnnouncedWindow finished) {
    }

    /** The newest jobs, or (with a window) those finished in it, oldest first. */
    @Transactional
    public List<Job> list(String tenantOrNull, JobQuery query, int limit) {
        JobStatus status = null;
        if (query.status() != null) {
            try {
                status = JobStatus.valueOf(query.status());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("JOB_STATUS_INVALID", "status must be one of " + Arrays.toString(JobStatus.values())
                        + ", got '" + query.status() + "'").with("field", "status");
            }
        }
        List<String> types = artifactTypes(query.artifactTypes());
        if (!query.finished().isSet() && types.isEmpty()) {
            return Job.recent(tenantOrNull, status, limit);
        }
        return Job.finishedIn(tenantOrNull, status, types, query.finished().from(), query.finished().to(), limit);
    }

    /** Publishes a finished job's job-completed again (a new event id, the same content), for a consumer that never got it. */
    public AnnouncementView announceAgain(String id) {
        return store.announceAgain(get(null, id).id);
    }

    private static List<String> artifactTypes(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        List<String> known = Arrays.stream(ArtifactType.values()).map(ArtifactType::wireName).toList();
        List<String> types = Arrays.stream(csv.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        for (String t : types) {
            if (!known.contains(t)) {
                throw ApiException.badRequest("JOB_ARTIFACT_TYPE_INVALID", "artifactType must be among " + known + ", got '" + t + "'")
                        .with("field", "artifactType").with("allowed", known);
            }
        }
        return types;
    }

    @Transactional
    public List<JobStepMetric> stepMetrics(String tenant, String id) {
        return JobStepMetric.ofJob(get(tenant, id).id);
    }

    @Transactional
    public List<JobValidationLoss> validationLosses(String tenant, String id) {
        return JobValidationLoss.ofJob(get(tenant, id).id);
    }

    @Transactional
    public List<JobEvent> history(String tenant, String id) {
        return JobEvent.ofJob(get(tenant, id).id);
    }

    /** Every checkpoint the job's backend keeps (the local engine: its newest resume point). */
    @Transactional
    public List<JobCheckpoint> checkpoints(String tenant, String id) {
        return JobCheckpoint.ofJob(get(tenant, id).id);
    }

    /** An id as it may be echoed in a message: a caller's megabyte of text is not. */
    private static String clip(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private ApiException refused(String reason, ApiException e) {
        registry.counter("refinery_training_jobs_refused_total", "reason", reason).increment();
        return e;
    }
}
