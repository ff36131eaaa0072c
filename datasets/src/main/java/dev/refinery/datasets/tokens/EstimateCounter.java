package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;

import java.util.List;

/**
 * Token counts for a model whose tokenizer is not available, labelled as an estimate.
 *
 * <p>Byte or character ratios alone miss by a factor of two between prose, code and CJK text, so the
 * estimate counts what large-vocabulary BPE tokenizers (100k-200k entries: tiktoken's, Llama 3's,
 * Qwen's) spend tokens on: one and a bit per word, under half a token per ASCII punctuation mark, about
 * two per line break with its indentation, most of one per CJK character, more than one per emoji or
 * other symbol. The weights are a least-squares fit (on relative error) against o200k_base and
 * cl100k_base, and the error bound is what {@code bench/.../TokenEstimateCalibration} measured per
 * record; both are in datasets/README.md, "Token counts". Small vocabularies (a 512-token llama2.c
 * one spends about three times as many tokens) are outside the bound.
 *
 * <p>The chat overhead is {@value #TOKENS_PER_MESSAGE} tokens per message and {@value #TOKENS_PER_RECORD}
 * per record, between OpenAI's published 3 + role and ChatML's five markers per message.
 *
 * <p>Thread-safe: no state.
 */
final class EstimateCounter implements TokenCounter {

    static final double TOKENS_PER_WORD = 1.3;
    static final double TOKENS_PER_NON_ASCII_LETTER = 0.1;
    static final double TOKENS_PER_ASCII_PUNCTUATION = 0.45;
    static final double TOKENS_PER_LINE_BREAK = 1.8;
    static final double TOKENS_PER_CJK_CHARACTER = 0.85;
    static final double TOKENS_PER_OTHER_SYMBOL = 1.3;
    static final int TOKENS_PER_MESSAGE = 4;
    static final int TOKENS_PER_RECORD = 3;

    /** Largest per-record relative error measured against o200k_base and cl100k_base (datasets/README.md). */
    static final double MEASURED_RECORD_ERROR_BOUND = 0.45;

    /** Hangul Jamo, the first block of the four scripts counted as CJK. */
    private static final int FIRST_CJK_CODE_POINT = 0x1100;

    private final String modelName;

    EstimateCounter(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public String description() {
        return "estimate for " + modelName + " (its tokenizer is not available)";
    }

    @Override
    public Accuracy accuracy() {
        return Accuracy.estimate(MEASURED_RECORD_ERROR_BOUND, "text features weighted as large-vocabulary BPE tokenizers"
                + " spend tokens, checked against o200k_base and cl100k_base; see datasets/README.md, Token counts");
    }

    @Override
    public int countText(String text) {
        return (int) Math.round(weight(text));
    }

    private static double weight(String text) {
        double tokens = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean cjk = isCjk(cp);
            if (isAsciiLetterOrDigit(cp) || (cp >= 0x80 && !cjk && Character.isLetterOrDigit(cp))) {
                if (!inWord) {
                    tokens += TOKENS_PER_WORD;
                    inWord = true;
                }
                if (cp >= 0x80) {
                    tokens += TOKENS_PER_NON_ASCII_LETTER;
                }
                continue;
            }
            inWord = false;
            if (cjk) {
                tokens += TOKENS_PER_CJK_CHARACTER;
            } else if (cp == '\n') {
                tokens += TOKENS_PER_LINE_BREAK;
            } else if (Character.isWhitespace(cp)) {
                // spaces ride along with the next word
            } else if (cp < 0x80) {
                tokens += TOKENS_PER_ASCII_PUNCTUATION;
            } else {
                tokens += TOKENS_PER_OTHER_SYMBOL;
            }
        }
        return tokens;
    }

    private static boolean isAsciiLetterOrDigit(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }

    private static boolean isCjk(int cp) {
        if (cp < FIRST_CJK_CODE_POINT) {
            return false; // the script lookup is a binary search: skip it for ASCII, Latin, Greek, Cyrillic
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }

    /** No code point weighs more than a line break's 1.8 tokens, and rounding adds at most one per text. */
    @Override
    public long upperBound(List<TextMessage> turns) {
        long bound = TOKENS_PER_RECORD;
        for (TextMessage turn : turns) {
            bound += TOKENS_PER_MESSAGE + (long) Math.ceil(TOKENS_PER_LINE_BREAK * turn.text().length()) + 1;
        }
        return bound;
    }

    @Override
    public RecordTokens count(List<TextMessage> turns) {
        int total = TOKENS_PER_RECORD;
        int trained = 0;
        for (TextMessage turn : turns) {
            int n = countText(turn.text());
            total += TOKENS_PER_MESSAGE + n;
            if (turn.trained()) {
                trained += n;
            }
        }
        return new RecordTokens(total, trained);
    }
}
