package dev.refinery.eval.registry;

import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.eval.service.ForgettingCheck;
import dev.refinery.eval.service.MetricResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy's rules, one at a time, on summaries made up for each. */
class PolicyCheckTest {

    private static final PromotionPolicy DEFAULTS = PromotionPolicy.defaults("opening_match");
    /** A candidate that kept what its base model knew. */
    private static final ForgettingCheck KEPT = new ForgettingCheck(24, 1.6, 1.62, 0.02, 0.05, 0.3, 0.29, -0.01, -0.04);

    @Test
    void anIntervalAboveTheMarginWithTheGuardHeldIsImproved() {
        PolicyCheck.Assessment a = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, null));
        assertEquals(Outcome.IMPROVED, a.outcome());
        assertEquals(4, a.reasons().size(), String.join("\n", a.reasons()));
        assertTrue(a.reasons().get(0).startsWith("pass: opening_match against stories260K: difference +0.400, 95% interval [+0.200, +0.600]"),
                a.reasons().get(0));
    }

    @Test
    void theMarginIsStrict() {
        PromotionPolicy margin = new PromotionPolicy("opening_match", 0.2, 0.1, 0.1, null, "champion", true, List.of());
        assertEquals(Outcome.NO_SIGNIFICANT_CHANGE, PolicyCheck.assess(margin, summary(0.2, 0.6, 0.0, null)).outcome());
        assertEquals(Outcome.IMPROVED, PolicyCheck.assess(margin, summary(0.21, 0.6, 0.0, null)).outcome());
        // An identical model: [0, 0] does not clear a margin of 0.
        assertEquals(Outcome.NO_SIGNIFICANT_CHANGE, PolicyCheck.assess(DEFAULTS, summary(0, 0, 0.0, null)).outcome());
    }

    @Test
    void beatingTheBaseIsNotEnoughWhenTheChampionIsNotBeaten() {
        ComparisonSummary.Against champion = new ComparisonSummary.Against("stories260K+ft-0", 0.8, 0.5, -0.1, -0.3, 0.1);
        PolicyCheck.Assessment a = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, champion));
        assertEquals(Outcome.NO_SIGNIFICANT_CHANGE, a.outcome());
        assertTrue(a.reasons().get(1).startsWith("fail: opening_match against the champion stories260K+ft-0"), a.reasons().get(1));
    }

    @Test
    void aSignificantlyWorseMetricOrABrokenGuardIsRegressed() {
        assertEquals(Outcome.REGRESSED, PolicyCheck.assess(DEFAULTS, summary(-0.5, -0.1, -0.3, null)).outcome());
        PolicyCheck.Assessment forgot = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, 0.25, null));
        assertEquals(Outcome.REGRESSED, forgot.outcome(), "it wins its task but its held-out loss rose by more than the margin");
        assertTrue(forgot.reasons().get(1).startsWith("fail: guard, held-out loss"), forgot.reasons().get(1));
        ComparisonSummary.Against better = new ComparisonSummary.Against("stories260K+ft-0", 0.85, 0.5, -0.55, -0.75, -0.3);
        assertEquals(Outcome.REGRESSED, PolicyCheck.assess(DEFAULTS, summary(0.1, 0.5, -0.3, better)).outcome(),
                "better than the base, significantly worse than the champion it would replace");
    }

    @Test
    void aGuardMetricMayLoseNoMoreThanItsMargin() {
        PromotionPolicy guarded = new PromotionPolicy("opening_match", 0.0, 0.1, 0.1, null, "champion", true,
                List.of(new PromotionPolicy.Guard("rouge_l", 0.05)));
        MetricResult heldUp = new MetricResult("rouge_l", 0.5, 0.48, -0.02, -0.04, 0.0, 0.05, null, null);
        MetricResult lost = new MetricResult("rouge_l", 0.5, 0.4, -0.1, -0.15, -0.05, 0.05, null, null);
        assertEquals(Outcome.IMPROVED, PolicyCheck.assess(guarded, summary(0.2, 0.6, -0.3, null, heldUp)).outcome());
        PolicyCheck.Assessment a = PolicyCheck.assess(guarded, summary(0.2, 0.6, -0.3, null, lost));
        assertEquals(Outcome.REGRESSED, a.outcome(), "it wins its task but loses ROUGE-L beyond the margin");
        assertTrue(a.reasons().get(4).startsWith("fail: guard, rouge_l against stories260K: difference -0.100"), a.reasons().get(4));
    }

    @Test
    void aCandidateThatForgotWhatItsBaseKnewIsRegressedWhateverItsTask() {
        ForgettingCheck forgot = new ForgettingCheck(24, 1.6, 2.1, 0.5, 0.62, 0.3, 0.12, -0.18, -0.25);
        PolicyCheck.Assessment a = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, null, forgot));
        assertEquals(Outcome.REGRESSED, a.outcome());
        assertTrue(a.reasons().get(2).startsWith("info: forgetting guard, loss on 24 general-ability texts: 1.600 -> 2.100"), a.reasons().get(2));
        assertTrue(a.reasons().get(3).startsWith("fail: forgetting guard, ROUGE-L of the continuations"), a.reasons().get(3));
        // Its stories still go on as before, but its plain-text loss rose: REGRESSED only where the policy gates the loss.
        ForgettingCheck shifted = new ForgettingCheck(24, 1.6, 2.1, 0.5, 0.62, 0.3, 0.29, -0.01, -0.04);
        assertEquals(Outcome.IMPROVED, PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, null, shifted)).outcome());
        PromotionPolicy gated = new PromotionPolicy("opening_match", 0.0, 0.1, 0.1, 0.3, "champion", true, List.of());
        PolicyCheck.Assessment g = PolicyCheck.assess(gated, summary(0.2, 0.6, -0.3, null, shifted));
        assertEquals(Outcome.REGRESSED, g.outcome());
        assertTrue(g.reasons().get(2).startsWith("fail: forgetting guard, loss") && g.reasons().get(2).endsWith("beyond the margin 0.300"),
                g.reasons().get(2));
        PolicyCheck.Assessment none = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, null, (ForgettingCheck) null));
        assertEquals(Outcome.IMPROVED, none.outcome());
        assertTrue(none.reasons().stream().anyMatch(r -> r.startsWith("skip: forgetting guard: not measured")), String.join("\n", none.reasons()));
    }

    private static ComparisonSummary summary(double low, double high, Double lossHigh, ComparisonSummary.Against champion,
                                             ForgettingCheck forgetting) {
        List<MetricResult> metrics = List.of(new MetricResult("opening_match", 0.1, 0.1 + (low + high) / 2, (low + high) / 2, low, high, 0.3,
                0.01, null));
        return new ComparisonSummary("opening_match", 20, "stories260K", "stories260K+ft-1", 0.1, 0.1 + (low + high) / 2, 1.5, 1.2,
                (low + high) / 2, low, high, 0.95, Verdict.NO_SIGNIFICANT_DIFFERENCE, lossHigh, champion, metrics, forgetting);
    }

    private static ComparisonSummary summary(double low, double high, Double lossHigh, ComparisonSummary.Against champion,
                                             MetricResult... others) {
        List<MetricResult> metrics = new java.util.ArrayList<>();
        metrics.add(new MetricResult("opening_match", 0.1, 0.1 + (low + high) / 2, (low + high) / 2, low, high, 0.3, 0.01, null));
        metrics.addAll(List.of(others));
        return new ComparisonSummary("opening_match", 20, "stories260K", "stories260K+ft-1", 0.1, 0.1 + (low + high) / 2, 1.5, 1.2,
                (low + high) / 2, low, high, 0.95, Verdict.NO_SIGNIFICANT_DIFFERENCE, lossHigh, champion, metrics, KEPT);
    }
}
