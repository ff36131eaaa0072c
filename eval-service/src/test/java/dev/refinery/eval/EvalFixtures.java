package dev.refinery.eval;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.io.HfModelWriter;
import dev.refinery.engine.io.SpecialTokenIds;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import jakarta.persistence.EntityManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;

/**
 * What the upstream services would have left behind, made for real: a LoRA adapter and a full fine-tune trained by the
 * engine on a slice of the example task (as training-service would), a held-out test split (as
 * validation-service would), and job-completed events (v1 and v2) with CloudEvents headers.
 */
final class EvalFixtures {

    static final int TEST_ITEMS = 20;
    private static final Map<Integer, Path> adapters = new java.util.HashMap<>();
    private static Path fullModel;

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
    static Path trainedAdapter() {
        return trainedAdapter(2);
    }

    /** The same with {@code epochs} epochs, trained once per test run and epoch count: fewer epochs, a weaker model. */
    static synchronized Path trainedAdapter(int epochs) {
        return adapters.computeIfAbsent(epochs, n -> {
            Trained t = trainOnTheTask(TrainingConfig.defaults().withEpochs(n).withLearningRate(5e-3f));
            Path folder = scratch("eval-test-adapter-" + n + "-epochs-");
            PeftAdapterIo.write(t.result().adapter(), folder, t.base().name(), t.base().fingerprint());
            return folder;
        });
    }

    /**
     * A full fine-tune of stories260K, every weight trained (30 conversations, 2 epochs), written as a Hugging Face folder
     * (config.json + model.safetensors) the way training-service stores one; trained once per test run.
     */
    static synchronized Path trainedFullModel() {
        if (fullModel == null) {
            Trained t = trainOnTheTask(TrainingConfig.defaults().withFullFineTuning().withEpochs(2).withLearningRate(1e-3f));
            fullModel = scratch("eval-test-full-model-");
            int bos = t.base().tokenizer().bosId();
            int eos = t.base().tokenizer().eosId();
            HfModelWriter.write(t.result().weights(), fullModel, new SpecialTokenIds(bos >= 0 ? bos : null, eos >= 0 ? List.of(eos) : List.of()));
        }
        return fullModel;
    }

    /** stories260K and what training it on the example task's first 30 conversations with {@code config} gave. */
    private record Trained(LanguageModel base, TrainingResult result) {
    }

    private static Trained trainOnTheTask(TrainingConfig config) {
        LanguageModel base = LanguageModel.load(repoRoot().resolve("models/stories260K"));
        List<TrainingExample> train = firstLines("train.jsonl", 30).stream()
                .map(line -> TrainingExample.of(base.template().encodeForTraining(ChatJsonl.parseLine(line, 1))))
                .toList();
        return new Trained(base, new Trainer(base.weights(), config).train(train, List.of(), TrainingListener.NONE, null));
    }

