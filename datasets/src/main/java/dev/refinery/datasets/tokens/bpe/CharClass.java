package dev.refinery.datasets.tokens.bpe;

/**
 * The character classes of tiktoken's split patterns, as Java's regex engine reads them with
 * {@code UNICODE_CHARACTER_CLASS} (how jtokkit compiles them): letters by case, marks, numbers, white space
 * (Unicode White_Space) and line breaks. One lookup per character: a table for the BMP, computed once from
 * the JDK's Unicode data; code points beyond it (a surrogate pair) are classified as they come.
 */
final class CharClass {

    static final int UPPER = 1;        // Lu, Lt
    static final int LOWER = 2;        // Ll
    static final int OTHER_LETTER = 4; // Lm, Lo
    static final int MARK = 8;         // Mn, Me, Mc
    static final int NUMBER = 16;      // Nd, Nl, No
    static final int SPACE = 32;       // \s with UNICODE_CHARACTER_CLASS: White_Space
    static final int LINE_BREAK = 64;  // \r or \n

    static final int LETTER = UPPER | LOWER | OTHER_LETTER;

    private static final byte[] BMP = new byte[0x10000];
    /** Plane 1 (emoji, historic scripts, symbols) is common enough in chat data to be worth its own table. */
    private static final byte[] PLANE1 = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = (byte) of(c);
            PLANE1[c] = (byte) of(0x10000 + c);
        }
    }

    private CharClass() {
    }

    /** The class bits of the code point starting at {@code s[i]} (a lone surrogate is none of them, as in the JDK). */
    static int at(char[] s, int i, int n) {
        char c = s[i];
        if (!Character.isSurrogate(c)) {
            return BMP[c];
        }
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s[i + 1])) {
            int cp = Character.toCodePoint(c, s[i + 1]);
            return cp < 0x20000 ? PLANE1[cp - 0x10000] : of(cp);
        }
        return BMP[c];
    }

    /** The class bits of a char that is not a surrogate. */
    static int bmp(char c) {
        return BMP[c];
    }

    /** Chars taken by the code point at {@code s[i]}: 2 for a surrogate pair, else 1. */
    static int width(char[] s, int i, int n) {
        char c = s[i];
        return Character.isSurrogate(c) && Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s[i + 1]) ? 2 : 1;
    }

    /** Where the code point ending just before {@code s[i]} starts. */
    static int previous(char[] s, int i) {
        return i >= 2 && Character.isLowSurrogate(s[i - 1]) && Character.isHighSurrogate(s[i - 2]) ? i - 2 : i - 1;
    }

    private static int of(int cp) {
        int bits = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> UPPER;
            case Character.LOWERCASE_LETTER -> LOWER;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> OTHER_LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> 0;
        };
        if (isWhiteSpace(cp)) {
            bits |= SPACE;
        }
        if (cp == '\r' || cp == '\n') {
            bits |= LINE_BREAK;
        }
        return bits;
    }

    /** The JDK's White_Space property, as its regex engine tests it. */
    private static boolean isWhiteSpace(int cp) {
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (cp >= 0x9 && cp <= 0xd) || cp == 0x85;
    }

    /** Whether {@code c} matches the ASCII letter {@code lower} case-insensitively, as (?i) with Unicode case does ('ſ' is an 's'). */
    static boolean isLetterIgnoringCase(char c, char lower) {
        return c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower;
    }
}
