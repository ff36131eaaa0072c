package dev.refinery.training.service;

import dev.refinery.identity.Tenants;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.events.EvalFinished;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineDriftCheck;
import dev.refinery.training.repository.PipelineRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The drift trigger. A new version of a drift pipeline's collection does not start a run by itself: first the champion (the
 * model of the pipeline's last promoted run) is scored by eval-service on every example of the version, on the metric it
 * was promoted on. Only when that fresh score falls below its promotion score by more than the pipeline's margin does a run
 * start (trigger {@code drift}); otherwise the champion keeps serving and nothing is paid for. Until there is a champion,
 * every version runs: there is nothing to drift from.
 */
@ApplicationScoped
public class PipelineDrift {

    private static final Logger LOG = Logger.getLogger(PipelineDrift.class);

    @Inject
    PipelineRuns runs;

    @Inject
    ChampionScoring scoring;

    @Inject
    MeterRegistry registry;

    @Inject
    TrainingSettings settings;

    /** How long a claim to ask eval-service holds: past it, the replica that claimed is taken to have died asking. */
    private static final Duration ASKING = Duration.ofMinutes(2);

    /** A VALID version of a drift pipeline's collection, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void versionArrived(Pipeline p, String datasetId) {
        if (PipelineDriftCheck.exists(p.id, datasetId) || runs.hasRunOn(p, datasetId)) {
            return; // the version announced again, or trained already (by hand, or before the pipeline watched for drift)
        }
        Optional<PipelineRun> champion = PipelineRun.lastPromoted(p.id);
        if (champion.isEmpty() || champion.get().modelVersionId == null || champion.get().candidateScore == null
                || champion.get().metric == null) {
            runs.queueOnce(p, datasetId, PipelineRun.Trigger.VERSION);
            return;
        }
        PipelineRun promoted = champion.get();
        PipelineDriftCheck check = new PipelineDriftCheck();
        check.id = "dc-" + UUID.randomUUID().toString().replace("-", "");
        check.pipelineId = p.id;
        check.tenant = p.tenant;
        check.datasetId = datasetId;
        check.championRunId = promoted.id;
        check.championVersionId = promoted.modelVersionId;
        check.metric = promoted.metric;
        check.promotionScore = promoted.candidateScore;
        check.margin = p.driftMargin;
        check.status = PipelineDriftCheck.Status.REQUESTED;
        check.createdAt = now();
        check.persist();
        LOG.infof("pipeline %s: version %s arrived; the champion %s is scored on it first (%s %.4f at promotion, margin %.4f)",
                p.name, datasetId, promoted.modelVersionId, check.metric, check.promotionScore, check.margin);
    }

    /** The checks of active pipelines eval-service has not been asked for yet (or asking failed for a reason that passes). */
    @Transactional
    public List<String> toRequest() {
        return PipelineDriftCheck.idsToRequest(now().minus(ASKING));
    }

    /**
     * Asks eval-service to score the champion on the check's version. The check is claimed first, in its own transaction,
     * so that two replicas do not both ask; only a crash between eval-service's answer and recording it asks twice (the
     * second evaluation's answer then decides nothing: the check is decided by the first that arrives).
     */
    public void request(String checkId) {
        PipelineDriftCheck check = QuarkusTransaction.requiringNew().call(() -> claim(checkId));
        if (check == null) {
            return;
        }
        ChampionScoring.Answer answer = scoring.score(check.tenant, check.championVersionId, check.datasetId, check.metric);
        QuarkusTransaction.requiringNew().run(() -> {
            PipelineDriftCheck locked = PipelineDriftCheck.findById(checkId, LockModeType.PESSIMISTIC_WRITE);
            if (locked == null || locked.status != PipelineDriftCheck.Status.REQUESTED) {
                return; // its evaluation ended before this answer was recorded: decided already
            }
            if (answer.evalId() != null) {
                locked.status = PipelineDriftCheck.Status.SCORING;
                locked.evalId = answer.evalId();
            } else if (answer.retryLater()) {
                locked.askedAt = null; // the next sweep asks again
                LOG.warnf("drift check %s: eval-service cannot score the champion yet (%s); the next sweep asks again", checkId,
                        answer.problem());
            } else {
                finish(locked, PipelineDriftCheck.Status.FAILED, "eval-service refused to score the champion: " + answer.problem());
            }
        });
    }

