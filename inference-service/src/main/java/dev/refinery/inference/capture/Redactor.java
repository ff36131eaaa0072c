package dev.refinery.inference.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A project's redaction patterns: every match is replaced with {@value #MARK} before a text is stored. A pattern that
 * backtracks without end on some text (a project's regex is arbitrary) is stopped after {@link #TIME_LIMIT_NANOS}; the
 * text then cannot be redacted, and the caller must store nothing rather than store it unredacted.
 */
public final class Redactor {

    public static final String MARK = "[REDACTED]";
    public static final int MAX_PATTERNS = 20;
    public static final int MAX_PATTERN_CHARS = 500;
    /** Per text and all patterns: far above what any sane pattern needs on an answer of a few thousand characters. */
    static final long TIME_LIMIT_NANOS = 2_000_000_000L;

    /** Redaction did not finish in time: the text must not be stored. */
    public static final class TooSlow extends RuntimeException {
        TooSlow() {
            super("the project's redaction patterns took more than " + TIME_LIMIT_NANOS / 1_000_000 + " ms on one text");
        }
    }

    private final List<Pattern> patterns;

    private Redactor(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    /** @throws PatternSyntaxException for the first pattern that does not compile */
    public static Redactor of(List<String> regexes) {
        List<Pattern> compiled = new ArrayList<>(regexes.size());
        for (String r : regexes) {
            compiled.add(Pattern.compile(r));
        }
        return new Redactor(compiled);
    }

    /** @throws TooSlow when the patterns run past the time limit */
    public String apply(String text) {
        if (text == null || patterns.isEmpty()) {
            return text;
        }
        long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
        String out = text;
        for (Pattern p : patterns) {
            out = p.matcher(new Deadlined(out, deadline)).replaceAll(MARK);
        }
        return out;
    }

    /** A text whose every read checks the clock: the regex engine reads characters, so a runaway match stops here. */
    private record Deadlined(CharSequence text, long deadline) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new TooSlow();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadlined(text.subSequence(start, end), deadline);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
