package dev.refinery.engine.eval;

import java.text.Normalizer;
import java.util.HashMap;
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
            default -> throw new dev.refinery.engine.EngineException.InvalidArgument("unknown metric '" + metric
                    + "': expected one of " + OPENING_MATCH + ", " + EXACT_MATCH + ", " + TOKEN_F1);
        };
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
