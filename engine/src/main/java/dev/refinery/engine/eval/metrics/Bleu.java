package dev.refinery.engine.eval.metrics;

import dev.refinery.engine.EngineException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU (Papineni et al. 2002) computed as sacreBLEU 2.x computes it, so scores can be compared with published ones.
 *
 * <p>{@link #corpus} matches {@code sacrebleu.corpus_bleu(hyps, refs)} with its defaults: the {@link Tokenizer13a 13a}
 * tokenizer, case-sensitive, n-grams of order 1 to 4, clipped n-gram counts against the per-n-gram maximum over the
 * references, n-gram statistics summed over the corpus, the brevity penalty exp(1 - r/c) when the hypothesis length c is
 * shorter than the reference length r (for each segment, the reference length closest to the hypothesis length, the
 * shorter on a tie), smoothing {@link Smoothing#EXP "exp"} (sacreBLEU's default: the k-th n-gram order with no match
 * gets precision 1 / (2^k · total), NIST's mteval-v13a method, Chen and Cherry 2014 method 3) and no effective order.
 * {@link #sentence} matches {@code sacrebleu.sentence_bleu(hyp, refs)}: the same with {@code use_effective_order=True}
 * (orders with no n-grams in the hypothesis are left out of the geometric mean).
 *
 * <p>Scores are on sacreBLEU's 0–100 scale. As in sacreBLEU, a corpus with no matching unigram at all scores 0, and
 * log(0) is floored to -9999999999 rather than -infinity.
 */
public final class Bleu {

    /** sacreBLEU's maximum n-gram order. */
    public static final int MAX_ORDER = 4;

    private Bleu() {
    }

    /** How an n-gram order with no match is treated (sacreBLEU's {@code smooth_method} and {@code smooth_value}). */
    public enum Smoothing {
        /** No smoothing: a zero precision makes the score (practically) 0. */
        NONE,
        /** Zero-match orders get precision {@code value / total} (default value 0.1). */
        FLOOR,
        /** For orders 2..N, add {@code value} to both matches and totals (default value 1). */
        ADD_K,
        /** sacreBLEU's default: the k-th zero-match order gets precision 1 / (2^k · total). */
        EXP
    }

    /**
     * A BLEU score with its sufficient statistics.
     *
     * @param score      BLEU on the 0–100 scale
     * @param correct    clipped matching n-grams per order 1..4
     * @param total      hypothesis n-grams per order 1..4
     * @param precisions n-gram precisions per order, in percent, after smoothing
     * @param bp         brevity penalty
     * @param sysLen     hypothesis tokens
     * @param refLen     effective reference tokens
     */
    public record Score(double score, int[] correct, int[] total, double[] precisions, double bp, int sysLen, int refLen) {
    }

    /** Corpus BLEU with sacreBLEU's defaults; {@code references.get(i)} holds the references of hypothesis i. */
    public static Score corpus(List<String> hypotheses, List<List<String>> references) {
        return corpus(hypotheses, references, Smoothing.EXP, Double.NaN, false);
    }

    /**
     * Corpus BLEU with a chosen smoothing; {@code smoothValue} NaN means sacreBLEU's default for the method.
     */
    public static Score corpus(List<String> hypotheses, List<List<String>> references, Smoothing smoothing,
                               double smoothValue, boolean effectiveOrder) {
        if (hypotheses.size() != references.size()) {
            throw new EngineException.InvalidArgument("BLEU needs references for each hypothesis: " + hypotheses.size()
                    + " hypotheses, " + references.size() + " reference sets");
        }
        int[] correct = new int[MAX_ORDER];
        int[] total = new int[MAX_ORDER];
        int sysLen = 0;
        int refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> refs = references.get(i);
            if (refs.isEmpty()) {
                throw new EngineException.InvalidArgument("hypothesis " + i + " has no reference");
            }
            Map<List<String>, Integer> refMax = new HashMap<>();
            List<Integer> refLens = new ArrayList<>();
            for (String r : refs) {
                List<String> tokens = tokens(r);
                refLens.add(tokens.size());
                ngrams(tokens).forEach((g, c) -> refMax.merge(g, c, Math::max));
            }
            List<String> hyp = tokens(hypotheses.get(i));
            sysLen += hyp.size();
            refLen += closest(hyp.size(), refLens);
            for (Map.Entry<List<String>, Integer> e : ngrams(hyp).entrySet()) {
                int n = e.getKey().size() - 1;
                total[n] += e.getValue();
                Integer inRef = refMax.get(e.getKey());
                if (inRef != null) {
                    correct[n] += Math.min(e.getValue(), inRef);
                }
            }
        }
        return fromStatistics(correct, total, sysLen, refLen, smoothing, smoothValue, effectiveOrder);
    }

    /** Sentence BLEU as sacreBLEU's {@code sentence_bleu} with its defaults (exp smoothing, effective order). */
    public static Score sentence(String hypothesis, List<String> references) {
        return sentence(hypothesis, references, Smoothing.EXP, Double.NaN);
    }

    /** Sentence BLEU with a chosen smoothing (effective order on, as {@code sentence_bleu} has it). */
    public static Score sentence(String hypothesis, List<String> references, Smoothing smoothing, double smoothValue) {
        return corpus(List.of(hypothesis), List.of(references), smoothing, smoothValue, true);
    }

    /** sacreBLEU's {@code BLEU.compute_bleu}: the score from summed statistics. */
    public static Score fromStatistics(int[] correctIn, int[] totalIn, int sysLen, int refLen, Smoothing smoothing,
                                       double smoothValue, boolean effectiveOrder) {
        if (Double.isNaN(smoothValue)) {
            smoothValue = smoothing == Smoothing.FLOOR ? 0.1 : smoothing == Smoothing.ADD_K ? 1 : 0;
        }
        double[] correct = new double[MAX_ORDER];
        double[] total = new double[MAX_ORDER];
        boolean anyCorrect = false;
        for (int n = 0; n < MAX_ORDER; n++) {
            correct[n] = correctIn[n];
            total[n] = totalIn[n];
            anyCorrect |= correctIn[n] != 0;
        }
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0) : 1.0;
        double[] precisions = new double[MAX_ORDER];
        if (!anyCorrect) {
            return new Score(0.0, correctIn.clone(), totalIn.clone(), precisions, bp, sysLen, refLen);
        }
        double smoothMteval = 1;
        int effOrder = MAX_ORDER;
        for (int n = 1; n <= MAX_ORDER; n++) {
            if (smoothing == Smoothing.ADD_K && n > 1) {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (correct[n - 1] == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100. / (smoothMteval * total[n - 1]);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100. * smoothValue / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100. * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < effOrder; n++) {
            logSum += precisions[n] == 0.0 ? -9999999999.0 : Math.log(precisions[n]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new Score(score, correctIn.clone(), totalIn.clone(), precisions, bp, sysLen, refLen);
    }

    private static List<String> tokens(String segment) {
        return PythonText.split(Tokenizer13a.tokenize(stripTrailing(segment)));
    }

    /** Python's {@code rstrip()}: trailing Unicode whitespace. */
    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && PythonText.isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return out;
    }

    /** sacreBLEU's {@code _get_closest_ref_len}: closest to the hypothesis length, the shorter on a tie. */
    private static int closest(int hypLen, List<Integer> refLens) {
        int bestDiff = -1;
        int best = -1;
        for (int len : refLens) {
            int diff = Math.abs(hypLen - len);
            if (bestDiff == -1 || diff < bestDiff) {
                bestDiff = diff;
                best = len;
            } else if (diff == bestDiff && len < best) {
                best = len;
            }
        }
        return best;
    }
}
