package dev.refinery.engine.eval.metrics;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default BLEU tokenizer, {@code 13a} ({@code Tokenizer13a} followed by {@code TokenizerRegexp}), which
 * reproduces the tokenization of WMT's {@code mteval-v13a.pl}:
 * <ol>
 *   <li>remove {@code <skipped>}, join lines hyphenated across a line break ({@code "-\n"}), turn remaining newlines
 *       into spaces, and unescape {@code &quot; &amp; &lt; &gt;};</li>
 *   <li>put spaces around each character in the ASCII ranges {@code {-~}, {@code [-`}, space to {@code &},
 *       {@code (-+}, {@code :-@} and {@code /} (so quotes, brackets, {@code ! ? ; : $ %} and the like become tokens,
 *       but not the apostrophe or the hyphen);</li>
 *   <li>split a period or comma from a preceding non-digit and from a following non-digit (so {@code 3.14} and
 *       {@code 1,000} stay whole), and split a hyphen that follows a digit;</li>
 *   <li>collapse whitespace to single spaces.</li>
 * </ol>
 */
public final class Tokenizer13a {

    private static final Pattern SYMBOLS = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Tokenizer13a() {
    }

    /** The tokenized line: tokens separated by single spaces, no leading or trailing space. */
    public static String tokenize(String line) {
        String s = line.replace("<skipped>", "")
                .replace("-\n", "")
                .replace("\n", " ")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
        s = " " + s + " ";
        s = SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", PythonText.split(s));
    }
}