    private static Path scratch(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads the trained adapter under {@code jobs/<jobId>/adapter/}; returns that key. */
    static String uploadAdapter(ObjectStorage storage, String jobId) {
        return uploadAdapter(storage, jobId, 2);
    }

    /** Uploads the adapter trained for {@code epochs} epochs under {@code jobs/<jobId>/adapter/}; returns that key. */
    static String uploadAdapter(ObjectStorage storage, String jobId, int epochs) {
        return upload(storage, trainedAdapter(epochs), "jobs/" + jobId + "/adapter/");
    }

    /** Uploads the fully fine-tuned model under {@code jobs/<jobId>/model/}; returns that key. */
    static String uploadFullModel(ObjectStorage storage, String jobId) {
        return upload(storage, trainedFullModel(), "jobs/" + jobId + "/model/");
    }

    private static String upload(ObjectStorage storage, Path folder, String prefix) {
        try (Stream<Path> files = Files.list(folder)) {
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

    /** The held-out items of {@link #uploadTestSplit}: each one's user request and reference reply. */
    static List<List<String>> testItems() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<List<String>> items = new ArrayList<>();
        try {
            for (String line : firstLines("test.jsonl", TEST_ITEMS)) {
                com.fasterxml.jackson.databind.JsonNode m = json.readTree(line).get("messages");
                items.add(List.of(m.get(0).get("content").asText(), m.get(1).get("content").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return items;
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

    /** A job-completed v2 of a SUCCEEDED local job whose artifact ({@code lora-adapter} or {@code full-model}) is in our bucket. */
    static String succeededV2(String jobId, String datasetId, String artifactType, String key) {
        return """
            {"jobId":"%s","datasetId":"%s","baseModel":"stories260K","status":"SUCCEEDED","backend":"local","method":"sft",\
            "artifact":{"type":"%s","bucket":"refinery","key":"%s"},"steps":8,"finalTrainLoss":0.9,"completedAt":"2026-12-07T15:31:10Z"}"""
                .formatted(jobId, datasetId, artifactType, key);
    }

    /** The same event as {@code tenant}'s job (the field the producer adds; without it the job is the default tenant's). */
    static String ofTenant(String tenant, String payload) {
        return "{\"tenant\":\"" + tenant + "\"," + payload.substring(1);
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
        sendJobCompleted(probe, jobId, payload, ceId, 1);
    }

    /** Sends a job-completed of {@code version} (ce_type refinery.job-completed.v1 or .v2); returns its ce_id. */
    static String sendJobCompleted(TopicProbe probe, String jobId, String payload, int version) {
        String ceId = UUID.randomUUID().toString();
        sendJobCompleted(probe, jobId, payload, ceId, version);
        return ceId;
    }

    static void sendJobCompleted(TopicProbe probe, String jobId, String payload, String ceId, int version) {
        probe.send("job-completed", jobId, payload,
                "ce_specversion", "1.0", "ce_id", ceId, "ce_type", "refinery.job-completed.v" + version,
                "ce_source", "/refinery/training-service", "ce_subject", jobId, "ce_time", Instant.now().toString(),
                "content-type", "application/json");
    }

    static final Duration EVALUATION_TIMEOUT = Duration.ofSeconds(120);

    /** Polls the API until the job's (only) evaluation is COMPLETED or FAILED; as the default tenant. */
    static JsonPath awaitFinished(String jobId) {
        return awaitFinished(jobId, TestIdentity.header(TestIdentity.DEFAULT_TENANT, Scope.READ));
    }

    /** The same, as the caller whose identity header is {@code identity} (its job's tenant). */
    static JsonPath awaitFinished(String jobId, String identity) {
        long deadline = System.nanoTime() + EVALUATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath list = given().header(IdentityTokens.HEADER, identity).when().get("/evals?jobId=" + jobId)
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> evals = list.getList("$");
            if (!evals.isEmpty() && List.of("COMPLETED", "FAILED").contains(String.valueOf(evals.get(0).get("status")))) {
                return given().header(IdentityTokens.HEADER, identity).when().get("/evals/" + evals.get(0).get("id"))
                        .then().statusCode(200).extract().jsonPath();
            }
            sleep();
        }
        throw new AssertionError("no finished evaluation for " + jobId + " within " + EVALUATION_TIMEOUT);
    }

    /** Polls the API until evaluation {@code id} is COMPLETED or FAILED, as the tenant requests act for by default. */
    static JsonPath awaitEvaluation(String id) {
        long deadline = System.nanoTime() + EVALUATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath e = given().when().get("/evals/" + id).then().statusCode(200).extract().jsonPath();
            if (List.of("COMPLETED", "FAILED").contains(e.getString("status"))) {
                return e;
            }
            sleep();
        }
        throw new AssertionError("evaluation " + id + " did not finish within " + EVALUATION_TIMEOUT);
    }

    /** Waits until the consumer has recorded the event id in its inbox. */
    static void awaitProcessed(EntityManager em, String ceId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long n = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "SELECT count(*) FROM processed_event WHERE consumer = 'eval-service' AND event_id = ?1")
                    .setParameter(1, ceId).getSingleResult()).longValue());
            if (n == 1) {
                return;
            }
            sleep();
        }
        throw new AssertionError("job-completed " + ceId + " was not processed within 30 s");
    }

    /** The job's evaluations as the API lists them (none when no evaluation was requested). */
    static List<Map<String, Object>> evaluationsOf(String jobId) {
        return given().when().get("/evals?jobId=" + jobId).then().statusCode(200).extract().jsonPath().getList("$");
    }

    static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static List<String> firstLines(String file, int n) {
        try (Stream<String> lines = Files.lines(repoRoot().resolve("examples/named-stories").resolve(file))) {
            return new ArrayList<>(lines.filter(l -> !l.isBlank()).limit(n).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
