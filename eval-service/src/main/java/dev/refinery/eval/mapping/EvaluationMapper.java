package dev.refinery.eval.mapping;

import java.util.List;

import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.registry.PromotionPolicy;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.rest.EvaluationView;
import dev.refinery.eval.service.ComparisonSummary;

/** Entity to API view, entity to event payload, and a comparison summary into the entity: the three models stay apart. */
public final class EvaluationMapper {

    private EvaluationMapper() {
    }

    /** Copies a completed comparison into the row. */
    public static void recordResult(Evaluation e, ComparisonSummary s, String itemsKey) {
        e.metric = s.metric();
        e.items = s.items();
        e.baselineModel = s.baselineModel();
        e.candidateModel = s.candidateModel();
        e.baselineMean = s.baselineMean();
        e.candidateMean = s.candidateMean();
        e.baselineLoss = s.baselineLoss();
        e.candidateLoss = s.candidateLoss();
        e.differenceMean = s.differenceMean();
        e.ciLow = s.ciLow();
        e.ciHigh = s.ciHigh();
        e.confidence = s.confidence();
        e.verdict = s.verdict();
        e.itemsKey = itemsKey;
        e.lossDifferenceHigh = s.lossDifferenceHigh();
        e.minimumDetectableEffect = s.minimumDetectableEffect();
        e.mcNemarPValue = s.mcNemarPValue();
        if (s.champion() != null) {
            e.championModel = s.champion().model();
            e.championMean = s.champion().mean();
            e.championLoss = s.champion().loss();
            e.championDifferenceMean = s.champion().differenceMean();
            e.championCiLow = s.champion().ciLow();
            e.championCiHigh = s.champion().ciHigh();
        }
    }

    /** The {@code eval-finished} payload of a finished evaluation: the summary when COMPLETED, the reason when FAILED. */
    public static EvalFinished toEvent(Evaluation e) {
        if (e.status == EvaluationStatus.COMPLETED) {
            return new EvalFinished(e.tenant, e.id, e.jobId, e.datasetId, e.status.name(), e.metric, e.items,
                    new EvalFinished.Score(e.baselineModel, e.baselineMean, e.baselineLoss),
                    new EvalFinished.Score(e.candidateModel, e.candidateMean, e.candidateLoss),
                    new EvalFinished.Difference(e.differenceMean, e.ciLow, e.ciHigh, e.confidence),
                    e.verdict.name(), e.bucket, e.itemsKey, null, e.finishedAt);
        }
        if (e.status == EvaluationStatus.FAILED) {
            return new EvalFinished(e.tenant, e.id, e.jobId, e.datasetId, e.status.name(), e.metric, null, null, null, null, null,
                    e.bucket, null, e.failureReason, e.finishedAt);
        }
        throw new IllegalStateException("evaluation " + e.id + " is " + e.status + ", not finished: there is no eval-finished to send");
    }

    /** @param status what the evaluation is doing: its own status once finished, else PENDING or RUNNING as its work lease says */
    public static EvaluationView toView(Evaluation e, EvaluationStatus status) {
        boolean completed = e.status == EvaluationStatus.COMPLETED;
        PromotionPolicy policy = e.policy();
        return new EvaluationView(e.id, e.jobId, e.datasetId, e.baseModel, e.artifactType.wireName(), e.artifactKey,
                e.artifactType == ArtifactType.LORA_ADAPTER ? e.artifactKey : null, e.candidateVersionId,
                e.baselineVersionId, e.championVersionId, e.requestedBy, status.name(), e.metric, e.maxTokens,
                e.maxItems, e.items,
                completed ? new EvaluationView.ModelScore(e.baselineModel, e.baselineMean, e.baselineLoss) : null,
                completed ? new EvaluationView.ModelScore(e.candidateModel, e.candidateMean, e.candidateLoss) : null,
                completed ? new EvaluationView.Difference(e.differenceMean, e.ciLow, e.ciHigh, e.confidence) : null,
                e.verdict == null ? null : e.verdict.name(),
                completed && e.championModel != null ? new EvaluationView.Champion(e.championModel, e.championMean, e.championLoss,
                        new EvaluationView.Difference(e.championDifferenceMean, e.championCiLow, e.championCiHigh, e.confidence)) : null,
                completed ? new EvaluationView.Statistics(e.minimumDetectableEffect, e.mcNemarPValue, e.lossDifferenceHigh) : null,
                new EvaluationView.Policy(e.metric, policy.margin(), policy.lossMargin(), policy.alias(), policy.autoPromote()),
                e.outcome == null ? null : e.outcome.name(), e.decision == null ? null : e.decision.name(),
                e.decisionReasons == null ? null : List.of(e.decisionReasons.split("\n")),
                e.itemsKey, e.failureCode, e.failureReason, e.attempts, e.createdAt, e.startedAt, e.finishedAt);
    }
}
