package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A test set must not hold requests a compared model was trained on: its score would measure memory, not skill. Before
 * the models run, every test item's request (the messages before the reference reply, case and spacing aside) is looked
 * for in the training split of each version compared; any found refuses the evaluation, naming the items and lines.
 */
@ApplicationScoped
public class TrainingOverlap {

    private static final Logger LOG = Logger.getLogger(TrainingOverlap.class);
    private static final int NAMED = 10;

    @Inject
    ObjectStorage storage;

    public static String trainSplit(String datasetId) {
        return "datasets/" + datasetId + "/validated/train.jsonl";
    }

    /**
     * @param conversations the test items (the last message of each is the reference)
     * @param models        the models compared; base models (no training data) are skipped
     * @throws EvaluationFailure {@code EVAL_TEST_SET_OVERLAP}
     */
    public void requireNone(String testDatasetId, List<List<ChatMessage>> conversations, List<EvaluatedModel> models) {
        Map<String, Integer> requests = new HashMap<>();
        for (int i = 0; i < conversations.size(); i++) {
            List<ChatMessage> c = conversations.get(i);
            requests.putIfAbsent(request(c.subList(0, c.size() - 1)), i);
        }
        for (EvaluatedModel model : models) {
            if (model == null || model.isBase() || model.datasetId() == null) {
                continue;
            }
            String key = trainSplit(model.datasetId());
            if (!storage.exists(key)) {
                LOG.infof("no training split %s to compare the test set with (%s): not checked", key, model.describe());
                continue;
            }
            TreeSet<Integer> items = new TreeSet<>();
            List<Integer> lines = new ArrayList<>();
            scan(key, requests, items, lines);
            if (!items.isEmpty()) {
                throw new EvaluationFailure("EVAL_TEST_SET_OVERLAP", items.size() + " of " + conversations.size() + " test items of dataset "
                        + testDatasetId + " ask what " + model.describe() + " was trained on (" + key + "): test items "
                        + first(new ArrayList<>(items)) + "; training lines " + first(lines) + ". Evaluate on a test set it never saw "
                        + "(validate with exact deduplication, or name another dataset)");
            }
        }
    }

    private void scan(String key, Map<String, Integer> requests, TreeSet<Integer> items, List<Integer> lines) {
        try (InputStream in = storage.open(key);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                List<ChatMessage> messages;
                try {
                    messages = ChatJsonl.parseLine(line, number);
                } catch (EngineException e) {
                    continue; // a preference pair or a record the engine reads otherwise: not a conversation to compare
                }
                int end = "assistant".equals(messages.get(messages.size() - 1).role()) ? messages.size() - 1 : messages.size();
                Integer item = requests.get(request(messages.subList(0, end)));
                if (item != null) {
                    items.add(item);
                    lines.add(number);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** The request as compared: each message's role and text, case and runs of spaces aside. */
    static String request(List<ChatMessage> messages) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : messages) {
            out.append(m.role()).append(':').append(m.content().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT)).append('\n');
        }
        return out.toString();
    }

    private static String first(List<Integer> numbers) {
        List<Integer> shown = numbers.subList(0, Math.min(NAMED, numbers.size()));
        return shown.toString().replaceAll("[\\[\\]]", "") + (numbers.size() > NAMED ? " and " + (numbers.size() - NAMED) + " more" : "");
    }
}
