package dev.refinery.engine.eval.metrics;

import java.util.List;

/**
 * Exact match as in the official SQuAD evaluation script ({@code exact_match_score}, v1.1; {@code compute_exact}, v2.0):
 * 1 when the prediction and a reference are equal after {@link SquadNormalization}, else 0; with several references,
 * the best over them ({@code metric_max_over_ground_truths}).
 *
 * <p>This is stricter about articles and looser about punctuation than {@code Metrics.exactMatch}, which predates it and
 * keeps its behaviour for the existing {@code exact_match} metric name.
 */
public final class ExactMatch {

    private ExactMatch() {
    }

    /** 1 when {@code prediction} equals {@code reference} after normalisation, else 0. */
    public static double score(String reference, String prediction) {
        return SquadNormalization.normalize(reference).equals(SquadNormalization.normalize(prediction)) ? 1 : 0;
    }

    /** The best score over several acceptable references; 0 when there are none. */
    public static double best(List<String> references, String prediction) {
        double best = 0;
        for (String r : references) {
            best = Math.max(best, score(r, prediction));
        }
        return best;
    }
}
