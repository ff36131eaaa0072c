package dev.refinery.eval.service;

import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.mapping.EvaluationMapper;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Every state change of an evaluation an attempt makes, each in its own short transaction, fenced by the attempt's work
 * lease ({@link WorkLeases#requireHeld}): an attempt that was taken over writes nothing, so each evaluation ends once and
 * announces its end once ({@code eval-finished}, through the outbox, in the transaction that completes the lease).
 */
@ApplicationScoped
public class EvaluationTransitions {

    /** The work-lease kind of an evaluation; its work id is the evaluation id. */
    public static final String LEASE_KIND = "evaluation";
    private static final Logger LOG = Logger.getLogger(EvaluationTransitions.class);

    @Inject
    Outbox outbox;

    @Inject
    WorkLeases leases;

    /**
     * An attempt begins under {@code lease}: the evaluation is RUNNING with the lease's attempt number. Empty when there is
     * nothing to do (gone or finished): the lease is then completed.
     */
    @Transactional
    public Optional<EvaluationTask> attemptBegins(Lease lease) {
        leases.requireHeld(lease);
        Evaluation e = Evaluation.findById(lease.workId());
        if (e == null || e.status.finished()) {
            leases.complete(lease);
            return Optional.empty();
        }
        e.status = EvaluationStatus.RUNNING;
        e.attempts = lease.attempt();
        e.startedAt = now();
        return Optional.of(new EvaluationTask(e.id, e.jobId, e.datasetId, e.baseModel, e.bucket, e.artifactType, e.artifactKey, e.metric,
                e.maxTokens, e.maxItems));
    }

    /** Records the result and its {@code eval-finished}, and completes the lease. */
    @Transactional
    public void complete(Lease lease, ComparisonSummary summary, String itemsKey) {
        leases.requireHeld(lease);
        Evaluation e = Evaluation.findById(lease.workId());
        EvaluationMapper.recordResult(e, summary, itemsKey);
        finish(e, lease, EvaluationStatus.COMPLETED, null, null);
    }

    /** Ends the evaluation FAILED with a reason, announces it and completes the lease. */
    @Transactional
    public void fail(Lease lease, String code, String reason) {
        leases.requireHeld(lease);
        Evaluation e = Evaluation.findById(lease.workId());
        if (e == null || e.status.finished()) {
            leases.complete(lease);
            return;
        }
        finish(e, lease, EvaluationStatus.FAILED, code, reason);
    }

    private void finish(Evaluation e, Lease lease, EvaluationStatus status, String code, String reason) {
        e.status = status;
        e.failureCode = code;
        e.failureReason = reason;
        e.finishedAt = now();
        outbox.publish(EvalFinished.TOPIC, e.id, EvaluationMapper.toEvent(e));
        leases.complete(lease);
        LOG.infof("evaluation %s of job %s %s%s (attempt %d)", e.id, e.jobId, status,
                reason == null ? ": " + e.verdict + " (" + e.metric + " " + e.baselineMean + " -> " + e.candidateMean + ")"
                        : " [" + code + "]: " + reason, lease.attempt());
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
