package dev.refinery.engine.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} with no argument, which the reference implementations use everywhere: splits on runs
 * of Unicode whitespace ({@code str.isspace}) and drops empty pieces. Java's {@code \s} is ASCII-only, so it would
 * keep a no-break space inside a token where Python splits.
 */
final class PythonText {

    private PythonText() {
    }

    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85 || (cp >= 0x1c && cp <= 0x1f);
    }

    static List<String> split(CharSequence s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < s.length()) {
            int cp = Character.codePointAt(s, i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.subSequence(start, i).toString());
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.subSequence(start, s.length()).toString());
        }
        return out;
    }
}
