package dev.refinery.training.backend.local;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.chat.PreferenceJsonl;
import dev.refinery.engine.chat.RecordShape;
import dev.refinery.engine.train.PreferenceExample;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A validated split, streamed from object storage line by line and encoded with the model's chat template: conversations or preference pairs. */
@ApplicationScoped
public class TrainingData {

    @Inject
    ObjectStorage storage;

    /** Conversations for supervised training. */
    public List<TrainingExample> load(LanguageModel model, String key, String split) {
        return read(key, split, (line, lineNumber) -> {
            refuseOtherShape(line, RecordShape.PREFERENCE_PAIR, "conversations (\"messages\")", "method sft", key, split, lineNumber);
            return TrainingExample.of(model.template().encodeForTraining(ChatJsonl.parseLine(line, lineNumber)));
        });
    }

    /** Preference pairs for DPO. */
    public List<PreferenceExample> loadPreferences(LanguageModel model, String key, String split) {
        return read(key, split, (line, lineNumber) -> {
            refuseOtherShape(line, RecordShape.CONVERSATION, "preference pairs (\"input\", \"preferred_output\", \"non_preferred_output\")",
                    "method dpo", key, split, lineNumber);
            return PreferenceExample.of(model.template(), PreferenceJsonl.parseLine(line, lineNumber));
        });
    }

    /** Encodes one line; engine errors name the line. */
    private interface LineReader<T> {
        T encode(String line, int lineNumber);
    }

    /**
     * A dataset of the other kind fails the job with one clear sentence rather than a parse error on line 1: validation
     * accepts both kinds, so only here does the method meet the data.
     */
    private static void refuseOtherShape(String line, RecordShape otherKind, String expected, String method, String key, String split,
                                         int lineNumber) {
        if (lineNumber > 1 || RecordShape.of(line) != otherKind) {
            return;
        }
        throw new JobFailure("JOB_DATASET_METHOD_MISMATCH", method + " trains on " + expected + ", but line 1 of the " + split
                + " split " + key + " is not of that shape: choose the method that matches the dataset");
    }

    private <T> List<T> read(String key, String split, LineReader<T> encoder) {
        if (!storage.exists(key)) {
            throw new JobFailure("JOB_DATASET_SPLIT_MISSING", "the " + split + " split " + key + " is not in bucket " + storage.bucket());
        }
        List<T> examples = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(storage.open(key), StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    examples.add(encoder.encode(line, lineNumber));
                } catch (EngineException.InvalidChat e) {
                    String where = e.getMessage().startsWith("line ") ? "" : "line " + lineNumber + ": ";
                    throw new EngineException.InvalidChat("the " + split + " split " + key + ", " + where + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the " + split + " split " + key + ": " + e.getMessage(), e);
        }
        return examples;
    }
}
