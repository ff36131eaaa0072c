package dev.refinery.eval.service;

import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.mapping.EvaluationMapper;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationMetric;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.registry.Decision;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.registry.PolicyCheck;
import dev.refinery.eval.registry.PromotionPolicy;
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
import java.util.ArrayList;
import java.util.List;
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

    @Inject
    ModelRegistry registry;

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
        EvaluatedModel candidate = e.candidateVersionId != null ? EvaluatedModel.of(ModelVersion.findById(e.candidateVersionId))
                : new EvaluatedModel(e.baseModel + "+" + e.jobId, null, e.baseModel, e.artifactType, e.bucket, e.artifactKey,
                EvaluatedModel.LOCAL, null, e.datasetId); // recorded before the registry
        // The base model is asked where the candidate answers: on the engine, or at the provider that keeps the candidate.
        EvaluatedModel baseline = e.baselineVersionId != null ? EvaluatedModel.of(ModelVersion.findById(e.baselineVersionId))
                : candidate.onEndpoint() ? EvaluatedModel.baseOn(e.baseModel, candidate.backend()) : EvaluatedModel.base(e.baseModel);
        return Optional.of(new EvaluationTask(e.id, e.tenant, e.jobId, e.datasetId, e.wholeDataset, e.metric, e.metricList(), e.maxTokens, e.stopList(), e.maxItems,
                candidate,
                baseline, e.championVersionId == null ? null : EvaluatedModel.of(ModelVersion.findById(e.championVersionId))));
    }

    /**
     * Records the result, the policy's outcome and decision (promoting the candidate when it passed, the project promotes
     * automatically and the champion it was compared with still holds the alias), its {@code eval-finished}, and completes
     * the lease: all in one transaction.
     */
    @Transactional
    public void complete(Lease lease, ComparisonSummary summary, String itemsKey) {
        leases.requireHeld(lease);
        Evaluation e = Evaluation.findById(lease.workId());
        EvaluationMapper.recordResult(e, summary, itemsKey);
        EvaluationMapper.metricRows(e.id, summary.metrics()).forEach(m -> m.persist());
        decide(e, summary);
        finish(e, lease, EvaluationStatus.COMPLETED, null, null);
    }

    private void decide(Evaluation e, ComparisonSummary summary) {
        PromotionPolicy policy = e.policy();
        PolicyCheck.Assessment assessment = PolicyCheck.assess(policy, summary);
        List<String> reasons = new ArrayList<>(assessment.reasons());
        e.outcome = assessment.outcome();
        if (e.sourceEventId == null) {
            e.decision = Decision.NOT_APPLICABLE;
            reasons.add("asked for by hand: it informs a person and never promotes (promote with PUT /registry/aliases/{alias})");
        } else if (!assessment.passed()) {
            e.decision = Decision.NOT_PROMOTED;
            reasons.add("not promoted to " + policy.alias() + ": the outcome is " + e.outcome);
        } else if (e.candidateVersionId == null) {
            e.decision = Decision.NOT_PROMOTED;
            reasons.add("not promoted: the evaluation was recorded before the model registry and names no version");
        } else if (!policy.autoPromote()) {
            e.decision = Decision.PASSED_AWAITING_PROMOTION;
            reasons.add("passed, and the project promotes by hand (autoPromote is off)");
        } else {
            String holder = registry.holder(e.tenant, policy.alias()).map(v -> v.id).orElse(null);
            if (holder != null && !holder.equals(e.championVersionId)) {
                e.decision = Decision.NOT_PROMOTED;
                reasons.add("not promoted: " + policy.alias() + " changed to " + holder + " while this evaluation ran, and the candidate "
                        + "was not compared with it; evaluate it again");
            } else {
                registry.promote(ModelVersion.findById(e.candidateVersionId), policy.alias(), ModelRegistry.AUTOMATIC_ACTOR,
                        "passed the promotion policy in evaluation " + e.id, true, e.id);
                e.decision = Decision.PROMOTED;
                reasons.add("promoted to " + policy.alias());
            }
        }
        e.decisionReasons = String.join("\n", reasons);
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
        outbox.publish(EvalFinished.TOPIC, e.id, EvaluationMapper.toEvent(e, EvaluationMetric.of(e.id)), EvalFinished.VERSION);
        leases.complete(lease);
        LOG.infof("evaluation %s of job %s %s%s (attempt %d)", e.id, e.jobId, status,
                reason == null ? ": " + e.outcome + ", " + e.decision + " (" + e.metric + " " + e.baselineMean + " -> " + e.candidateMean + ")"
                        : " [" + code + "]: " + reason, lease.attempt());
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
