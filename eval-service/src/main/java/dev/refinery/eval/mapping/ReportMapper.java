package dev.refinery.eval.mapping;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.PairedBootstrap;
import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.eval.service.EvaluationFailure;
import dev.refinery.eval.service.ForgettingCheck;
import dev.refinery.eval.service.ItemLine;
import dev.refinery.eval.service.MetricTable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The engine's comparison reports to what the service stores and announces. */
public final class ReportMapper {

    private ReportMapper() {
    }

    /**
     * The summary of the candidate against its baseline and, when {@code againstChampion} is not null, against the
     * champion. A non-finite mean or loss (it cannot be stored, nor written as JSON) fails the evaluation instead of
     * producing an event no consumer can read.
     */
    public static ComparisonSummary summary(HeldOutComparison.Report r, String baselineModel, String candidateModel,
                                            HeldOutComparison.Report againstChampion, String championModel, List<String> metrics,
                                            Function<String, AnswerScorer> scorers, ForgettingCheck forgetting) {
        PairedBootstrap.Interval d = r.difference();
        requireFinite("baseline " + r.metric(), r.baselineMean());
        requireFinite("candidate " + r.metric(), r.candidateMean());
        boolean losses = !(Double.isNaN(r.baselineLoss()) && Double.isNaN(r.candidateLoss())); // NaN both: answers from an API
        if (losses) {
            requireFinite("baseline held-out loss", r.baselineLoss());
            requireFinite("candidate held-out loss", r.candidateLoss());
        }
        requireFinite("difference interval", d.mean() + d.low() + d.high());
        ComparisonSummary.Against champion = null;
        if (againstChampion != null) {
            PairedBootstrap.Interval c = againstChampion.difference();
            requireFinite("champion " + r.metric(), againstChampion.baselineMean());
            if (losses) {
                requireFinite("champion held-out loss", againstChampion.baselineLoss());
            }
            requireFinite("difference interval against the champion", c.mean() + c.low() + c.high());
            champion = new ComparisonSummary.Against(championModel, againstChampion.baselineMean(),
                    losses ? againstChampion.baselineLoss() : null, c.mean(), c.low(), c.high());
        }
        return new ComparisonSummary(r.metric(), r.items().size(), baselineModel, candidateModel, r.baselineMean(), r.candidateMean(),
                losses ? r.baselineLoss() : null, losses ? r.candidateLoss() : null, d.mean(), d.low(), d.high(), d.confidence(), verdict(d), lossDifferenceHigh(r),
                champion, MetricTable.compute(metrics, scorers, r, againstChampion), forgetting);
    }

    /**
     * The guard's figure: the upper bound of the 95% paired bootstrap interval of the per-item held-out loss, candidate -
     * baseline (a rise is a loss of what the model knew). Null when an item has no finite loss.
     */
    private static Double lossDifferenceHigh(HeldOutComparison.Report r) {
        double[] baseline = r.items().stream().mapToDouble(HeldOutComparison.ItemResult::baselineNll).toArray();
        double[] candidate = r.items().stream().mapToDouble(HeldOutComparison.ItemResult::candidateNll).toArray();
        for (int i = 0; i < baseline.length; i++) {
            if (!Double.isFinite(baseline[i]) || !Double.isFinite(candidate[i])) {
                return null;
            }
        }
        if (baseline.length == 0) {
            return null;
        }
        return finiteOrNull(PairedBootstrap.meanDifference(baseline, candidate, 0.95, 10_000, 20_261_207L).high());
    }

    /** Better or worse only when the whole interval lies on one side of zero. */
    public static Verdict verdict(PairedBootstrap.Interval d) {
        if (d.excludesZeroFromAbove()) {
            return Verdict.CANDIDATE_BETTER;
        }
        if (d.excludesZeroFromBelow()) {
            return Verdict.CANDIDATE_WORSE;
        }
        return Verdict.NO_SIGNIFICANT_DIFFERENCE;
    }

    /** One line per item: baseline and candidate, and the champion's answer beside them when there is one. */
    public static List<ItemLine> itemLines(HeldOutComparison.Report r, HeldOutComparison.Report againstChampion) {
        List<ItemLine> lines = new ArrayList<>(r.items().size());
        for (int i = 0; i < r.items().size(); i++) {
            HeldOutComparison.ItemResult it = r.items().get(i);
            HeldOutComparison.ItemResult ch = againstChampion == null ? null : againstChampion.items().get(i);
            lines.add(new ItemLine(it.index(), it.prompt(), it.reference(), it.baselineOutput(), it.candidateOutput(), it.baselineScore(),
                    it.candidateScore(), it.baselineNll(), it.candidateNll(), it.rejected(),
                    ch == null ? null : ch.baselineOutput(), ch == null ? null : ch.baselineScore(), ch == null ? null : ch.baselineNll()));
        }
        return lines;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static void requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new EvaluationFailure("EVAL_NON_FINITE_RESULT", "the comparison produced a non-finite " + what + " (" + value
                    + "); the held-out items may have no reference tokens to score");
        }
    }
}
