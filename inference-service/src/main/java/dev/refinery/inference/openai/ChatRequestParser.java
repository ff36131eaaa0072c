package dev.refinery.inference.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.engine.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI chat completion request (the fields of OpenAI's {@code POST /v1/chat/completions}); the fields it shares
 * with the completions request, and what is refused or ignored, are {@link RequestReader}'s.
 */
public final class ChatRequestParser {

    private static final int MAX_MESSAGES = 1000;
    private static final Set<String> OWN = Set.of("messages", "max_completion_tokens");

    private ChatRequestParser() {
    }

    public static ChatCompletionRequest parse(String body) {
        RequestReader r = RequestReader.of(body, OWN);
        String model = r.model();
        List<ChatMessage> messages = messages(r.get("messages"));
        JsonNode newer = r.get("max_completion_tokens");
        Sampling sampling = r.sampling(newer != null && !newer.isNull() ? "max_completion_tokens" : "max_tokens", null);
        return new ChatCompletionRequest(model, messages, sampling);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw OpenAiException.invalid("missing_messages", "messages", "messages must be a non-empty array of {role, content}.");
        }
        if (node.size() > MAX_MESSAGES) {
            throw OpenAiException.invalid("invalid_value", "messages", "At most " + MAX_MESSAGES + " messages, got " + node.size() + ".");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String param = "messages[" + i + "]";
            if (!m.isObject()) {
                throw OpenAiException.invalid("invalid_message", param, "Each message is an object with role and content.");
            }
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer", "user", "assistant" -> { }
                case "tool", "function" -> throw OpenAiException.invalid("unsupported_parameter", param + ".role",
                        "This server does not support tool calls: no '" + role + "' messages.");
                default -> throw OpenAiException.invalid("invalid_message", param + ".role",
                        "role must be system, developer, user or assistant, got '" + role + "'.");
            }
            if (m.has("tool_calls") && !m.get("tool_calls").isNull()) {
                throw OpenAiException.invalid("unsupported_parameter", param + ".tool_calls", "This server does not support tool calls.");
            }
            out.add(new ChatMessage("developer".equals(role) ? "system" : role, content(m.get("content"), param + ".content")));
        }
        return out;
    }
    private static String content(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            throw OpenAiException.invalid("invalid_message", param, "Each message needs its content.");
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < node.size(); i++) {
                JsonNode part = node.get(i);
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw OpenAiException.invalid("unsupported_content", param + "[" + i + "]", "Only text parts are supported, "
                            + "{\"type\": \"text\", \"text\": ...}; got type '" + part.path("type").asText() + "'.");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw OpenAiException.invalid("invalid_message", param, "content must be a string or an array of text parts.");
    }
}
