package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;

import java.util.List;

/**
 * Counts a record's tokens with one model family's tokenizer and chat layout.
 *
 * <p>Every implementation in this package is immutable after construction and safe to share between
 * the validator's threads (the tokenizers underneath keep no per-call state, or only a concurrent
 * cache); create one per model and reuse it.
 */
public interface TokenCounter {

    /** What counts, for a report: "o200k_base via jtokkit (exact)". */
    String description();

    Accuracy accuracy();

    /** Tokens of plain text, no template: special-token spellings in the text count as ordinary text. */
    int countText(String text);

    /**
     * Tokens of a whole record laid out as the model family's chat template lays it out, markers and
     * headers included; {@code trained} counts the turns marked trained.
     */
    RecordTokens count(List<TextMessage> turns);

    /**
     * A number {@link #count}'s total never exceeds for these turns, worked out from the lengths of their
     * texts without tokenizing them: a record under a context by this bound needs no count to be cleared
     * against it. {@code Long.MAX_VALUE} when the counter knows no such bound (the record is then counted).
     */
    default long upperBound(List<TextMessage> turns) {
        return Long.MAX_VALUE;
    }
}
