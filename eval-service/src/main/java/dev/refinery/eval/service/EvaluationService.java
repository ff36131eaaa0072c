package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Evaluations: recorded when a job succeeds, run by {@link EvaluationWorker}, read through the API. */
@ApplicationScoped
public class EvaluationService {

    private static final Logger LOG = Logger.getLogger(EvaluationService.class);
    public static final Pattern EVAL_ID = Pattern.compile("^ev-[0-9a-f]{32}$");
    public static final Pattern JOB_ID = Pattern.compile("^ft-[0-9a-f]{32}$");

    @Inject
    EvalConfig config;

    @Inject
    ObjectStorage storage;

    @Inject
    EvaluationWorker worker;

    @Inject
    ItemsFile itemsFile;

    /**
     * Records a PENDING evaluation of a succeeded job in the caller's transaction (the consumer's, with
     * its inbox entry); the worker starts once it commits. One evaluation per job: a second
     * job-completed for the same job (a new event id, e.g. a re-announcement) is ignored.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Evaluation> request(JobCompleted job, String sourceEventId) {
        if (Evaluation.existsForJob(job.jobId())) {
            LOG.infof("job %s already has an evaluation; job-completed %s ignored", job.jobId(), sourceEventId);
            return Optional.empty();
        }
        Evaluation e = new Evaluation();
        e.id = "ev-" + UUID.randomUUID().toString().replace("-", "");
        e.jobId = job.jobId();
        e.datasetId = job.datasetId();
        e.baseModel = job.baseModel();
        e.bucket = job.bucket() == null || job.bucket().isBlank() ? storage.bucket() : job.bucket();
        e.adapterKey = AdapterFetcher.prefix(job.adapterKey());
        e.sourceEventId = sourceEventId;
        e.status = EvaluationStatus.PENDING;
        e.metric = config.metric();
        e.maxTokens = config.maxTokens();
        e.maxItems = config.maxItems();
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        e.persist();
        worker.startAfterCommit(e.id);
        LOG.infof("evaluation %s recorded for job %s (dataset %s, base %s)", e.id, e.jobId, e.datasetId, e.baseModel);
        return Optional.of(e);
    }

    @Transactional
    public Evaluation get(String id) {
        if (id == null || !EVAL_ID.matcher(id).matches()) {
            throw ApiException.badRequest("EVAL_ID_INVALID", "'" + id + "' is not an evaluation id (ev- followed by 32 hex digits)")
                    .with("field", "id");
        }
        Evaluation e = Evaluation.findById(id);
        if (e == null) {
            throw ApiException.notFound("EVAL_NOT_FOUND", "no evaluation " + id);
        }
        return e;
    }

    /** Newest first; all evaluations when {@code jobId} is null, else that job's. */
    @Transactional
    public List<Evaluation> list(String jobId, int limit) {
        if (jobId == null) {
            return Evaluation.newest(limit);
        }
        if (!JOB_ID.matcher(jobId).matches()) {
            throw ApiException.badRequest("JOB_ID_INVALID", "'" + jobId + "' is not a job id (ft- followed by 32 hex digits)")
                    .with("field", "jobId");
        }
        return Evaluation.byJob(jobId, limit);
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
