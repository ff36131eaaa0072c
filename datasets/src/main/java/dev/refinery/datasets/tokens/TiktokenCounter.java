package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.tokens.bpe.TiktokenEncoding;

import java.util.List;

/**
 * OpenAI models, with tiktoken's encodings: {@code o200k_base} for the gpt-4o and gpt-4.1 families,
 * {@code cl100k_base} for gpt-3.5 and gpt-4, counted by {@link TiktokenEncoding} (exactly tiktoken's
 * ids, several times faster than jtokkit; see datasets/README.md, "Token counts").
 *
 * <p>Text tokens are exact. The chat overhead is the one OpenAI publishes in its fine-tuning data-prep
 * cookbook, itself an approximation of the server-side layout: each message costs
 * {@value #TOKENS_PER_MESSAGE} tokens plus the tokens of its role and content (one more when it has a
 * {@code name}, which {@link TextMessage} does not carry), and every record {@value #REPLY_PRIMER_TOKENS}
 * more for the reply primer. {@code trained} is the content tokens of trained turns, as the cookbook's
 * "assistant tokens" statistic counts them.
 *
 * <p>Special-token spellings such as {@code <|endoftext|>} inside content are counted as ordinary text
 * (tiktoken's encode_ordinary), so user data can never make the count fail.
 *
 * <p>Thread-safe. The encoding's tables are loaded on the first count, not when the counter is made: a
 * check that only needs this model's cheap {@link #upperBound} never loads them.
 */
public final class TiktokenCounter implements TokenCounter {

    static final int TOKENS_PER_MESSAGE = 3;
    static final int REPLY_PRIMER_TOKENS = 3;

    /** The encodings this project uses; the others (r50k, p50k) are for models that cannot be fine-tuned. */
    public enum Vocabulary {
        O200K_BASE("o200k_base"),
        CL100K_BASE("cl100k_base");

        private final String name;

        Vocabulary(String name) {
            this.name = name;
        }

        /** tiktoken's name: "o200k_base". */
        public String encodingName() {
            return name;
        }

        TiktokenEncoding encoding() {
            return this == O200K_BASE ? TiktokenEncoding.o200k() : TiktokenEncoding.cl100k();
        }
    }

    private final Vocabulary vocabulary;

    public TiktokenCounter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public String description() {
        return vocabulary.encodingName() + " (exact text; chat overhead per OpenAI's cookbook)";
    }

    @Override
    public Accuracy accuracy() {
        return Accuracy.exact("tiktoken " + vocabulary.encodingName() + "; per-message overhead as OpenAI's fine-tuning"
                + " data-prep cookbook publishes it (" + TOKENS_PER_MESSAGE + " per message + " + REPLY_PRIMER_TOKENS + " reply primer)");
    }

    @Override
    public int countText(String text) {
        return vocabulary.encoding().count(text);
    }

    @Override
    public RecordTokens count(List<TextMessage> turns) {
        int total = REPLY_PRIMER_TOKENS;
        int trained = 0;
        for (TextMessage turn : turns) {
            int content = countText(turn.text());
            total += TOKENS_PER_MESSAGE + roleTokens(turn.role()) + content;
            if (turn.trained()) {
                trained += content;
            }
        }
        return new RecordTokens(total, trained);
    }

    /**
     * Every tiktoken token stands for at least one byte, and a UTF-16 unit is at most three UTF-8 bytes (a
     * surrogate pair, two units, is four): so a text has at most three tokens per char, the role included.
     */
    @Override
    public long upperBound(List<TextMessage> turns) {
        long bound = REPLY_PRIMER_TOKENS;
        for (TextMessage turn : turns) {
            bound += TOKENS_PER_MESSAGE + 3L * turn.role().length() + 3L * turn.text().length();
        }
        return bound;
    }

    private int roleTokens(String role) {
        return switch (role) {
            case "system", "user", "assistant", "tool" -> 1; // one token each in both vocabularies (tested)
            default -> countText(role);
        };
    }
}