    private PipelineDriftCheck claim(String checkId) {
        PipelineDriftCheck check = PipelineDriftCheck.findById(checkId, LockModeType.PESSIMISTIC_WRITE);
        if (check == null || check.status != PipelineDriftCheck.Status.REQUESTED
                || (check.askedAt != null && check.askedAt.isAfter(now().minus(ASKING)))) {
            return null; // decided, or another replica is asking right now
        }
        check.askedAt = now();
        return check;
    }

    /** Checks with no answer within {@code refinery.training.pipelines.evaluation-within}: failed, and no run. */
    @Transactional
    public List<String> overdue() {
        return PipelineDriftCheck.idsOpenSince(now().minus(settings.pipelines().evaluationWithin()));
    }

    @Transactional
    public void giveUp(String checkId) {
        PipelineDriftCheck check = PipelineDriftCheck.findById(checkId, LockModeType.PESSIMISTIC_WRITE);
        if (check != null && !check.status.finished()) {
            finish(check, PipelineDriftCheck.Status.FAILED, "no score of the champion arrived within "
                    + settings.pipelines().evaluationWithin() + (check.evalId == null ? " (eval-service could not be asked)"
                    : " (evaluation " + check.evalId + ")") + "; no run");
        }
    }

    /** eval-finished, in the consumer's transaction: the evaluation of a drift check decides it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void evaluated(EvalFinished e) {
        String tenant = Tenants.ofEvent(e.tenant());
        Optional<PipelineDriftCheck> found = PipelineDriftCheck.lockedAnsweredBy(e.evalId(), tenant, e.candidateVersionId(), e.datasetId());
        if (found.isEmpty() || found.get().status.finished() || !found.get().tenant.equals(tenant)) {
            return;
        }
        PipelineDriftCheck check = found.get();
        check.evalId = e.evalId();
        if (!e.completed() || e.candidate() == null || e.candidate().metric() == null) {
            finish(check, PipelineDriftCheck.Status.FAILED, "the champion's evaluation " + e.evalId() + " ended " + e.status()
                    + (e.failureReason() == null ? "" : ": " + e.failureReason()) + "; no run started");
            return;
        }
        check.freshScore = e.candidate().metric();
        double floor = check.promotionScore - check.margin;
        String numbers = String.format(Locale.ROOT, "the champion %s scored %s %.4f on the examples of %s; it was promoted at %.4f, "
                + "and the floor is %.4f - %.4f = %.4f", check.championVersionId, check.metric, check.freshScore, check.datasetId,
                check.promotionScore, check.promotionScore, check.margin, floor);
        if (!drifted(check.promotionScore, check.freshScore, check.margin)) {
            finish(check, PipelineDriftCheck.Status.STEADY, numbers + ": steady, no run");
            return;
        }
        Pipeline p = Pipeline.locked(check.pipelineId);
        if (p.triggerOn != Pipeline.TriggerOn.DRIFT) {
            finish(check, PipelineDriftCheck.Status.FAILED, numbers + ", but the pipeline no longer starts runs on drift: no run");
            return;
        }
        check.runId = runs.queueOnce(p, check.datasetId, PipelineRun.Trigger.DRIFT).map(r -> r.id).orElse(null);
        finish(check, PipelineDriftCheck.Status.DRIFTED, numbers + ": drifted, " + (check.runId == null
                ? "but the version has a run already" : "run " + check.runId + " queued"));
    }

    private void finish(PipelineDriftCheck check, PipelineDriftCheck.Status status, String reason) {
        check.status = status;
        check.reason = reason;
        check.finishedAt = now();
        registry.counter("refinery_training_pipeline_drift_checks_total", "status", status.name()).increment();
        LOG.infof("pipeline %s: drift check %s on %s %s: %s", check.pipelineId, check.id, check.datasetId, status, reason);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** Every metric a policy decides on grows with quality, so drift is a fall of more than the margin. */
    static boolean drifted(double promotionScore, double freshScore, double margin) {
        return freshScore < promotionScore - margin;
    }
}
