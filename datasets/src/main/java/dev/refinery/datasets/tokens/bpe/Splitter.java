package dev.refinery.datasets.tokens.bpe;

/**
 * Cuts text into the pieces BPE encodes one at a time, as an encoding's split pattern does: a hand-written
 * matcher per pattern, exact to the regex (same alternatives in the same order, the same backtracking
 * outcome) and many times faster than a regex engine.
 */
interface Splitter {

    /** Where the piece that starts at {@code s[p]} ends (exclusive); {@code p < n}. */
    int end(char[] s, int p, int n);

    /**
     * After a piece ending at {@code e}: the end of an English contraction ('s, 't, 're, 've, 'm, 'll, 'd,
     * any case) that follows it, or {@code e} when none does.
     */
    static int contraction(char[] s, int e, int n) {
        if (e + 1 >= n || s[e] != '\'') {
            return e;
        }
        char c1 = s[e + 1];
        if (CharClass.isLetterIgnoringCase(c1, 's') || CharClass.isLetterIgnoringCase(c1, 't')
                || CharClass.isLetterIgnoringCase(c1, 'm') || CharClass.isLetterIgnoringCase(c1, 'd')) {
            return e + 2;
        }
        if (e + 2 < n) {
            char c2 = s[e + 2];
            if ((CharClass.isLetterIgnoringCase(c1, 'r') || CharClass.isLetterIgnoringCase(c1, 'v')) && CharClass.isLetterIgnoringCase(c2, 'e')
                    || CharClass.isLetterIgnoringCase(c1, 'l') && CharClass.isLetterIgnoringCase(c2, 'l')) {
                return e + 3;
            }
        }
        return e;
    }

    /** The end of the run of code points from {@code i} whose class has any of {@code bits}. */
    static int run(char[] s, int i, int n, int bits) {
        while (i < n) {
            char c = s[i];
            if (!Character.isSurrogate(c)) { // the usual case, one char one code point: one table lookup
                if ((CharClass.bmp(c) & bits) == 0) {
                    return i;
                }
                i++;
            } else if ((CharClass.at(s, i, n) & bits) != 0) {
                i += CharClass.width(s, i, n);
            } else {
                return i;
            }
        }
        return i;
    }

    /**
     * The alternatives after the words, shared by both patterns: {@code \p{N}{1,3}}, then symbols (with or
     * without slashes in their tail), then white space. {@code c} is the class of the code point at {@code p}.
     */
    static int numberSymbolsOrWhitespace(char[] s, int p, int n, int c, boolean slashes) {
        if ((c & CharClass.NUMBER) != 0) {
            return upToThreeNumbers(s, p, n);
        }
        int symbols = symbols(s, p, n, slashes);
        return symbols > p ? symbols : whitespace(s, p, n);
    }

    /** {@code \p{N}{1,3}} at {@code p}, a number. */
    static int upToThreeNumbers(char[] s, int p, int n) {
        int e = p;
        for (int k = 0; k < 3 && e < n && (CharClass.at(s, e, n) & CharClass.NUMBER) != 0; k++) {
            e += CharClass.width(s, e, n);
        }
        return e;
    }

    /**
     * {@code  ?[^\s\p{L}\p{N}]+} then line breaks ({@code [\r\n]*}, or {@code [\r\n/]*} with {@code slashes}):
     * punctuation and symbols, after an optional space. The end, or {@code p} when it does not match.
     */
    static int symbols(char[] s, int p, int n, boolean slashes) {
        int notSymbol = CharClass.SPACE | CharClass.LETTER | CharClass.NUMBER;
        int q = s[p] == ' ' && p + 1 < n && (CharClass.at(s, p + 1, n) & notSymbol) == 0 ? p + 1 : p;
        if ((CharClass.at(s, q, n) & notSymbol) != 0) {
            return p;
        }
        int e = q;
        while (e < n && (CharClass.at(s, e, n) & notSymbol) == 0) {
            e += CharClass.width(s, e, n);
        }
        while (e < n && (s[e] == '\r' || s[e] == '\n' || (slashes && s[e] == '/'))) {
            e++;
        }
        return e;
    }

    /**
     * The whitespace alternatives shared by both patterns, tried in order at {@code p} (a white-space
     * code point): {@code \s*[\r\n]+}, then {@code \s+(?!\S)}, then {@code \s+}.
     */
    static int whitespace(char[] s, int p, int n) {
        int e = run(s, p, n, CharClass.SPACE); // white space is all in the BMP: one char each
        for (int u = e - 1; u >= p; u--) {
            char c = s[u];
            if (c == '\r' || c == '\n') {
                return u + 1; // \s* gives back chars until [\r\n]+ can match; it matches that last line break only
            }
        }
        if (e == n || e - p == 1) {
            return e; // \s+(?!\S) at the end of the text, or \s+ for a single space before a word
        }
        return e - 1; // \s+(?!\S) backs off one char so that the last space goes with the next word
    }
}
