package dev.refinery.eval;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.TopicProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the upstream services would have left behind, made for real: a LoRA adapter trained by the
 * engine on a slice of the example task (as training-service would), a held-out test split (as
 * validation-service would), and job-completed events with CloudEvents headers.
 */
final class EvalFixtures {

    static final int TEST_ITEMS = 20;
    private static Path adapter;

    private EvalFixtures() {
    }

    static String jobId() {
        return "ft-" + hex();
    }

    static String datasetId() {
        return "ds-" + hex();
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/named-stories")) && Files.isDirectory(p.resolve("models/stories260K"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with examples/ and models/ above " + Path.of("").toAbsolutePath());
    }

    /** A LoRA adapter for stories260K: 30 training conversations, 2 epochs (a few seconds), trained once per test run. */
    static synchronized Path trainedAdapter() {
        if (adapter == null) {
            LanguageModel base = LanguageModel.load(repoRoot().resolve("models/stories260K"));
            List<TrainingExample> train = firstLines("train.jsonl", 30).stream()
                    .map(line -> TrainingExample.of(base.template().encodeForTraining(ChatJsonl.parseLine(line, 1))))
                    .toList();
            TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withLearningRate(5e-3f);
            TrainingResult result = new Trainer(base.weights(), config).train(train, List.of(), TrainingListener.NONE, null);
            try {
                Path dir = Files.createTempDirectory("eval-test-adapter-");
                PeftAdapterIo.write(result.adapter(), dir, base.name(), base.fingerprint());
                adapter = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return adapter;
    }

    /** Uploads the trained adapter under {@code jobs/<jobId>/adapter/}; returns that key. */
    static String uploadAdapter(ObjectStorage storage, String jobId) {
        String prefix = "jobs/" + jobId + "/adapter/";
        try (Stream<Path> files = Files.list(trainedAdapter())) {
            for (Path f : files.toList()) {
                storage.put(prefix + f.getFileName(), Files.readAllBytes(f), "application/octet-stream");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prefix;
    }

    /** The first {@link #TEST_ITEMS} held-out conversations of the example task as the dataset's validated test split. */
    static void uploadTestSplit(ObjectStorage storage, String datasetId) {
        String jsonl = String.join("\n", firstLines("test.jsonl", TEST_ITEMS)) + "\n";
        storage.put("datasets/" + datasetId + "/validated/test.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    }

    /**
     * The same held-out items as preference pairs (a DPO dataset's test split): the reference story preferred, another
     * hero's story not.
     */
    static void uploadPreferenceTestSplit(ObjectStorage storage, String datasetId) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = firstLines("test.jsonl", TEST_ITEMS);
        StringBuilder out = new StringBuilder();
        try {
            for (int i = 0; i < lines.size(); i++) {
                com.fasterxml.jackson.databind.JsonNode chat = json.readTree(lines.get(i)).get("messages");
                com.fasterxml.jackson.databind.JsonNode other = json.readTree(lines.get((i + 10) % lines.size())).get("messages");
                out.append(json.writeValueAsString(java.util.Map.of(
                        "input", java.util.Map.of("messages", List.of(chat.get(0))),
                        "preferred_output", List.of(chat.get(1)),
                        "non_preferred_output", List.of(other.get(1))))).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        storage.put("datasets/" + datasetId + "/validated/test.jsonl", out.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    }

    static String succeeded(String jobId, String datasetId, String adapterKey) {
        return """
            {"jobId":"%s","datasetId":"%s","baseModel":"stories260K","status":"SUCCEEDED","bucket":"refinery",\
            "adapterKey":"%s","steps":8,"finalTrainLoss":0.9,"completedAt":"2026-11-28T15:31:10Z","addedLater":"ignored"}"""
                .formatted(jobId, datasetId, adapterKey);
    }

    static String failed(String jobId, String datasetId) {
        return """
            {"jobId":"%s","datasetId":"%s","baseModel":"stories260K","status":"FAILED","failureCode":"ENGINE_NON_FINITE_LOSS",\
            "failureReason":"training diverged","completedAt":"2026-11-28T15:31:10Z"}""".formatted(jobId, datasetId);
    }

    /** Sends a job-completed v1 the way training-service's outbox relay does; returns its ce_id. */
    static String sendJobCompleted(TopicProbe probe, String jobId, String payload) {
        String ceId = UUID.randomUUID().toString();
        sendJobCompleted(probe, jobId, payload, ceId);
        return ceId;
    }

    static void sendJobCompleted(TopicProbe probe, String jobId, String payload, String ceId) {
        probe.send("job-completed", jobId, payload,
                "ce_specversion", "1.0", "ce_id", ceId, "ce_type", "refinery.job-completed.v1",
                "ce_source", "/refinery/training-service", "ce_subject", jobId, "ce_time", Instant.now().toString(),
                "content-type", "application/json");
    }

    private static List<String> firstLines(String file, int n) {
        try (Stream<String> lines = Files.lines(repoRoot().resolve("examples/named-stories").resolve(file))) {
            return new ArrayList<>(lines.filter(l -> !l.isBlank()).limit(n).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
