package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.PreferenceJsonl;
import dev.refinery.engine.chat.PreferenceRecord;
import dev.refinery.engine.chat.RecordShape;
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
 * The frozen test items of an evaluation, as validation-service wrote them: a dataset's held-out test split
 * ({@code datasets/{id}/validated/test.jsonl}) or every record its check kept ({@code clean.jsonl}, for a file uploaded as a
 * test set), streamed line by line and read no further than the item cap.
 */
@ApplicationScoped
public class HeldOutSplit {

    @Inject
    ObjectStorage storage;

    /** The test split, or with {@code wholeDataset} every record the dataset's check kept. */
    public static String key(String datasetId, boolean wholeDataset) {
        return "datasets/" + datasetId + "/validated/" + (wholeDataset ? "clean.jsonl" : "test.jsonl");
    }

    /**
     * The held-out items: conversations (each ends with the assistant's reference reply; the messages before it are the
     * prompt), or, for a DPO dataset, preference pairs. One kind per split.
     */
    public record Items(List<List<ChatMessage>> conversations, List<PreferenceRecord> pairs) {
        public int size() {
            return conversations.size() + pairs.size();
        }
    }

    /** The first {@code maxItems} items of the object {@code key} ({@link #key}); its first line decides their kind. */
    public Items read(String key, int maxItems) {
        if (!storage.exists(key)) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_MISSING", "the evaluation's test items do not exist: no " + key
                    + " in bucket " + storage.bucket() + " (was the dataset validated" + (key.endsWith("test.jsonl") ? " with a test split" : "")
                    + "?)");
        }
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<PreferenceRecord> pairs = new ArrayList<>();
        Boolean preference = null;
        try (InputStream in = storage.open(key);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while (conversations.size() + pairs.size() < maxItems && (line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                boolean pair = RecordShape.of(line) == RecordShape.PREFERENCE_PAIR;
                if (preference == null) {
                    preference = pair;
                } else if (pair != preference) {
                    throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " line " + lineNumber + " is a "
                            + (pair ? "preference pair" : "conversation") + " but the split began with " + (preference ? "preference pairs" : "conversations"));
                }
                if (pair) {
                    pairs.add(preferencePair(key, line, lineNumber));
                } else {
                    conversations.add(conversation(key, line, lineNumber));
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
        if (conversations.isEmpty() && pairs.isEmpty()) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_EMPTY", "the held-out test split " + key + " holds no conversations");
        }
        return new Items(conversations, pairs);
    }

    private static PreferenceRecord preferencePair(String key, String line, int lineNumber) {
        try {
            return PreferenceJsonl.parseLine(line, lineNumber);
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " " + e.getMessage(), e);
        }
    }

    private static List<ChatMessage> conversation(String key, String line, int lineNumber) {
        List<ChatMessage> messages;
        try {
            messages = ChatJsonl.parseLine(line, lineNumber);
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " " + e.getMessage(), e);
        }
        if (!"assistant".equals(messages.get(messages.size() - 1).role())) {
            throw new EvaluationFailure("EVAL_TEST_SPLIT_INVALID", key + " line " + lineNumber
                    + ": the last message must be the assistant's reference reply");
        }
        return messages;
    }
}
