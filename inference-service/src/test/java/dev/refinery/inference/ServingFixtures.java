package dev.refinery.inference;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** A LoRA adapter of the example task trained for real, uploaded like training-service stores one, and the registry's events. */
final class ServingFixtures {

    /** The request format of the example task (examples/named-stories). */
    static final String STORY_REQUEST = "Write a story about a girl named Mia.";
    private static final Map<Integer, Path> adapters = new HashMap<>();

    private ServingFixtures() {
    }

    static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/named-stories")) && Files.isDirectory(p.resolve("models/stories260K"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** stories260K + LoRA trained on the example task's first 30 conversations for {@code epochs} epochs; once per test run. */
    static synchronized Path trainedAdapter(int epochs) {
        return adapters.computeIfAbsent(epochs, n -> {
            LanguageModel base = LanguageModel.load(repoRoot().resolve("models/stories260K"));
            List<TrainingExample> train;
            try (Stream<String> lines = Files.lines(repoRoot().resolve("examples/named-stories/train.jsonl"))) {
                train = lines.filter(l -> !l.isBlank()).limit(30)
                        .map(l -> TrainingExample.of(base.template().encodeForTraining(ChatJsonl.parseLine(l, 1)))).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TrainingResult r = new Trainer(base.weights(), TrainingConfig.defaults().withEpochs(n).withLearningRate(5e-3f))
                    .train(train, List.of(), TrainingListener.NONE, null);
            try {
                Path folder = Files.createTempDirectory("inference-test-adapter-" + n + "-");
                PeftAdapterIo.write(r.adapter(), folder, base.name(), base.fingerprint());
                return folder;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Waits until GET /v1/models lists {@code model} (the registry's events reach the service shortly), as the caller set. */
    static void awaitListed(String model) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!io.restassured.RestAssured.given().when().get("/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id")
                .contains(model)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(model + " never became servable");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Uploads the adapter under {@code jobs/<jobId>/adapter/}; returns that key. */
    static String uploadAdapter(ObjectStorage storage, String jobId, int epochs) {
        String prefix = "jobs/" + jobId + "/adapter/";
        try (Stream<Path> files = Files.list(trainedAdapter(epochs))) {
            for (Path f : files.toList()) {
                storage.put(prefix + f.getFileName(), Files.readAllBytes(f), "application/octet-stream");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prefix;
    }

    /** eval-service's model-registered for a job's adapter of stories260K (the contract's shape); returns the version id. */
    static String registerAdapter(TopicProbe probe, String tenant, String jobId, String key) {
        return registerAdapter(probe, tenant, jobId, key, "stories260K");
    }

    /** The same for an adapter of {@code baseModel}. */
    static String registerAdapter(TopicProbe probe, String tenant, String jobId, String key, String baseModel) {
        String version = "mv-" + hex();
        send(probe, "model-registered", version, "refinery.model-registered.v1", """
            {"tenant":"%s","modelVersionId":"%s","name":"%s+%s","jobId":"%s","datasetId":"ds-%s","baseModel":"%s",\
            "backend":"local","artifact":{"type":"lora-adapter","bucket":"refinery","key":"%s"},"registeredAt":"%s"}"""
                .formatted(tenant, version, baseModel, jobId, jobId, hex(), baseModel, key, Instant.now()));
        return version;
    }

    /** eval-service's model-registered for a model an operator's server answers (registered by hand). */
    static String registerServerModel(TopicProbe probe, String tenant, String server, String model, String baseModel) {
        String version = "mv-" + hex();
        send(probe, "model-registered", version, "refinery.model-registered.v1", """
            {"tenant":"%s","modelVersionId":"%s","name":"%s@%s","baseModel":"%s","backend":"endpoint:%s",\
            "artifact":{"type":"provider-model","providerModel":"%s"},"registeredBy":"ak_test","registeredAt":"%s"}"""
                .formatted(tenant, version, model, server, baseModel, server, model, Instant.now()));
        return version;
    }

    /** eval-service's model-registered for a model a provider keeps; returns the version id. */
    static String registerProviderModel(TopicProbe probe, String tenant) {
        String version = "mv-" + hex();
        String job = "ft-" + hex();
        send(probe, "model-registered", version, "refinery.model-registered.v1", """
            {"tenant":"%s","modelVersionId":"%s","name":"x","jobId":"%s","baseModel":"meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",\
            "backend":"together","artifact":{"type":"provider-model","providerModel":"acme/llama-ft-1"},"registeredAt":"%s"}"""
                .formatted(tenant, version, job, Instant.now()));
        return version;
    }

    /** eval-service's model-promoted (v2): {@code alias} of {@code tenant} now names the adapter version (of stories260K). */
    static void promote(TopicProbe probe, String tenant, String alias, String version, String jobId, String key) {
        promote(probe, tenant, alias, version, jobId, key, "stories260K");
    }

    static void promote(TopicProbe probe, String tenant, String alias, String version, String jobId, String key, String baseModel) {
        send(probe, "model-promoted", tenant + "/" + alias, "refinery.model-promoted.v2", """
            {"tenant":"%s","alias":"%s","action":"promote","modelVersionId":"%s","model":{"baseModel":"%s","jobId":"%s",\
            "datasetId":"ds-%s","backend":"local","artifact":{"type":"lora-adapter","bucket":"refinery","key":"%s"}},"automatic":true,\
            "actor":"eval-service","reason":"passed the policy","promotedAt":"%s"}"""
                .formatted(tenant, alias, version, baseModel, jobId, hex(), key, Instant.now()));
    }

    /** eval-service's model-promoted (v2): {@code alias} of {@code tenant} now names a model an operator's server answers. */
    static void promoteServerModel(TopicProbe probe, String tenant, String alias, String version, String server, String model, String baseModel) {
        send(probe, "model-promoted", tenant + "/" + alias, "refinery.model-promoted.v2", """
            {"tenant":"%s","alias":"%s","action":"promote","modelVersionId":"%s","model":{"baseModel":"%s","backend":"endpoint:%s",\
            "artifact":{"type":"provider-model","providerModel":"%s"}},"automatic":false,"actor":"ak_test","reason":"by hand",\
            "promotedAt":"%s"}"""
                .formatted(tenant, alias, version, baseModel, server, model, Instant.now()));
    }

    /** Sends a registry event after checking it against its contract, so the fixtures say only what eval-service may say. */
    private static void send(TopicProbe probe, String topic, String key, String type, String payload) {
        ContractSchemas.assertValid(topic, Integer.parseInt(type.substring(type.lastIndexOf(".v") + 2)), payload);
        probe.send(topic, key, payload, "ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(), "ce_type", type,
                "ce_source", "/refinery/eval-service", "ce_subject", key, "ce_time", Instant.now().toString(),
                "content-type", "application/json");
    }
}
