package dev.refinery.engine.eval;

import dev.refinery.engine.eval.metrics.Bleu;
import dev.refinery.engine.eval.metrics.JsonMatch;
import dev.refinery.engine.eval.metrics.RougeL;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-item scores for generated answers against a reference answer. All return values in [0, 1].
 */
public final class Metrics {

    private Metrics() {
    }

    /** Names accepted by {@link #score}. */
    public static final String OPENING_MATCH = "opening_match";
    public static final String EXACT_MATCH = "exact_match";
    public static final String TOKEN_F1 = "token_f1";
    /** ROUGE-L F-measure (longest common subsequence of words), as rouge-score computes it without stemming. */
    public static final String ROUGE_L = "rouge_l";
    /** sacreBLEU-compatible sentence BLEU (13a tokenisation, exponential smoothing), divided by 100. */
    public static final String BLEU = "bleu";
    /** 1 when the reply is one valid JSON value. For references that are JSON objects (structured output). */
    public static final String JSON_VALID = "json_valid";
    /** Share of the reference object's fields the reply has with equal values. For references that are JSON objects. */
    public static final String JSON_MATCH = "json_match";
    /** Every name {@link #score} accepts. */
    public static final List<String> TEXT_METRICS = List.of(OPENING_MATCH, EXACT_MATCH, TOKEN_F1, ROUGE_L, BLEU, JSON_VALID, JSON_MATCH);
    /**
     * Preference pairs: share of pairs whose preferred answer the model finds likelier per token than the other. Not a
     * text score, so not one of {@link #score}'s: {@link HeldOutComparison#comparePreferences} computes it.
     */
    public static final String PREFERENCE_ACCURACY = "preference_accuracy";

    public static double score(String metric, String reference, String output) {
        return switch (metric) {
            case OPENING_MATCH -> openingMatch(reference, output);
            case EXACT_MATCH -> exactMatch(reference, output);
            case TOKEN_F1 -> tokenF1(reference, output);
            case ROUGE_L -> RougeL.score(reference, output).fmeasure();
            case BLEU -> Bleu.sentence(output, List.of(reference)).score() / 100.0;
            case JSON_VALID -> JsonMatch.validity(output);
            case JSON_MATCH -> JsonMatch.compare(reference, output).fieldMatchRate();
            default -> throw new dev.refinery.engine.EngineException.InvalidArgument("unknown metric '" + metric
                    + "': expected one of " + String.join(", ", TEXT_METRICS));
        };
    }

    /** Whether each item of {@code metric} passes (1) or fails (0), so that McNemar's exact test applies. */
    public static boolean isPassFail(String metric) {
        return switch (metric) {
            case OPENING_MATCH, EXACT_MATCH, JSON_VALID, PREFERENCE_ACCURACY -> true;
            default -> false;
        };
    }

    /** Whether {@code metric} means something only when every reference is a JSON object. */
    public static boolean needsJsonReferences(String metric) {
        return JSON_VALID.equals(metric) || JSON_MATCH.equals(metric);
    }

    /**
     * 1 when the output begins with the reference's first sentence (after whitespace normalisation),
     * else 0. Suits tasks whose answer must open in a required form, like the named-story example.
     */
    public static double openingMatch(String reference, String output) {
        String want = normalizeSpace(firstSentence(reference));
        return !want.isEmpty() && normalizeSpace(output).startsWith(want) ? 1 : 0;
    }

    /** 1 when both answers are equal after case, accent-form, punctuation and whitespace normalisation. */
    public static double exactMatch(String reference, String output) {
        return normalizeAnswer(reference).equals(normalizeAnswer(output)) ? 1 : 0;
    }

    /** Harmonic mean of word precision and recall after normalisation (SQuAD-style token F1). */
    public static double tokenF1(String reference, String output) {
        String[] ref = words(reference);
        String[] out = words(output);
        if (ref.length == 0 || out.length == 0) {
            return ref.length == out.length ? 1 : 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String w : ref) {
            counts.merge(w, 1, Integer::sum);
        }
        int common = 0;
        for (String w : out) {
            Integer c = counts.get(w);
            if (c != null && c > 0) {
                common++;
                counts.put(w, c - 1);
            }
        }
        if (common == 0) {
            return 0;
        }
        double precision = (double) common / out.length;
        double recall = (double) common / ref.length;
        return 2 * precision * recall / (precision + recall);
    }

    /** Text up to and including the first '.', '!' or '?' (or the first line, or everything). */
    public static String firstSentence(String text) {
        String t = text.strip();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.' || c == '!' || c == '?') {
                return t.substring(0, i + 1);
            }
            if (c == '\n') {
                return t.substring(0, i);
            }
        }
        return t;
    }

    private static String normalizeSpace(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private static String normalizeAnswer(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        n = n.replaceAll("[\\p{Punct}]", " ");
        return normalizeSpace(n);
    }

    private static String[] words(String s) {
        String n = normalizeAnswer(s);
        return n.isEmpty() ? new String[0] : n.split(" ");
    }
}
