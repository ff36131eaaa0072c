package dev.refinery.datasets.tokens.bpe;

import static dev.refinery.datasets.tokens.bpe.CharClass.LETTER;
import static dev.refinery.datasets.tokens.bpe.CharClass.LINE_BREAK;
import static dev.refinery.datasets.tokens.bpe.CharClass.LOWER;
import static dev.refinery.datasets.tokens.bpe.CharClass.MARK;
import static dev.refinery.datasets.tokens.bpe.CharClass.NUMBER;
import static dev.refinery.datasets.tokens.bpe.CharClass.OTHER_LETTER;
import static dev.refinery.datasets.tokens.bpe.CharClass.UPPER;

/**
 * o200k_base's split pattern, alternative by alternative:
 * <pre>
 * 1  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 2  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 3  \p{N}{1,3}
 * 4   ?[^\s\p{L}\p{N}]+[\r\n/]*
 * 5  \s*[\r\n]+
 * 6  \s+(?!\S)
 * 7  \s+
 * </pre>
 * A word is an optional leading non-letter (a space, usually), then capitals and then lower case letters;
 * the "casing" classes overlap (Lm, Lo and marks are in both), which is where the regex backtracks.
 */
final class O200kSplitter implements Splitter {

    /** [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
    private static final int CAPITALS = UPPER | OTHER_LETTER | MARK;
    /** [\p{Ll}\p{Lm}\p{Lo}\p{M}] */
    private static final int SMALL = LOWER | OTHER_LETTER | MARK;
    /** [^\r\n\p{L}\p{N}]: the optional character before a word. */
    private static final int NOT_PREFIX = LINE_BREAK | LETTER | NUMBER;

    @Override
    public int end(char[] s, int p, int n) {
        int ascii = asciiWord(s, p, n);
        if (ascii > p) {
            return Splitter.contraction(s, ascii, n);
        }
        int c = CharClass.at(s, p, n);
        int word = word(s, p, n, c);
        if (word > p) {
            return Splitter.contraction(s, word, n);
        }
        return Splitter.numberSymbolsOrWhitespace(s, p, n, c, true);
    }

    /**
     * The common case of alternatives 1 and 2 without backtracking: an ASCII word (capitals, then lower
     * case letters), after an optional ASCII prefix, that ends at an ASCII character. Then both
     * alternatives end where the letters end (1 when there are lower case letters, 2 when only capitals).
     * Returns {@code p} when the text at {@code p} is not that, and the general matcher decides.
     */
    private static int asciiWord(char[] s, int p, int n) {
        char c = s[p];
        int q = p;
        if (!isAsciiLetter(c)) {
            if (c >= 0x80 || c == '\r' || c == '\n' || (c >= '0' && c <= '9') || p + 1 >= n || !isAsciiLetter(s[p + 1])) {
                return p;
            }
            q = p + 1; // a one-char prefix: a space, usually
        }
        int i = q;
        while (i < n && s[i] >= 'A' && s[i] <= 'Z') {
            i++;
        }
        while (i < n && s[i] >= 'a' && s[i] <= 'z') {
            i++;
        }
        return i == n || s[i] < 0x80 ? i : p; // a letter, mark or digit beyond ASCII could continue the word: not this case
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * Alternatives 1 and 2: the end of a word starting at {@code p}, or {@code p} when none does. Each
     * alternative tries its optional prefix first (greedy), then without it (a mark can be both the prefix
     * and the word's first code point); alternative 2 only when 1 fails both ways.
     */
    private static int word(char[] s, int p, int n, int c) {
        int afterPrefix = (c & NOT_PREFIX) == 0 ? p + CharClass.width(s, p, n) : -1;
        int e = alternative(s, p, afterPrefix, n, false);
        if (e < 0) {
            e = alternative(s, p, afterPrefix, n, true);
        }
        return e < 0 ? p : e;
    }

    /** One of the two word alternatives, with its prefix when there is one, then without; the end or -1. */
    private static int alternative(char[] s, int p, int afterPrefix, int n, boolean capitalsFirst) {
        int e = afterPrefix >= 0 ? capitalsThenSmall(s, afterPrefix, n, capitalsFirst) : -1;
        return e >= 0 ? e : capitalsThenSmall(s, p, n, capitalsFirst);
    }

    /**
     * From {@code q}: {@code CAPITALS* SMALL+} (alternative 1) or, with {@code capitalsFirst},
     * {@code CAPITALS+ SMALL*} (alternative 2); the end, or -1 when it does not match. Alternative 1 backtracks:
     * the greedy run of capitals gives back code points until one that can start the small run.
     */
    private static int capitalsThenSmall(char[] s, int q, int n, boolean capitalsFirst) {
        int capitals = Splitter.run(s, q, n, CAPITALS);
        if (capitalsFirst) {
            return capitals == q ? -1 : Splitter.run(s, capitals, n, SMALL);
        }
        for (int u = capitals; ; u = CharClass.previous(s, u)) {
            if (u < n && (CharClass.at(s, u, n) & SMALL) != 0) {
                return Splitter.run(s, u, n, SMALL);
            }
            if (u == q) {
                return -1;
            }
        }
    }
}
