package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.mapping.EvaluationMapper;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every state change of an evaluation, each in its own short transaction on a locked row. A worker
 * claims an evaluation (RUNNING, attempt n, a lease), and only the holder of the latest attempt may
 * finish it: if the sweeper handed the evaluation to another worker meanwhile, the late result is
 * dropped, so each evaluation ends once and announces its end once ({@code eval-finished}, through
 * the outbox in the same transaction).
 */
@ApplicationScoped
public class EvaluationTransitions {

    private static final Logger LOG = Logger.getLogger(EvaluationTransitions.class);

    @Inject
    Outbox outbox;

    @Inject
    EvalConfig config;

    /** This process: claims it made are "its own"; after a restart every RUNNING row belongs to a dead process. */
    private final String workerId = "eval-" + UUID.randomUUID().toString().substring(0, 8);

    public String workerId() {
        return workerId;
    }

    /**
     * Claims an evaluation that is PENDING, or RUNNING under a lease that has run out (its worker died)
     * or, with {@code takeOver}, RUNNING under another process's claim (the start-up pass). An
     * evaluation already claimed {@code max-attempts} times is failed instead.
     *
     * @return the task to run, or empty when there is nothing to do
     */
    @Transactional
    public Optional<EvaluationTask> claim(String evalId, boolean takeOver) {
        Evaluation e = Evaluation.findById(evalId, LockModeType.PESSIMISTIC_WRITE);
        if (e == null || !claimable(e, takeOver)) {
            return Optional.empty();
        }
        if (e.attempts >= config.maxAttempts()) {
            String why = e.lastError != null ? "the last one stopped with: " + e.lastError
                    : "each one stopped before finishing (the service crashed or was restarted)";
            finish(e, EvaluationStatus.FAILED, "EVAL_GAVE_UP", "gave up after " + e.attempts + " attempts; " + why);
            return Optional.empty();
        }
        OffsetDateTime now = now();
        e.status = EvaluationStatus.RUNNING;
        e.attempts++;
        e.workerId = workerId;
        e.leaseUntil = now.plus(config.lease());
        e.startedAt = now;
        return Optional.of(new EvaluationTask(e.id, e.attempts, e.jobId, e.datasetId, e.baseModel, e.bucket, e.adapterKey, e.metric,
                e.maxTokens, e.maxItems));
    }

    /** Records the result and its {@code eval-finished}; false when the claim was lost (the result is dropped). */
    @Transactional
    public boolean complete(EvaluationTask task, ComparisonSummary summary, String itemsKey) {
        Evaluation e = held(task);
        if (e == null) {
            return false;
        }
        EvaluationMapper.recordResult(e, summary, itemsKey);
        finish(e, EvaluationStatus.COMPLETED, null, null);
        return true;
    }

    /** Ends the evaluation FAILED with a reason and announces it; false when the claim was lost. */
    @Transactional
    public boolean fail(EvaluationTask task, String code, String reason) {
        Evaluation e = held(task);
        if (e == null) {
            return false;
        }
        finish(e, EvaluationStatus.FAILED, code, reason);
        return true;
    }

    /** Gives a claim back after a transient error: PENDING again, for the sweeper's next pass. */
    @Transactional
    public void release(EvaluationTask task, String error) {
        Evaluation e = held(task);
        if (e != null) {
            e.status = EvaluationStatus.PENDING;
            e.lastError = error;
            e.workerId = null;
            e.leaseUntil = null;
        }
    }

    /** Evaluations no live worker holds: PENDING ones, and RUNNING ones whose lease ran out. */
    @Transactional
    public List<String> unclaimed() {
        List<String> ids = new ArrayList<>(Evaluation.idsIn(EvaluationStatus.PENDING));
        ids.addAll(Evaluation.<Evaluation>list("status = ?1 and leaseUntil < ?2 order by createdAt", EvaluationStatus.RUNNING, now())
                .stream().map(e -> e.id).toList());
        return ids;
    }

    /** RUNNING evaluations claimed by another process (at start-up: all of them). */
    @Transactional
    public List<String> claimedElsewhere() {
        return Evaluation.<Evaluation>list("status = ?1 and (workerId is null or workerId <> ?2) order by createdAt",
                EvaluationStatus.RUNNING, workerId).stream().map(e -> e.id).toList();
    }

    private boolean claimable(Evaluation e, boolean takeOver) {
        return switch (e.status) {
            case PENDING -> true;
            case RUNNING -> e.leaseUntil == null || e.leaseUntil.isBefore(now()) || (takeOver && !workerId.equals(e.workerId));
            case COMPLETED, FAILED -> false;
        };
    }

    /** The row, if {@code task} is still its current claim. */
    private Evaluation held(EvaluationTask task) {
        Evaluation e = Evaluation.findById(task.evalId(), LockModeType.PESSIMISTIC_WRITE);
        if (e == null || e.status != EvaluationStatus.RUNNING || e.attempts != task.attempt() || !workerId.equals(e.workerId)) {
            LOG.warnf("evaluation %s: attempt %d no longer holds the claim (now %s, attempt %s); its result is dropped",
                    task.evalId(), task.attempt(), e == null ? "gone" : e.status, e == null ? "-" : e.attempts);
            return null;
        }
        return e;
    }

    private void finish(Evaluation e, EvaluationStatus status, String code, String reason) {
        e.status = status;
        e.failureCode = code;
        e.failureReason = reason;
        e.finishedAt = now();
        e.leaseUntil = null;
        outbox.publish(EvalFinished.TOPIC, e.id, EvaluationMapper.toEvent(e));
        LOG.infof("evaluation %s of job %s %s%s", e.id, e.jobId, status,
                reason == null ? ": " + e.verdict + " (" + e.metric + " " + e.baselineMean + " -> " + e.candidateMean + ")"
                        : " [" + code + "]: " + reason);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
