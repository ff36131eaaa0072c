package dev.refinery.eval.registry;

import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.eval.service.ForgettingCheck;
import dev.refinery.eval.service.MetricResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A completed comparison read against a promotion policy: the outcome and, for a person, every reason behind it (each
 * rule, the figures it looked at, and whether it held). Pure: the same summary and policy give the same answer.
 */
public final class PolicyCheck {

    private PolicyCheck() {
    }

    public record Assessment(Outcome outcome, List<String> reasons) {

        public boolean passed() {
            return outcome == Outcome.IMPROVED;
        }
    }

    public static Assessment assess(PromotionPolicy policy, ComparisonSummary s) {
        List<String> reasons = new ArrayList<>();
        boolean beatsBaseline = s.ciLow() > policy.margin();
        boolean worseThanBaseline = s.ciHigh() < 0;
        reasons.add(rule(beatsBaseline, s.metric() + " against " + s.baselineModel() + ": " + interval(s.differenceMean(), s.ciLow(),
                s.ciHigh()) + (beatsBaseline ? ", lower bound above the margin " : ", lower bound not above the margin ")
                + num(policy.margin()) + (worseThanBaseline ? " (significantly worse)" : "")));

        boolean beatsChampion = true;
        boolean worseThanChampion = false;
        ComparisonSummary.Against champion = s.champion();
        if (champion != null) {
            beatsChampion = champion.ciLow() > policy.margin();
            worseThanChampion = champion.ciHigh() < 0;
            reasons.add(rule(beatsChampion, s.metric() + " against the champion " + champion.model() + ": "
                    + interval(champion.differenceMean(), champion.ciLow(), champion.ciHigh())
                    + (beatsChampion ? ", lower bound above the margin " : ", lower bound not above the margin ") + num(policy.margin())
                    + (worseThanChampion ? " (significantly worse: serving it instead would be a regression)" : "")));
        }

        boolean guardHolds = true;
        if (s.lossDifferenceHigh() != null) {
            guardHolds = s.lossDifferenceHigh() <= policy.lossMargin();
            reasons.add(rule(guardHolds, "guard, held-out loss against " + s.baselineModel() + ": upper bound of the increase "
                    + num(s.lossDifferenceHigh()) + (guardHolds ? " within " : " beyond ") + "the margin " + num(policy.lossMargin())));
        }

        ForgettingCheck f = s.forgetting();
        if (f == null) {
            reasons.add("skip: forgetting guard: not measured (the base model has no general-ability set, or a model answered "
                    + "through a provider's API, which gives no log-probabilities)");
        } else {
            boolean keptGeneration = f.generationDifferenceLow() >= -policy.forgettingMargin();
            String loss = "forgetting guard, loss on " + f.items() + " general-ability texts: " + num(f.baselineLoss()) + " -> "
                    + num(f.candidateLoss()) + ", upper bound of the rise " + num(f.lossDifferenceHigh());
            if (policy.forgettingLossMargin() == null) {
                reasons.add("info: " + loss + " (reported; the policy sets no margin for it)");
            } else {
                boolean keptLoss = f.lossDifferenceHigh() <= policy.forgettingLossMargin();
                guardHolds &= keptLoss;
                reasons.add(rule(keptLoss, loss + (keptLoss ? " within " : " beyond ") + "the margin " + num(policy.forgettingLossMargin())));
            }
            guardHolds &= keptGeneration;
            reasons.add(rule(keptGeneration, "forgetting guard, ROUGE-L of the continuations: " + num(f.baselineGeneration()) + " -> "
                    + num(f.candidateGeneration()) + ", lower bound of the change " + signed(f.generationDifferenceLow())
                    + (keptGeneration ? " within " : " beyond ") + "the margin -" + num(policy.forgettingMargin())));
        }

        for (PromotionPolicy.Guard guard : policy.guards()) {
            MetricResult m = s.metrics().stream().filter(r -> r.metric().equals(guard.metric())).findFirst().orElse(null);
            if (m == null) {
                reasons.add("skip: guard, " + guard.metric() + ": this evaluation does not score it (a preference test split is "
                        + "scored on preference accuracy only)");
                continue;
            }
            boolean holds = m.ciLow() >= -guard.margin();
            guardHolds &= holds;
            reasons.add(rule(holds, "guard, " + guard.metric() + " against " + s.baselineModel() + ": " + interval(m.differenceMean(),
                    m.ciLow(), m.ciHigh()) + (holds ? ", lower bound within " : ", lower bound beyond ") + "the margin -" + num(guard.margin())));
        }

        Outcome outcome = worseThanBaseline || worseThanChampion || !guardHolds ? Outcome.REGRESSED
                : beatsBaseline && beatsChampion ? Outcome.IMPROVED : Outcome.NO_SIGNIFICANT_CHANGE;
        return new Assessment(outcome, List.copyOf(reasons));
    }

    private static String rule(boolean held, String text) {
        return (held ? "pass: " : "fail: ") + text;
    }

    private static String interval(double mean, double low, double high) {
        return "difference " + signed(mean) + ", 95% interval [" + signed(low) + ", " + signed(high) + "]";
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.3f", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
