package dev.refinery.training.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
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

/** A validated split, streamed from object storage line by line and encoded with the model's chat template. */
@ApplicationScoped
public class TrainingData {

    @Inject
    ObjectStorage storage;

    public List<TrainingExample> load(LanguageModel model, String key, String split) {
        if (!storage.exists(key)) {
            throw new JobFailure("JOB_DATASET_SPLIT_MISSING", "the " + split + " split " + key + " is not in bucket " + storage.bucket());
        }
        List<TrainingExample> examples = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(storage.open(key), StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    examples.add(TrainingExample.of(model.template().encodeForTraining(ChatJsonl.parseLine(line, lineNumber))));
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
