package dev.refinery.engine.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back, with the model's own vocabulary.
 *
 * <p>{@link #encode} never adds BOS/EOS: chat templates and callers decide where special tokens go.
 * Encoding then decoding returns the input text for any valid UTF-8 string; unpaired surrogates in
 * the Java string are replaced by U+FFFD before encoding (the documented behaviour for invalid input).
 */
public interface Tokenizer {

    /** Token ids for plain text. Special-token strings in the text are encoded as ordinary text. */
    int[] encode(String text);

    /**
     * Like {@link #encode}, but spellings of this tokenizer's special tokens (e.g. {@code <|im_start|>})
     * become their single ids. Chat templates render to text and encode with this.
     */
    int[] encodeWithSpecialTokens(String text);

    /**
     * Encodes text that directly continues ordinary text already in the sequence, as a chat template
     * does when it encodes a turn in pieces (header, content, end marker). Tokenizers that put a
     * dummy-prefix space or U+2581 at the start of their input leave it out here, so that the pieces
     * encode as the joined text would. {@code specialTokens} chooses between {@link #encode} and
     * {@link #encodeWithSpecialTokens} behaviour for special-token spellings.
     */
    default int[] encodeContinuation(String text, boolean specialTokens) {
        return specialTokens ? encodeWithSpecialTokens(text) : encode(text);
    }

    /** The text of a sequence of ids; special tokens such as BOS are left out. */
    String decode(int[] ids);

    /**
     * The raw bytes one token stands for (empty for special tokens). Streaming output concatenates
     * these and decodes UTF-8 once a character is complete.
     */
    byte[] tokenBytes(int id);

    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the tokenizer has none. */
    int bosId();

    /** End-of-sequence id, or -1 when the tokenizer has none. */
    int eosId();

    /** Id of a special or ordinary token spelled exactly {@code piece}, if the vocabulary has it. */
    OptionalInt tokenId(String piece);

    /** True for control tokens (BOS, EOS, chat markers) that {@link #decode} leaves out. */
    boolean isSpecial(int id);
}
