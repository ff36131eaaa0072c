package dev.refinery.engine.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The answer normalisation of the official SQuAD evaluation script (v1.1 and v2.0, {@code normalize_answer}), in its
 * order: lower-case; delete every ASCII punctuation character ({@code string.punctuation}:
 * {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}); replace the whole words {@code a}, {@code an}, {@code the} with a space;
 * collapse runs of whitespace to one space and strip the ends.
 *
 * <p>Punctuation is deleted, not replaced by a space, so {@code "don't"} becomes {@code "dont"} and
 * {@code "U.S."} becomes {@code "us"}, as in the script. Non-ASCII punctuation (curly quotes, dashes) is kept, as in the
 * script.
 */
public final class SquadNormalization {

    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadNormalization() {
    }

    /** The normalised answer text. */
    public static String normalize(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunct.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(noPunct).replaceAll(" ");
        return String.join(" ", PythonText.split(noArticles));
    }

    /** The normalised answer's tokens (split on whitespace); empty for an answer that normalises to nothing. */
    public static List<String> tokens(String s) {
        return new ArrayList<>(PythonText.split(normalize(s)));
    }
}
