package dev.refinery.inference.openai;

import java.util.List;

/** OpenAI's chat completion object, one choice. {@code model} names the version that answered. */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    public static ChatCompletion of(String id, long created, String model, String content, String finishReason, Usage usage) {
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", content), finishReason)), usage);
    }

    public record Choice(int index, Message message, String finish_reason) {
    }

    public record Message(String role, String content) {
    }
}
