package dev.refinery.inference.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A project's redaction patterns: every match is replaced with {@value #MARK} before a text is stored. */
public final class Redactor {

    public static final String MARK = "[REDACTED]";
    public static final int MAX_PATTERNS = 20;
    public static final int MAX_PATTERN_CHARS = 500;

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

    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Pattern p : patterns) {
            out = p.matcher(out).replaceAll(MARK);
        }
        return out;
    }
}
