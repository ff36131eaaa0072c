package dev.refinery.eval.service;

import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.engine.eval.Metrics;

import java.util.List;

/**
 * Scores both models' answers of a comparison on one metric or grader: each item's baseline and candidate answer (in a
 * comparison with the champion, the champion's answer is the baseline's). A text metric scores each answer alone; a
 * pairwise judge needs both at once, which is why a scorer sees the pair.
 */
public interface AnswerScorer {

    /** Each item's score for the baseline and for the candidate, in [0, 1], in item order. */
    record PairScores(double[] baseline, double[] candidate) {
    }

    PairScores score(List<HeldOutComparison.ItemResult> items);

    /** Whether each score is pass (1) or fail (0), so that McNemar's exact test applies. */
    boolean passFail();

    /** A text metric of the engine's ({@link Metrics#score}) against each item's reference. */
    static AnswerScorer metric(String name) {
        return new AnswerScorer() {
            @Override
            public PairScores score(List<HeldOutComparison.ItemResult> items) {
                return new PairScores(items.stream().mapToDouble(i -> Metrics.score(name, i.reference(), i.baselineOutput())).toArray(),
                        items.stream().mapToDouble(i -> Metrics.score(name, i.reference(), i.candidateOutput())).toArray());
            }

            @Override
            public boolean passFail() {
                return Metrics.isPassFail(name);
            }
        };
    }
}
