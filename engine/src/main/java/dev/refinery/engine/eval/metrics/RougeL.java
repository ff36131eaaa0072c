package dev.refinery.engine.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sentence-level ROUGE-L (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries", section 3.1) as computed by
 * Google's {@code rouge-score} package ({@code RougeScorer(["rougeL"])}, no stemmer, its default tokenizer): the
 * longest common subsequence (LCS) of the token sequences gives precision = LCS / prediction tokens, recall = LCS /
 * reference tokens and F = 2PR / (P + R) (the package's {@code fmeasure}, i.e. beta = 1).
 *
 * <p>Tokenization is the package's default ({@code tokenize.tokenize} without a stemmer): lower-case, every run of
 * characters outside {@code [a-z0-9]} becomes a space, split on whitespace, and only tokens matching {@code [a-z0-9]+}
 * are kept. So non-ASCII letters are separators, as in the package. When either side has no tokens, or the LCS is
 * empty, all three numbers are 0. This is ROUGE-L, not ROUGE-Lsum (the summary-level union-LCS over newline-split
 * sentences), which is not built.
 */
public final class RougeL {

    private RougeL() {
    }

    /** Precision, recall and F-measure, each in [0, 1]. */
    public record Score(double precision, double recall, double fmeasure) {
    }

    /**
     * Scores {@code prediction} against {@code reference}. Note the order: the reference (the package's "target")
     * first, as in {@code RougeScorer.score(target, prediction)}.
     */
    public static Score score(String reference, String prediction) {
        List<String> ref = tokenize(reference);
        List<String> pred = tokenize(prediction);
        if (ref.isEmpty() || pred.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int lcs = lcsLength(ref, pred);
        double p = (double) lcs / pred.size();
        double r = (double) lcs / ref.size();
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        return new Score(p, r, f);
    }

    /** The package's default tokenization (see the class comment). */
    public static List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                cur.append(c);
            } else if (!cur.isEmpty()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            String x = a.get(i - 1);
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
