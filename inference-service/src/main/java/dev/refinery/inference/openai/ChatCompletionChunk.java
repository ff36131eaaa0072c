package dev.refinery.inference.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One server-sent event of a streamed chat completion, in OpenAI's chunk shape: the first carries the role, the next ones
 * pieces of the answer, the last the finish reason; with {@code stream_options.include_usage} one more, with no choice,
 * carries the usage ({@code usage} is null in the others, as OpenAI sends it).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    private static final String OBJECT = "chat.completion.chunk";

    public static ChatCompletionChunk role(String id, long created, String model) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new Choice(0, new Delta("assistant", ""), null, null)), null);
    }

    public static ChatCompletionChunk content(String id, long created, String model, String text) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new Choice(0, new Delta(null, text), null, null)), null);
    }

    public static ChatCompletionChunk finish(String id, long created, String model, String finishReason) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new Choice(0, new Delta(null, null), null, finishReason)), null);
    }

    public static ChatCompletionChunk usage(String id, long created, String model, Usage usage) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), usage);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, Delta delta, Object logprobs, String finish_reason) {
    }

    /** What this chunk adds: the role (first chunk) or text; absent fields are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {
    }
}
