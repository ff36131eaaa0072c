package dev.refinery.engine.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads chat training data in the OpenAI/Together JSONL shape, one conversation per line:
 * {@code {"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "...", "weight": 0}]}}.
 * Content may also be a list of parts {@code [{"type": "text", "text": "..."}]}, which are joined.
 * Errors name the line and the JSON path, e.g. {@code line 12: messages[2].content must be a string}.
 * Roles are checked by the chat template that encodes the conversation, not here.
 */
public final class ChatJsonl {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives each conversation of a file with its 1-based line number. */
    @FunctionalInterface
    public interface ChatConsumer {
        void accept(int lineNumber, List<ChatMessage> messages);
    }

    private ChatJsonl() {
    }

    /** Parses one line; {@code lineNumber} (1-based) is used in error messages. */
    public static List<ChatMessage> parseLine(String line, int lineNumber) {
        return messages(readObject(line, lineNumber, "a \"messages\" array").get("messages"), "messages", lineNumber);
    }

    /** The line as a JSON object; {@code expected} says what it should hold, for the error. */
    static JsonNode readObject(String line, int lineNumber, String expected) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw error(lineNumber, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw error(lineNumber, "must be a JSON object with " + expected);
        }
        return root;
    }

    /** A non-empty array of messages at {@code path}. */
    static List<ChatMessage> messages(JsonNode messages, String path, int lineNumber) {
        if (messages == null || !messages.isArray()) {
            throw error(lineNumber, path + " must be an array");
        }
        if (messages.isEmpty()) {
            throw error(lineNumber, path + " is empty");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), path + "[" + i + "]", lineNumber));
        }
        return out;
    }

    /** Streams every non-blank line of a file through {@code consumer}; stops at the first bad line. */
    public static void forEach(Path file, ChatConsumer consumer) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    consumer.accept(lineNumber, parseLine(line, lineNumber));
                }
            }
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ChatMessage message(JsonNode node, String path, int lineNumber) {
        if (!node.isObject()) {
            throw error(lineNumber, path + " must be an object with role and content");
        }
        JsonNode role = node.get("role");
        if (role == null || !role.isTextual()) {
            throw error(lineNumber, path + ".role must be a string");
        }
        String content = content(node.get("content"), path + ".content", lineNumber);
        int weight = 1;
        JsonNode w = node.get("weight");
        if (w != null && !w.isNull()) {
            if (!w.isIntegralNumber() || (w.asInt() != 0 && w.asInt() != 1)) {
                throw error(lineNumber, path + ".weight must be 0 or 1, got " + w);
            }
            weight = w.asInt();
        }
        return new ChatMessage(role.asText(), content, weight);
    }

    private static String content(JsonNode node, String path, int lineNumber) {
        if (node != null && node.isTextual()) {
            return node.asText();
        }
        if (node == null || !node.isArray()) {
            throw error(lineNumber, path + " must be a string or a list of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < node.size(); k++) {
            JsonNode part = node.get(k);
            String partPath = path + "[" + k + "]";
            if (!part.isObject() || !"text".equals(part.path("type").asText())) {
                throw error(lineNumber, partPath + " must be {\"type\": \"text\", \"text\": ...}; other part types are not supported");
            }
            JsonNode t = part.get("text");
            if (t == null || !t.isTextual()) {
                throw error(lineNumber, partPath + ".text must be a string");
            }
            text.append(t.asText());
        }
        return text.toString();
    }

    static EngineException error(int lineNumber, String message) {
        return new EngineException.InvalidChat("line " + lineNumber + ": " + message);
    }
}
