package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** The effect of a succeeded job's job-completed, in the consumer's transaction: a PENDING evaluation and its work lease. */
@ApplicationScoped
public class EvaluationRequests {

    private static final Logger LOG = Logger.getLogger(EvaluationRequests.class);

    @Inject
    EvalConfig config;

    @Inject
    ObjectStorage storage;

    @Inject
    WorkLeases leases;

    @Inject
    EvaluationWorker worker;

    /** A job's model as this service evaluates it: an adapter or a whole model, in object storage. */
    public record Candidate(ArtifactType type, String bucket, String key) {
    }

    /**
     * Records a PENDING evaluation of a succeeded job and opens its lease; the worker starts it once the transaction commits.
     * One evaluation per job: a second job-completed for the same job (a new event id, e.g. a re-announcement) is ignored.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Evaluation> request(JobCompleted job, Candidate candidate, String sourceEventId) {
        if (Evaluation.existsForJob(job.jobId())) {
            LOG.infof("job %s already has an evaluation; job-completed %s ignored", job.jobId(), sourceEventId);
            return Optional.empty();
        }
        Evaluation e = new Evaluation();
        e.id = "ev-" + UUID.randomUUID().toString().replace("-", "");
        e.tenant = job.owner();
        e.jobId = job.jobId();
        e.datasetId = job.datasetId();
        e.baseModel = job.baseModel();
        e.bucket = candidate.bucket() == null || candidate.bucket().isBlank() ? storage.bucket() : candidate.bucket();
        e.artifactType = candidate.type();
        e.artifactKey = ArtifactFetcher.prefix(candidate.key());
        e.sourceEventId = sourceEventId;
        e.status = EvaluationStatus.PENDING;
        e.metric = config.metric();
        e.maxTokens = config.maxTokens();
        e.maxItems = config.maxItems();
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        e.persist();
        leases.open(EvaluationTransitions.LEASE_KIND, e.id);
        worker.startAfterCommit(e.id);
        LOG.infof("evaluation %s recorded for job %s of tenant %s (dataset %s, base %s, %s)", e.id, e.jobId, e.tenant, e.datasetId,
                e.baseModel, e.artifactType.wireName());
        return Optional.of(e);
    }
}
