package dev.refinery.inference.openai;

import java.util.Optional;

/**
 * The events of a streamed answer in one of OpenAI's formats (chat completion chunks, or text completion chunks): what
 * opens the stream, each piece of text, the finish reason, and the usage when asked for.
 */
public interface StreamFormat {

    /** What is sent before any text (the chat format announces the role); empty when nothing is. */
    Optional<Object> opening(String id, long created, String model);

    Object piece(String id, long created, String model, String text);

    Object finish(String id, long created, String model, String finishReason);

    Object usage(String id, long created, String model, Usage usage);

    StreamFormat CHAT = new StreamFormat() {
        @Override
        public Optional<Object> opening(String id, long created, String model) {
            return Optional.of(ChatCompletionChunk.role(id, created, model));
        }

        @Override
        public Object piece(String id, long created, String model, String text) {
            return ChatCompletionChunk.content(id, created, model, text);
        }

        @Override
        public Object finish(String id, long created, String model, String finishReason) {
            return ChatCompletionChunk.finish(id, created, model, finishReason);
        }

        @Override
        public Object usage(String id, long created, String model, Usage usage) {
            return ChatCompletionChunk.usage(id, created, model, usage);
        }
    };

    StreamFormat TEXT = new StreamFormat() {
        @Override
        public Optional<Object> opening(String id, long created, String model) {
            return Optional.empty();
        }

        @Override
        public Object piece(String id, long created, String model, String text) {
            return TextCompletion.piece(id, created, model, text, null);
        }

        @Override
        public Object finish(String id, long created, String model, String finishReason) {
            return TextCompletion.piece(id, created, model, "", finishReason);
        }

        @Override
        public Object usage(String id, long created, String model, Usage usage) {
            return TextCompletion.usageOnly(id, created, model, usage);
        }
    };
}
