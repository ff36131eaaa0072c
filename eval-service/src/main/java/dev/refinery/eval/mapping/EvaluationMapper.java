package dev.refinery.eval.mapping;

import java.util.ArrayList;
import java.util.List;

import dev.refinery.eval.events.EvalFinished;
import dev.refinery.eval.registry.PromotionPolicy;
import dev.refinery.eval.repository.EvaluationMetric;
import dev.refinery.eval.service.ForgettingCheck;
import dev.refinery.eval.service.MetricResult;
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
        if (s.forgetting() != null) {
            ForgettingCheck f = s.forgetting();
            e.forgettingItems = f.items();
            e.forgettingBaselineLoss = f.baselineLoss();
            e.forgettingCandidateLoss = f.candidateLoss();
            e.forgettingLossHigh = f.lossDifferenceHigh();
            e.forgettingBaselineGeneration = f.baselineGeneration();
            e.forgettingCandidateGeneration = f.candidateGeneration();
            e.forgettingGenerationLow = f.generationDifferenceLow();
        }
        if (s.champion() != null) {
            e.championModel = s.champion().model();
            e.championMean = s.champion().mean();
            e.championLoss = s.champion().loss();
            e.championDifferenceMean = s.champion().differenceMean();
            e.championCiLow = s.champion().ciLow();
            e.championCiHigh = s.champion().ciHigh();
        }
    }

    /** The rows of a completed evaluation's metric table, in its order. */
    public static List<EvaluationMetric> metricRows(String evaluationId, List<MetricResult> metrics) {
        List<EvaluationMetric> rows = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            MetricResult m = metrics.get(i);
            EvaluationMetric row = new EvaluationMetric();
            row.key = new EvaluationMetric.Key(evaluationId, m.metric());
            row.position = i;
            row.baselineMean = m.baselineMean();
            row.candidateMean = m.candidateMean();
            row.differenceMean = m.differenceMean();
            row.ciLow = m.ciLow();
            row.ciHigh = m.ciHigh();
            row.minimumDetectableEffect = m.minimumDetectableEffect();
            row.mcNemarPValue = m.mcNemarPValue();
            if (m.champion() != null) {
                row.championMean = m.champion().mean();
                row.championDifferenceMean = m.champion().differenceMean();
                row.championCiLow = m.champion().ciLow();
                row.championCiHigh = m.champion().ciHigh();
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The {@code eval-finished} payload of a finished evaluation: the summary, its metric table and the policy's decision
     * when COMPLETED, the code and reason when FAILED.
     */
    public static EvalFinished toEvent(Evaluation e, List<EvaluationMetric> metrics) {
        if (e.status == EvaluationStatus.COMPLETED) {
            boolean champion = e.championModel != null;
            return new EvalFinished(e.tenant, e.id, e.jobId, e.datasetId, e.wholeDataset ? Boolean.TRUE : null, e.status.name(), e.metric, e.items,
                    new EvalFinished.Score(e.baselineModel, e.baselineMean, e.baselineLoss),
                    new EvalFinished.Score(e.candidateModel, e.candidateMean, e.candidateLoss),
                    new EvalFinished.Difference(e.differenceMean, e.ciLow, e.ciHigh, e.confidence),
                    e.verdict.name(), e.bucket, e.itemsKey, null, e.finishedAt, null, e.candidateVersionId, e.baselineVersionId,
                    champion ? e.championVersionId : null,
                    champion ? new EvalFinished.Score(e.championModel, e.championMean, e.championLoss) : null,
                    champion ? new EvalFinished.Difference(e.championDifferenceMean, e.championCiLow, e.championCiHigh, e.confidence) : null,
                    e.lossDifferenceHigh, metrics.stream().map(EvaluationMapper::eventMetric).toList(),
                    e.forgettingItems == null ? null : new EvalFinished.Forgetting(e.forgettingItems, e.forgettingBaselineLoss,
                            e.forgettingCandidateLoss, e.forgettingLossHigh, e.forgettingBaselineGeneration, e.forgettingCandidateGeneration,
                            e.forgettingGenerationLow),
                    e.outcome == null ? null : e.outcome.name(), e.decision == null ? null : e.decision.name(), reasons(e));
        }
        if (e.status == EvaluationStatus.FAILED) {
            return new EvalFinished(e.tenant, e.id, e.jobId, e.datasetId, e.wholeDataset ? Boolean.TRUE : null, e.status.name(), e.metric, null, null, null, null, null,
                    e.bucket, null, e.failureReason, e.finishedAt, e.failureCode, e.candidateVersionId, e.baselineVersionId,
                    e.championVersionId, null, null, null, null, null, null, null, null);
        }
        throw new IllegalStateException("evaluation " + e.id + " is " + e.status + ", not finished: there is no eval-finished to send");
    }

    private static EvalFinished.Metric eventMetric(EvaluationMetric m) {
        return new EvalFinished.Metric(m.key.metric, m.baselineMean, m.candidateMean, m.differenceMean, m.ciLow, m.ciHigh,
                m.minimumDetectableEffect, m.mcNemarPValue, m.championMean, m.championDifferenceMean, m.championCiLow, m.championCiHigh);
    }

    private static List<String> reasons(Evaluation e) {
        return e.decisionReasons == null ? null : List.of(e.decisionReasons.split("\n"));
    }

    private static EvaluationView.MetricView viewMetric(EvaluationMetric m) {
        return new EvaluationView.MetricView(m.key.metric, m.baselineMean, m.candidateMean,
                new EvaluationView.Difference(m.differenceMean, m.ciLow, m.ciHigh, 0.95), m.minimumDetectableEffect, m.mcNemarPValue,
                m.championMean == null ? null : new EvaluationView.ChampionMetric(m.championMean,
                        new EvaluationView.Difference(m.championDifferenceMean, m.championCiLow, m.championCiHigh, 0.95)));
    }

    /** @param status what the evaluation is doing: its own status once finished, else PENDING or RUNNING as its work lease says */
    public static EvaluationView toView(Evaluation e, EvaluationStatus status, List<EvaluationMetric> metrics) {
        boolean completed = e.status == EvaluationStatus.COMPLETED;
        PromotionPolicy policy = e.policy();
        return new EvaluationView(e.id, e.jobId, e.datasetId, e.wholeDataset, e.baseModel, e.artifactType.wireName(), e.artifactKey,
                e.artifactType == ArtifactType.LORA_ADAPTER ? e.artifactKey : null, e.candidateVersionId,
                e.baselineVersionId, e.championVersionId, e.requestedBy, status.name(), e.metric, e.maxTokens,
                e.stop == null ? null : e.stopList(),
                e.maxItems, e.items,
                completed ? new EvaluationView.ModelScore(e.baselineModel, e.baselineMean, e.baselineLoss) : null,
                completed ? new EvaluationView.ModelScore(e.candidateModel, e.candidateMean, e.candidateLoss) : null,
                completed ? new EvaluationView.Difference(e.differenceMean, e.ciLow, e.ciHigh, e.confidence) : null,
                e.verdict == null ? null : e.verdict.name(),
                completed && e.championModel != null ? new EvaluationView.Champion(e.championModel, e.championMean, e.championLoss,
                        new EvaluationView.Difference(e.championDifferenceMean, e.championCiLow, e.championCiHigh, e.confidence)) : null,
                completed && !metrics.isEmpty() ? new EvaluationView.Statistics(metrics.get(0).minimumDetectableEffect,
                        metrics.get(0).mcNemarPValue, e.lossDifferenceHigh) : null,
                completed ? metrics.stream().map(EvaluationMapper::viewMetric).toList() : null,
                completed && e.forgettingItems != null ? new EvaluationView.Forgetting(e.forgettingItems, e.forgettingBaselineLoss,
                        e.forgettingCandidateLoss, e.forgettingLossHigh, e.forgettingBaselineGeneration, e.forgettingCandidateGeneration,
                        e.forgettingGenerationLow) : null,
                new EvaluationView.Policy(e.metric, policy.margin(), policy.lossMargin(), policy.forgettingMargin(),
                        policy.forgettingLossMargin(), policy.alias(), policy.autoPromote(),
                        policy.guards().stream().map(g -> new EvaluationView.Guard(g.metric(), g.margin())).toList()),
                e.outcome == null ? null : e.outcome.name(), e.decision == null ? null : e.decision.name(),
                reasons(e),
                e.itemsKey, e.failureCode, e.failureReason, e.attempts, e.createdAt, e.startedAt, e.finishedAt);
    }
}
