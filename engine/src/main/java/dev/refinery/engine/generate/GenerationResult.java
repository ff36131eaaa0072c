package dev.refinery.engine.generate;

/**
 * What a generation produced.
 *
 * @param tokens    generated ids, without the prompt and without the stop token
 * @param finish    why it ended
 */
public record GenerationResult(int[] tokens, FinishReason finish) {

    /** Why generation ended (names follow the OpenAI chat API's finish_reason). */
    public enum FinishReason {
        /** A stop token was produced. */
        STOP,
        /** The token budget ran out. */
        LENGTH,
        /** The model's context is full. */
        CONTEXT,
        /** The caller cancelled it (a client that went away); only the serving engine ends a generation this way. */
        CANCELLED
    }
}
