package dev.refinery.inference.openai;

import dev.refinery.engine.chat.ChatMessage;

import java.util.List;

/** A chat completion request as this service serves it, after {@link ChatRequestParser} checked it. */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, Sampling sampling) {
}
