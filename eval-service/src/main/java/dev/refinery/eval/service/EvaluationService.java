package dev.refinery.eval.service;

import dev.refinery.eval.mapping.EvaluationMapper;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationMetric;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.rest.EvaluationView;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

/** Evaluations as the API reads them (recorded by {@link EvaluationRequests}, run by {@link EvaluationWorker}). */
@ApplicationScoped
public class EvaluationService {

    public static final Pattern EVAL_ID = Pattern.compile("^ev-[0-9a-f]{32}$");
    public static final Pattern JOB_ID = Pattern.compile("^ft-[0-9a-f]{32}$");
    public static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");

    @Inject
    ItemsFile itemsFile;

    @Inject
    WorkLeases leases;

    /** The API's view: an unfinished evaluation is RUNNING while a worker holds its lease, PENDING while it waits. */
    @Transactional
    public EvaluationView view(Evaluation e) {
        EvaluationStatus status = e.status;
        if (!status.finished()) {
            status = leases.find(EvaluationTransitions.LEASE_KIND, e.id).filter(WorkLeases.Row::held).isPresent()
                    ? EvaluationStatus.RUNNING : EvaluationStatus.PENDING;
        }
        return EvaluationMapper.toView(e, status, EvaluationMetric.of(e.id));
    }

    /** The evaluation {@code id} of {@code tenant}; another tenant's answers exactly as one that does not exist (404). */
    @Transactional
    public Evaluation get(String tenant, String id) {
        if (id == null || !EVAL_ID.matcher(id).matches()) {
            throw ApiException.badRequest("EVAL_ID_INVALID", "'" + id + "' is not an evaluation id (ev- followed by 32 hex digits)")
                    .with("field", "id");
        }
        return Evaluation.owned(tenant, id).orElseThrow(() -> ApiException.notFound("EVAL_NOT_FOUND", "no evaluation " + id));
    }

    /** The tenant's evaluations, newest first; all of them when {@code jobId} is null, else that job's. */
    @Transactional
    public List<Evaluation> list(String tenant, String jobId, int limit) {
        if (jobId == null) {
            return Evaluation.newest(tenant, limit);
        }
        if (!JOB_ID.matcher(jobId).matches()) {
            throw ApiException.badRequest("JOB_ID_INVALID", "'" + jobId + "' is not a job id (ft- followed by 32 hex digits)")
                    .with("field", "jobId");
        }
        return Evaluation.byJob(tenant, jobId, limit);
    }

    /** Opens the per-item results of a COMPLETED evaluation; the caller closes the stream. */
    public InputStream openItems(Evaluation e) {
        if (e.status != EvaluationStatus.COMPLETED) {
            throw ApiException.conflict("EVAL_NOT_COMPLETED", "evaluation " + e.id + " is " + e.status
                    + "; per-item results exist only once it is COMPLETED").with("status", e.status.name());
        }
        try {
            return itemsFile.open(e.itemsKey);
        } catch (StorageException ex) {
            throw new ApiException(503, "STORAGE_UNAVAILABLE", "Service unavailable", "the per-item results of " + e.id
                    + " cannot be read from object storage: " + ex.getMessage());
        }
    }
}
