package dev.refinery.datasets.tokens;

/**
 * Tokens of one record as the target model sees it.
 *
 * @param total   every token of the record, chat-template overhead included (what a provider bills)
 * @param trained tokens the loss covers: those of turns marked {@code trained}; see each counter for
 *                whether that turn's template markers are included
 */
public record RecordTokens(int total, int trained) {

    public RecordTokens {
        if (total < 0 || trained < 0 || trained > total) {
            throw new IllegalArgumentException("need 0 <= trained <= total, got total " + total + ", trained " + trained);
        }
    }
}
