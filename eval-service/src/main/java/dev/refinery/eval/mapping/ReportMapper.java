package dev.refinery.eval.mapping;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.PairedBootstrap;
import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.eval.service.EvaluationFailure;
import dev.refinery.eval.service.ItemLine;

/** The engine's comparison report to what the service stores and announces. */
public final class ReportMapper {

    private ReportMapper() {
    }

    /**
     * The summary of a report. A non-finite mean or loss (it cannot be stored, nor written as JSON) fails
     * the evaluation instead of producing an event no consumer can read.
     */
    public static ComparisonSummary summary(HeldOutComparison.Report r, String baselineModel, String candidateModel) {
        PairedBootstrap.Interval d = r.difference();
        requireFinite("baseline " + r.metric(), r.baselineMean());
        requireFinite("candidate " + r.metric(), r.candidateMean());
        requireFinite("baseline held-out loss", r.baselineLoss());
        requireFinite("candidate held-out loss", r.candidateLoss());
        requireFinite("difference interval", d.mean() + d.low() + d.high());
        return new ComparisonSummary(r.metric(), r.items().size(), baselineModel, candidateModel, r.baselineMean(), r.candidateMean(),
                r.baselineLoss(), r.candidateLoss(), d.mean(), d.low(), d.high(), d.confidence(), verdict(d));
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

    public static ItemLine itemLine(HeldOutComparison.ItemResult it) {
        return new ItemLine(it.index(), it.prompt(), it.reference(), it.baselineOutput(), it.candidateOutput(), it.baselineScore(),
                it.candidateScore(), it.baselineNll(), it.candidateNll(), it.rejected());
    }

    private static void requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new EvaluationFailure("EVAL_NON_FINITE_RESULT", "the comparison produced a non-finite " + what + " (" + value
                    + "); the held-out items may have no reference tokens to score");
        }
    }
}
