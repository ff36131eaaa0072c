package dev.refinery.eval.mapping;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.PairedBootstrap;
import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.eval.service.EvaluationFailure;
import dev.refinery.eval.service.ItemLine;
import dev.refinery.eval.service.MetricResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's comparison report to the service's summary, verdict and item lines (no Quarkus). */
class ReportMapperTest {

    private static final HeldOutComparison.ItemResult ITEM = new HeldOutComparison.ItemResult(0, "Tell me about Ben.",
            "Once upon a time, there was a little boy named Ben.", "Lily went out.", "Once upon a time, there was a little boy named Ben.",
            0.0, 1.0, 1.4, 0.2, null);

    private static HeldOutComparison.Report report(double low, double high) {
        return new HeldOutComparison.Report("opening_match", List.of(ITEM, ITEM), 0.1, 0.8,
                new PairedBootstrap.Interval(0.7, low, high, 0.95, 2), 1.33, 0.12);
    }

    @Test
    void theSummaryCarriesEveryNumberOfTheReport() {
        ComparisonSummary s = ReportMapper.summary(report(0.5, 0.9), "stories260K", "stories260K+ft-1", null, null, List.of("opening_match"), AnswerScorer::metric, null);
        assertEquals("opening_match", s.metric());
        assertEquals(2, s.items());
        assertEquals("stories260K", s.baselineModel());
        assertEquals("stories260K+ft-1", s.candidateModel());
        assertEquals(0.1, s.baselineMean());
        assertEquals(0.8, s.candidateMean());
        assertEquals(1.33, s.baselineLoss());
        assertEquals(0.12, s.candidateLoss());
        assertEquals(0.7, s.differenceMean());
        assertEquals(0.5, s.ciLow());
        assertEquals(0.9, s.ciHigh());
        assertEquals(0.95, s.confidence());
        assertEquals(Verdict.CANDIDATE_BETTER, s.verdict());
        assertNull(s.champion());
        // Two items, both passed by the candidate only: McNemar's exact p = 2 * 0.5^2.
        assertEquals(0.5, s.primary().mcNemarPValue(), 1e-12);
        assertEquals(0.0, s.primary().minimumDetectableEffect(), 1e-12, "identical differences have no spread");
        assertEquals(0.5, s.primary().ciLow(), "the primary row is the comparison's own interval");
        assertEquals(-1.2, s.lossDifferenceHigh(), 1e-12, "every item's loss fell by 1.2");
    }

    @Test
    void theChampionComparisonIsSummarisedBesideTheBaselineAndItsAnswersJoinEachItem() {
        HeldOutComparison.ItemResult championItem = new HeldOutComparison.ItemResult(0, ITEM.prompt(), ITEM.reference(), "champion says",
                ITEM.candidateOutput(), 1.0, 1.0, 0.3, 0.2, null);
        HeldOutComparison.Report againstChampion = new HeldOutComparison.Report("opening_match", List.of(championItem, championItem), 1.0, 1.0,
                new PairedBootstrap.Interval(0, 0, 0, 0.95, 2), 0.3, 0.2);
        ComparisonSummary s = ReportMapper.summary(report(0.5, 0.9), "stories260K", "stories260K+ft-1", againstChampion, "stories260K+ft-0",
                List.of("opening_match", "rouge_l"), AnswerScorer::metric, null);
        assertEquals(new ComparisonSummary.Against("stories260K+ft-0", 1.0, 0.3, 0, 0, 0), s.champion());
        // Every metric scores the same answers: ROUGE-L of the candidate's answer (the reference itself) is 1, the
        // base's "Lily went out." shares no word with it, the champion's "champion says" neither.
        MetricResult rouge = s.metrics().get(1);
        assertEquals("rouge_l", rouge.metric());
        assertEquals(0.0, rouge.baselineMean(), 1e-12);
        assertEquals(1.0, rouge.candidateMean(), 1e-12);
        assertEquals(0.0, rouge.champion().mean(), 1e-12);
        assertEquals(1.0, rouge.champion().differenceMean(), 1e-12);
        assertNull(rouge.mcNemarPValue(), "ROUGE-L is graded, not pass/fail");
        List<ItemLine> lines = ReportMapper.itemLines(report(0.5, 0.9), againstChampion);
        assertEquals(2, lines.size());
        assertEquals("champion says", lines.get(0).championOutput());
        assertEquals(1.0, lines.get(0).championScore());
        assertEquals(0.3, lines.get(0).championLoss());
    }

    @Test
    void theVerdictFollowsWhereTheIntervalLies() {
        assertEquals(Verdict.CANDIDATE_BETTER, verdict(0.01, 0.3));
        assertEquals(Verdict.CANDIDATE_WORSE, verdict(-0.3, -0.01));
        assertEquals(Verdict.NO_SIGNIFICANT_DIFFERENCE, verdict(-0.1, 0.2));
        // An interval that touches zero does not exclude it: no claim either way.
        assertEquals(Verdict.NO_SIGNIFICANT_DIFFERENCE, verdict(0.0, 0.4));
        assertEquals(Verdict.NO_SIGNIFICANT_DIFFERENCE, verdict(-0.4, 0.0));
        assertEquals(Verdict.NO_SIGNIFICANT_DIFFERENCE, verdict(0.0, 0.0));
    }

    @Test
    void theVerdictAgreesWithTheEnginesOwnWording() {
        double[][] intervals = {{0.2, 0.5}, {-0.5, -0.2}, {-0.2, 0.2}};
        for (double[] i : intervals) {
            HeldOutComparison.Report r = report(i[0], i[1]);
            String engine = r.verdict().toUpperCase().replace(' ', '_');
            Verdict ours = ReportMapper.verdict(r.difference());
            assertTrue(ours.name().endsWith(engine), ours + " vs engine '" + r.verdict() + "'");
        }
    }

    @Test
    void aNonFiniteResultFailsTheEvaluationInsteadOfBreakingTheEvent() {
        HeldOutComparison.Report r = new HeldOutComparison.Report("opening_match", List.of(ITEM), 0, 1,
                new PairedBootstrap.Interval(1, 1, 1, 0.95, 1), Double.NaN, 0.3);
        EvaluationFailure f = assertThrows(EvaluationFailure.class, () -> ReportMapper.summary(r, "b", "c", null, null, List.of("opening_match"), AnswerScorer::metric, null));
        assertEquals("EVAL_NON_FINITE_RESULT", f.code());
        assertTrue(f.getMessage().contains("baseline held-out loss"), f.getMessage());
    }

    @Test
    void anItemLineKeepsBothAnswersScoresAndLosses() {
        ItemLine line = ReportMapper.itemLines(report(0.5, 0.9), null).get(0);
        assertEquals(new ItemLine(0, ITEM.prompt(), ITEM.reference(), ITEM.baselineOutput(), ITEM.candidateOutput(), 0.0, 1.0, 1.4, 0.2, null,
                null, null, null), line);
    }

    private static Verdict verdict(double low, double high) {
        return ReportMapper.verdict(new PairedBootstrap.Interval((low + high) / 2, low, high, 0.95, 10));
    }
}
