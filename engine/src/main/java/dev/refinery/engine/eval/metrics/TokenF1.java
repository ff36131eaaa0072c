package dev.refinery.engine.eval.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token F1 as in the official SQuAD v2.0 evaluation script ({@code compute_f1}): both texts are normalised with
 * {@link SquadNormalization} and split on whitespace; the overlap is the size of the multiset intersection of the two
 * bags of tokens (Python's {@code Counter(a) & Counter(b)}); precision = overlap / prediction tokens, recall = overlap /
 * reference tokens, F1 = 2PR / (P + R), and 0 when there is no overlap.
 *
 * <p>Empty texts follow v2.0: when either side normalises to no tokens, the score is 1 if both do and 0 otherwise
 * (v1.1 gave 0 in both cases; v2.0 made unanswerable questions scoreable). With several references, the best over them.
 */
public final class TokenF1 {

    private TokenF1() {
    }

    /** Precision, recall and F1 of one prediction against one reference. */
    public record Score(double precision, double recall, double f1) {
    }

    /** Precision, recall and F1 of {@code prediction} against {@code reference}. */
    public static Score of(String reference, String prediction) {
        List<String> ref = SquadNormalization.tokens(reference);
        List<String> pred = SquadNormalization.tokens(prediction);
        if (ref.isEmpty() || pred.isEmpty()) {
            double same = ref.isEmpty() && pred.isEmpty() ? 1 : 0;
            return new Score(same, same, same);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String t : ref) {
            counts.merge(t, 1, Integer::sum);
        }
        int common = 0;
        for (String t : pred) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) {
            return new Score(0, 0, 0);
        }
        double p = (double) common / pred.size();
        double r = (double) common / ref.size();
        return new Score(p, r, 2 * p * r / (p + r));
    }

    /** The F1 of {@code prediction} against {@code reference}. */
    public static double score(String reference, String prediction) {
        return of(reference, prediction).f1();
    }

    /** The best F1 over several acceptable references; 0 when there are none. */
    public static double best(List<String> references, String prediction) {
        double best = 0;
        for (String r : references) {
            best = Math.max(best, score(r, prediction));
        }
        return best;
    }
}
