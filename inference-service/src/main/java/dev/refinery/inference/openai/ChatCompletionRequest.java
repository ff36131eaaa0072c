package dev.refinery.inference.openai;

import dev.refinery.engine.chat.ChatMessage;

import java.util.List;

/**
 * A chat completion request as this service serves it, after {@link ChatRequestParser} checked it.
 *
 * @param maxTokens   null: as many as the context leaves (as OpenAI's default)
 * @param topP        0 asks for the single likeliest token, like temperature 0
 * @param seed        null: a random one per request
 * @param stop        up to 4 sequences; the answer ends before the first one generated
 * @param includeUsage a stream ends with a chunk that carries the usage ({@code stream_options.include_usage})
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Integer maxTokens, double temperature, double topP,
                                    Long seed, List<String> stop, boolean stream, boolean includeUsage) {
}
