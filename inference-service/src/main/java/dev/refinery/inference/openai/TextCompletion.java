package dev.refinery.inference.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * OpenAI's text completion object (the answer of {@code POST /v1/completions}), one choice; streamed, the same object
 * carries each piece of text, the last its finish reason, and one more with no choice the usage when asked for.
 * {@code logprobs} is always null here, and sent as such.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TextCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    private static final String OBJECT = "text_completion";

    public static TextCompletion whole(String id, long created, String model, String text, String finishReason, Usage usage) {
        return new TextCompletion(id, OBJECT, created, model, List.of(new Choice(text, 0, null, finishReason)), usage);
    }

    static TextCompletion piece(String id, long created, String model, String text, String finishReason) {
        return new TextCompletion(id, OBJECT, created, model, List.of(new Choice(text, 0, null, finishReason)), null);
    }

    static TextCompletion usageOnly(String id, long created, String model, Usage usage) {
        return new TextCompletion(id, OBJECT, created, model, List.of(), usage);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(String text, int index, Object logprobs, String finish_reason) {
    }
}
