package dev.refinery.engine.chat;

/**
 * One turn of a conversation.
 *
 * @param role    system, user or assistant
 * @param content the text
 * @param weight  for assistant turns: 1 trains on it, 0 keeps it as context only (OpenAI/Together {@code weight})
 */
public record ChatMessage(String role, String content, int weight) {

    public ChatMessage(String role, String content) {
        this(role, content, 1);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
