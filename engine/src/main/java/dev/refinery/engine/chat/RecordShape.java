package dev.refinery.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Which kind of training record a JSONL line holds, told from its top-level fields only: a conversation
 * ({@link ChatJsonl}), a preference pair ({@link PreferenceJsonl}), or neither (not JSON, or another shape), which the
 * parsers then report with the line and the reason. Services use it to meet a dataset of the wrong kind with one clear
 * sentence instead of a parse error.
 */
public enum RecordShape {
    CONVERSATION, PREFERENCE_PAIR, OTHER;

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RecordShape of(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (IOException e) {
            return OTHER;
        }
        if (root == null || !root.isObject()) {
            return OTHER;
        }
        if (root.has("messages")) {
            return CONVERSATION;
        }
        return root.has("input") ? PREFERENCE_PAIR : OTHER;
    }
}
