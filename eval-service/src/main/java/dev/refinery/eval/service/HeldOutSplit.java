package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.PreferenceJsonl;
import dev.refinery.engine.chat.PreferenceRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The dataset's held-out test split ({@code datasets/{id}/validated/test.jsonl}, written by
 * validation-service), streamed line by line and read no further than the item cap.
 */
@ApplicationScoped
public class HeldOutSplit {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    public static String key(String datasetId) {
        return "datasets/" + datasetId + "/validated/test.jsonl";
    }

    /**
     * The first {@code maxItems} conversations of the split. Each must end with the assistant's
     * reference reply; the messages before it are the prompt. A preference pair (a DPO dataset) counts as its prompt
     * followed by the preferred answer: the reply the trained model should give.
     */
    public List<List<ChatMessage>> read(String datasetId, int maxItems) {
        String key = key(datasetId);
        if (!storage.exists(key)) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_MISSING", "the dataset's held-out test split does not exist: no " + key
                    + " in bucket " + storage.bucket() + " (was the dataset validated with a test split?)");
        }
        List<List<ChatMessage>> items = new ArrayList<>();
        try (InputStream in = storage.open(key);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while (items.size() < maxItems && (line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    items.add(conversation(key, line, lineNumber));
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
        if (items.isEmpty()) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_EMPTY", "the held-out test split " + key + " holds no conversations");
        }
        return items;
    }

    private static List<ChatMessage> conversation(String key, String line, int lineNumber) {
        List<ChatMessage> messages;
        try {
            messages = isPreferencePair(line) ? preferred(PreferenceJsonl.parseLine(line, lineNumber)) : ChatJsonl.parseLine(line, lineNumber);
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " " + e.getMessage(), e);
        }
        if (!"assistant".equals(messages.get(messages.size() - 1).role())) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " line " + lineNumber
                    + ": the last message must be the assistant's reference reply");
        }
        return messages;
    }

    private static boolean isPreferencePair(String line) {
        try {
            JsonNode root = JSON.readTree(line);
            return root != null && root.isObject() && root.has("input") && !root.has("messages");
        } catch (IOException e) {
            return false; // not JSON: the conversation parser says so, with the line
        }
    }

    private static List<ChatMessage> preferred(PreferenceRecord pair) {
        List<ChatMessage> conversation = new ArrayList<>(pair.prompt());
        conversation.addAll(pair.chosen());
        return conversation;
    }
}
