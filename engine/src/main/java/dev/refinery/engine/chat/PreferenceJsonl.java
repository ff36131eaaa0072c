package dev.refinery.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads preference data in the shape OpenAI and Together document for DPO, one pair per line (the shape
 * validation-service normalizes every accepted preference file to):
 * {@code {"input": {"messages": [...]}, "preferred_output": [{"role": "assistant", ...}], "non_preferred_output": [...]}}.
 * Errors name the line and the JSON path, as {@link ChatJsonl}'s do.
 */
public final class PreferenceJsonl {

    private PreferenceJsonl() {
    }

    /** Parses one line; {@code lineNumber} (1-based) is used in error messages. */
    public static PreferenceRecord parseLine(String line, int lineNumber) {
        JsonNode root = ChatJsonl.readObject(line, lineNumber, "input, preferred_output and non_preferred_output");
        JsonNode input = root.get("input");
        if (input == null || !input.isObject()) {
            throw ChatJsonl.error(lineNumber, "input must be an object with a \"messages\" array");
        }
        return new PreferenceRecord(
                ChatJsonl.messages(input.get("messages"), "input.messages", lineNumber),
                answer(root, "preferred_output", lineNumber),
                answer(root, "non_preferred_output", lineNumber));
    }

    private static java.util.List<ChatMessage> answer(JsonNode root, String field, int lineNumber) {
        java.util.List<ChatMessage> turns = ChatJsonl.messages(root.get(field), field, lineNumber);
        for (int i = 0; i < turns.size(); i++) {
            if (!"assistant".equals(turns.get(i).role())) {
                throw ChatJsonl.error(lineNumber, field + "[" + i + "].role must be assistant, got '" + turns.get(i).role() + "'");
            }
        }
        return turns;
    }
}
