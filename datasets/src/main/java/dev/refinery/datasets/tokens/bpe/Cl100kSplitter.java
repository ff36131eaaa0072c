package dev.refinery.datasets.tokens.bpe;

import static dev.refinery.datasets.tokens.bpe.CharClass.LETTER;
import static dev.refinery.datasets.tokens.bpe.CharClass.LINE_BREAK;
import static dev.refinery.datasets.tokens.bpe.CharClass.NUMBER;

/**
 * cl100k_base's split pattern, alternative by alternative:
 * <pre>
 * 1  (?i:'s|'t|'re|'ve|'m|'ll|'d)
 * 2  [^\r\n\p{L}\p{N}]?\p{L}+
 * 3  \p{N}{1,3}
 * 4   ?[^\s\p{L}\p{N}]+[\r\n]*
 * 5  \s*[\r\n]+
 * 6  \s+(?!\S)
 * 7  \s+
 * </pre>
 */
final class Cl100kSplitter implements Splitter {

    private static final int NOT_PREFIX = LINE_BREAK | LETTER | NUMBER;

    @Override
    public int end(char[] s, int p, int n) {
        int contraction = Splitter.contraction(s, p, n);
        if (contraction > p) {
            return contraction;
        }
        int c = CharClass.at(s, p, n);
        if ((c & NOT_PREFIX) == 0) {
            int q = p + CharClass.width(s, p, n);
            if (q < n && (CharClass.at(s, q, n) & LETTER) != 0) {
                return Splitter.run(s, q, n, LETTER);
            }
        }
        if ((c & LETTER) != 0) {
            return Splitter.run(s, p, n, LETTER);
        }
        return Splitter.numberSymbolsOrWhitespace(s, p, n, c, false);
    }
}
