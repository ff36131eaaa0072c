package dev.refinery.eval.service;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.eval.PairedBootstrap;
import dev.refinery.engine.eval.stats.McNemarExact;
import dev.refinery.engine.eval.stats.MinimumDetectableEffect;
import dev.refinery.eval.grading.Graders;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of an evaluation, from the answers the comparison generated: the primary metric's figures are the
 * comparison's own (its per-item scores and intervals); each other metric scores the same answers against the same
 * references. A preference test split is scored on preference accuracy only (its answers are not what is judged).
 */
public final class MetricTable {

    /** What every conversation evaluation reports beside its primary metric. */
    public static final List<String> DEFAULT_METRICS = List.of(Metrics.EXACT_MATCH, Metrics.TOKEN_F1, Metrics.ROUGE_L, Metrics.BLEU);
    private static final double ALPHA = 0.05;
    private static final double POWER = 0.8;
    private static final long SEED = 20_261_207L;

    private MetricTable() {
    }

    /**
     * The metrics an evaluation asks for: the primary first, then the defaults, the policy's guards and any requested, once
     * each. JSON metrics join by themselves when every reference is a JSON object ({@link #compute}).
     */
    public static List<String> forEvaluation(String primary, List<String> guards, List<String> requested) {
        Set<String> names = new LinkedHashSet<>();
        names.add(primary);
        names.addAll(DEFAULT_METRICS);
        names.addAll(guards);
        names.addAll(requested);
        return List.copyOf(names);
    }

    /**
     * @param metrics         the evaluation's list, primary first
     * @param scorers         how each name of {@code metrics} after the primary is scored (graders have their own scorers)
     * @param againstChampion the same candidate against the champion, or null
     * @throws EvaluationFailure when a JSON metric was asked for and a reference is not a JSON object
     */
    public static List<MetricResult> compute(List<String> metrics, java.util.function.Function<String, AnswerScorer> scorers,
                                             HeldOutComparison.Report report, HeldOutComparison.Report againstChampion) {
        List<MetricResult> rows = new ArrayList<>();
        rows.add(primary(report, againstChampion, scorers.apply(report.metric()).passFail()));
        if (Metrics.PREFERENCE_ACCURACY.equals(report.metric())) {
            return rows;
        }
        boolean jsonReferences = !report.items().isEmpty() && report.items().stream().allMatch(i -> isJsonObject(i.reference()));
        Set<String> names = new LinkedHashSet<>(metrics.subList(1, metrics.size()));
        if (jsonReferences) {
            names.add(Metrics.JSON_VALID);
            names.add(Metrics.JSON_MATCH);
        }
        names.remove(report.metric());
        for (String name : names) {
            if (!Graders.isGrader(name) && Metrics.needsJsonReferences(name) && !jsonReferences) {
                throw new EvaluationFailure("EVAL_METRIC_NOT_APPLICABLE", name + " compares JSON objects, and not every reference of the "
                        + "test split is one (item " + firstNonJson(report) + " is not)");
            }
            AnswerScorer scorer = scorers.apply(name);
            AnswerScorer.PairScores s = scorer.score(report.items());
            PairedBootstrap.Interval d = PairedBootstrap.meanDifference(s.baseline(), s.candidate(), 0.95, 10_000, SEED);
            MetricResult.ChampionDelta champion = null;
            if (againstChampion != null) {
                AnswerScorer.PairScores ch = scorer.score(againstChampion.items());
                champion = delta(ch.baseline(), ch.candidate(), PairedBootstrap.meanDifference(ch.baseline(), ch.candidate(), 0.95, 10_000, SEED));
            }
            rows.add(row(name, s.baseline(), s.candidate(), d, champion, scorer.passFail()));
        }
        return rows;
    }

    private static MetricResult primary(HeldOutComparison.Report report, HeldOutComparison.Report againstChampion, boolean passFail) {
        double[] b = scores(report, HeldOutComparison.ItemResult::baselineScore);
        double[] c = scores(report, HeldOutComparison.ItemResult::candidateScore);
        MetricResult.ChampionDelta champion = againstChampion == null ? null
                : delta(scores(againstChampion, HeldOutComparison.ItemResult::baselineScore), c, againstChampion.difference());
        return row(report.metric(), b, c, report.difference(), champion, passFail);
    }

    private static MetricResult row(String name, double[] b, double[] c, PairedBootstrap.Interval d, MetricResult.ChampionDelta champion,
                                    boolean passFail) {
        double mde = b.length < 2 ? Double.NaN : MinimumDetectableEffect.pairedMean(b, c, ALPHA, POWER);
        return new MetricResult(name, mean(b), mean(c), d.mean(), d.low(), d.high(), Double.isFinite(mde) ? mde : null,
                passFail ? McNemarExact.test(b, c).pValue() : null, champion);
    }

    /** The champion's figures; for a pairwise judge, its wins in the comparison with the candidate. */
    private static MetricResult.ChampionDelta delta(double[] champion, double[] candidate, PairedBootstrap.Interval d) {
        return new MetricResult.ChampionDelta(mean(champion), d.mean(), d.low(), d.high());
    }

    private static double[] scores(HeldOutComparison.Report r, ToDoubleFunction<HeldOutComparison.ItemResult> score) {
        return r.items().stream().mapToDouble(score).toArray();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static boolean isJsonObject(String text) {
        return dev.refinery.engine.eval.metrics.JsonMatch.parse(text).filter(com.fasterxml.jackson.databind.JsonNode::isObject).isPresent();
    }

    private static int firstNonJson(HeldOutComparison.Report r) {
        return r.items().stream().filter(i -> !isJsonObject(i.reference())).mapToInt(HeldOutComparison.ItemResult::index).findFirst().orElse(-1);
    }
}
