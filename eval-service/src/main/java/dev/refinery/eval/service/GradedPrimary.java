package dev.refinery.eval.service;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.eval.PairedBootstrap;

import java.util.ArrayList;
import java.util.List;

/**
 * A grader as an evaluation's primary metric. The engine's comparison generates every answer and scores them on a text
 * metric of its own ({@link #ENGINE_METRIC}); the grader then scores the same answers, and its per-item scores, means and
 * interval become the comparison's, so that the verdict, the policy and the promotion all follow the grader.
 */
final class GradedPrimary {

    /** What the engine scores while it generates, before the grader replaces it: any text metric would do. */
    static final String ENGINE_METRIC = Metrics.EXACT_MATCH;
    private static final long SEED = 20_240_601L;

    private GradedPrimary() {
    }

    /** The metric the engine's comparison is asked for: the primary, or {@link #ENGINE_METRIC} when the primary is a grader. */
    static String engineMetric(String primary) {
        return dev.refinery.eval.grading.Graders.isGrader(primary) ? ENGINE_METRIC : primary;
    }

    /** The comparison with every item's score, the means and the interval given by {@code scorer}, under {@code name}. */
    static HeldOutComparison.Report rescore(HeldOutComparison.Report report, String name, AnswerScorer scorer) {
        if (Metrics.PREFERENCE_ACCURACY.equals(report.metric())) {
            throw new EvaluationFailure("EVAL_METRIC_NOT_APPLICABLE", "a preference test split is scored on preference accuracy; "
                    + name + " judges answers, and these items have none to judge");
        }
        AnswerScorer.PairScores s = scorer.score(report.items());
        List<HeldOutComparison.ItemResult> items = new ArrayList<>(report.items().size());
        for (int i = 0; i < report.items().size(); i++) {
            HeldOutComparison.ItemResult it = report.items().get(i);
            items.add(new HeldOutComparison.ItemResult(it.index(), it.prompt(), it.reference(), it.baselineOutput(), it.candidateOutput(),
                    s.baseline()[i], s.candidate()[i], it.baselineNll(), it.candidateNll(), it.rejected()));
        }
        return new HeldOutComparison.Report(name, items, mean(s.baseline()), mean(s.candidate()),
                PairedBootstrap.meanDifference(s.baseline(), s.candidate(), 0.95, 10_000, SEED), report.baselineLoss(), report.candidateLoss());
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return v.length == 0 ? Double.NaN : sum / v.length;
    }
}
