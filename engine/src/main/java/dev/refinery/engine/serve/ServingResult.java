package dev.refinery.engine.serve;

import dev.refinery.engine.generate.GenerationResult.FinishReason;

import java.time.Duration;

/**
 * A finished request.
 *
 * @param text              the completion, cut before a stop string if one ended it
 * @param tokens            generated ids, without a stop token id (a stop string's tokens are included: they were
 *                          generated)
 * @param finish            STOP (stop token or string), LENGTH (max tokens), CANCELLED
 * @param promptTokens      tokens of the rendered prompt (usage)
 * @param completionTokens  tokens generated (usage)
 * @param timeToFirstToken  from submission to the first generated token; null when none was generated
 * @param duration          from submission to the end
 */
public record ServingResult(String text, int[] tokens, FinishReason finish, int promptTokens, int completionTokens,
                            Duration timeToFirstToken, Duration duration) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
