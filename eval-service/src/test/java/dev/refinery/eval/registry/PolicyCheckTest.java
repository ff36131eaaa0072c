package dev.refinery.eval.registry;

import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.ComparisonSummary;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy's rules, one at a time, on summaries made up for each. */
class PolicyCheckTest {

    private static final PromotionPolicy DEFAULTS = PromotionPolicy.defaults("opening_match");

    @Test
    void anIntervalAboveTheMarginWithTheGuardHeldIsImproved() {
        PolicyCheck.Assessment a = PolicyCheck.assess(DEFAULTS, summary(0.2, 0.6, -0.3, null));
        assertEquals(Outcome.IMPROVED, a.outcome());
        assertEquals(2, a.reasons().size());
        assertTrue(a.reasons().get(0).startsWith("pass: opening_match against stories260K: difference +0.400, 95% interval [+0.200, +0.600]"),
                a.reasons().get(0));
    }

    @Test
    void theMarginIsStrict() {
        PromotionPolicy margin = new PromotionPolicy("opening_match", 0.2, 0.1, "champion", true);
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

    private static ComparisonSummary summary(double low, double high, Double lossHigh, ComparisonSummary.Against champion) {
        return new ComparisonSummary("opening_match", 20, "stories260K", "stories260K+ft-1", 0.1, 0.1 + (low + high) / 2, 1.5, 1.2,
                (low + high) / 2, low, high, 0.95, Verdict.NO_SIGNIFICANT_DIFFERENCE, lossHigh, 0.3, 0.01, champion);
    }
}
