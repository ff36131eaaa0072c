package dev.refinery.inference.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * OpenAI's chat completion object, one choice. {@code model} names the version that answered. {@code logprobs} and
 * {@code refusal} are always null here, and sent as such: OpenAI's clients expect the fields.
 */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    public static ChatCompletion of(String id, long created, String model, String content, String finishReason, Usage usage) {
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", content, null), null, finishReason)), usage);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, Message message, Object logprobs, String finish_reason) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, String content, String refusal) {
    }
}
