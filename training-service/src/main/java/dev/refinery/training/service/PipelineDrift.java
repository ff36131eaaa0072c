package dev.refinery.training.service;

import dev.refinery.identity.Tenants;
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

    /** A VALID version of a drift pipeline's collection, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void versionArrived(Pipeline p, String datasetId) {
        Optional<PipelineRun> champion = PipelineRun.lastPromoted(p.id);
        if (champion.isEmpty() || champion.get().modelVersionId == null || champion.get().candidateScore == null) {
            runs.queueOnce(p, datasetId, PipelineRun.Trigger.VERSION);
            return;
        }
        if (PipelineDriftCheck.exists(p.id, datasetId)) {
            return; // the version announced again
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

    /** The checks eval-service has not been asked for yet (or asking failed for a reason that passes). */
    @Transactional
    public List<String> toRequest() {
        return PipelineDriftCheck.idsToRequest();
    }

    /** Asks eval-service to score the champion on the check's version; safe to call again after a failure. */
    public void request(String checkId) {
        PipelineDriftCheck check = QuarkusTransaction.requiringNew().call(() -> PipelineDriftCheck.<PipelineDriftCheck>findById(checkId));
        if (check == null || check.status != PipelineDriftCheck.Status.REQUESTED) {
            return;
        }
        ChampionScoring.Answer answer = scoring.score(check.tenant, check.championVersionId, check.datasetId, check.metric);
        if (answer.retryLater()) {
            LOG.warnf("drift check %s: eval-service cannot be asked now (%s); the next sweep asks again", checkId, answer.problem());
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            PipelineDriftCheck locked = PipelineDriftCheck.findById(checkId, LockModeType.PESSIMISTIC_WRITE);
            if (locked == null || locked.status != PipelineDriftCheck.Status.REQUESTED) {
                return;
            }
            if (answer.evalId() != null) {
                locked.status = PipelineDriftCheck.Status.SCORING;
                locked.evalId = answer.evalId();
            } else {
                finish(locked, PipelineDriftCheck.Status.FAILED, "eval-service refused to score the champion: " + answer.problem());
            }
        });
    }

    /** eval-finished, in the consumer's transaction: the evaluation of a drift check decides it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void evaluated(EvalFinished e) {
        Optional<PipelineDriftCheck> found = e.evalId() == null ? Optional.empty() : PipelineDriftCheck.lockedOfEval(e.evalId());
        if (found.isEmpty() || found.get().status != PipelineDriftCheck.Status.SCORING || !found.get().tenant.equals(Tenants.ofEvent(e.tenant()))) {
            return;
        }
        PipelineDriftCheck check = found.get();
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
