package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import dev.refinery.training.repository.Dataset;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** What the service tests share: events with CloudEvents headers, small datasets in S3, waiting for effects. */
public final class TestStack {

    private final TopicProbe probe;
    private final ObjectStorage storage;

    public TestStack(String kafka, ObjectStorage storage) {
        this.probe = new TopicProbe(kafka);
        this.storage = storage;
    }

    public TopicProbe probe() {
        return probe;
    }

    /** A fresh 32-hex-digit id part. */
    public static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String newDatasetId() {
        return "ds-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Sends an event as a Refinery producer would; returns its ce_id. */
    public String send(String topic, String key, String json) {
        String ceId = UUID.randomUUID().toString();
        send(topic, key, json, ceId);
        return ceId;
    }

    public void send(String topic, String key, String json, String ceId) {
        probe.send(topic, key, json, "ce_specversion", "1.0", "ce_id", ceId, "ce_type", "refinery." + topic + ".v1",
                "ce_source", "/refinery/test", "ce_subject", key, "ce_time", OffsetDateTime.now(ZoneOffset.UTC).toString());
    }

    /**
     * A VALID dataset as validation-service would leave it: the first lines of the named-stories example
     * at the split keys in S3, and its dataset-validated event consumed.
     */
    public String validDataset(int trainLines, int validationLines) {
        return validDataset(TestIdentity.DEFAULT_TENANT, trainLines, validationLines);
    }

    /** As {@link #validDataset(int, int)}, uploaded by {@code tenant}: only its jobs may train on it. */
    public String validDataset(String tenant, int trainLines, int validationLines) {
        return collectionVersion(tenant, null, trainLines, validationLines);
    }

    /** As {@link #validDataset(String, int, int)}, a version sealed from {@code collectionId} (null: an upload). */
    public String collectionVersion(String tenant, String collectionId, int trainLines, int validationLines) {
        return collectionVersion(tenant, collectionId, trainLines, validationLines, 0);
    }

    /** The same with a test split of {@code testLines} (0: none), as a version with a frozen test set has. */
    public String collectionVersion(String tenant, String collectionId, int trainLines, int validationLines, int testLines) {
        String id = newDatasetId();
        String train = "datasets/" + id + "/validated/train.jsonl";
        String validation = "datasets/" + id + "/validated/validation.jsonl";
        storage.put(train, exampleLines("train.jsonl", trainLines), "application/x-ndjson");
        storage.put(validation, exampleLines("validation.jsonl", validationLines), "application/x-ndjson");
        if (testLines > 0) {
            storage.put("datasets/" + id + "/validated/test.jsonl", exampleLines("test.jsonl", testLines), "application/x-ndjson");
        }
        announceValid(tenant, collectionId, id, trainLines, validationLines, testLines);
        return id;
    }

    /**
     * eval-finished v3 as eval-service announces it (the golden sample, about {@code job} and evaluation {@code evalId}), in
     * the default tenant, its candidate scoring {@code candidateMetric} and the base model 0.0.
     */
    public void evalFinished(String evalId, String job, String dataset, String version, String outcome, String decision,
                             double candidateMetric) {
        evalFinished(evalId, job, dataset, version, outcome, decision, candidateMetric, Optional.empty());
    }

    /** The same, compared with the project's champion {@code champion} (null: the project had none, its first promotion). */
    public void evalFinishedAgainst(String champion, String evalId, String job, String dataset, String version, String outcome,
                                    String decision, double candidateMetric) {
        evalFinished(evalId, job, dataset, version, outcome, decision, candidateMetric, Optional.of(Optional.ofNullable(champion)));
    }

    /** {@code champion}: empty, the sample's; otherwise the champion given, or none. */
    private void evalFinished(String evalId, String job, String dataset, String version, String outcome, String decision,
                              double candidateMetric, Optional<Optional<String>> champion) {
        com.fasterxml.jackson.databind.node.ObjectNode e;
        try {
            e = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(ContractSchemas.sample("eval-finished", 3));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new AssertionError(x);
        }
        e.put("evalId", evalId).put("jobId", job).put("datasetId", dataset).put("candidateVersionId", version).put("outcome", outcome)
                .put("decision", decision).put("tenant", TestIdentity.DEFAULT_TENANT);
        ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("candidate")).put("metric", candidateMetric);
        ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("baseline")).put("metric", 0.0);
        e.putArray("reasons").add("pass: opening_match +" + candidateMetric + " over the base model");
        champion.ifPresent(c -> {
            if (c.isEmpty()) {
                e.remove(List.of("championVersionId", "champion", "championDifference"));
            } else {
                e.put("championVersionId", c.get());
            }
        });
        ContractSchemas.assertValid("eval-finished", 3, e.toString());
        probe.send("eval-finished", evalId, e.toString(), "ce_specversion", "1.0", "ce_id", java.util.UUID.randomUUID().toString(), "ce_type",
                "refinery.eval-finished.v3", "ce_source", "/refinery/eval-service", "ce_subject", evalId, "ce_time",
                OffsetDateTime.now(ZoneOffset.UTC).toString());
    }

    /** Feeds a VALID dataset-validated event (splits at the usual keys, whether or not they exist) and waits for it. */
    public void announceValid(String id, int trainLines, int validationLines) {
        announceValid(TestIdentity.DEFAULT_TENANT, id, trainLines, validationLines);
    }

    public void announceValid(String tenant, String id, int trainLines, int validationLines) {
        announceValid(tenant, null, id, trainLines, validationLines);
    }

    /** As {@link #announceValid(String, String, int, int)}, for a version of {@code collectionId} (null: an upload). */
    public void announceValid(String tenant, String collectionId, String id, int trainLines, int validationLines) {
        announceValid(tenant, collectionId, id, trainLines, validationLines, 0);
    }

    private void announceValid(String tenant, String collectionId, String id, int trainLines, int validationLines, int testLines) {
        String test = testLines == 0 ? "" : ", \"test\": {\"objectKey\": \"datasets/%s/validated/test.jsonl\", \"records\": %d}"
                .formatted(id, testLines);
        String event = """
                {"tenant": "%s",%s "datasetId": "%s", "status": "VALID", "records": %d, "validRecords": %d, "invalidRecords": 0, "problems": 0,
                 "bucket": "refinery", "reportKey": "datasets/%s/validated/report.json",
                 "splits": {"train": {"objectKey": "datasets/%s/validated/train.jsonl", "records": %d},
                            "validation": {"objectKey": "datasets/%s/validated/validation.jsonl", "records": %d}%s},
                 "validatedAt": "%s"}""".formatted(tenant, collectionId == null ? "" : " \"collectionId\": \"" + collectionId + "\",", id,
                trainLines + validationLines + testLines, trainLines + validationLines + testLines, id, id, trainLines, id,
                validationLines, test, OffsetDateTime.now(ZoneOffset.UTC));
        ContractSchemas.assertValid("dataset-validated", event);
        send("dataset-validated", id, event);
        awaitDataset(id);
    }

    /**
     * A VALID preference dataset made from the named-stories example: each request with its own story as the preferred
     * answer and another hero's story as the other one (the shape validation-service normalizes preference data to).
     */
    public String preferenceDataset(int trainPairs, int validationPairs) {
        return preferenceVersion(TestIdentity.DEFAULT_TENANT, null, trainPairs, validationPairs);
    }

    /** As {@link #preferenceDataset(int, int)}, a version sealed from {@code collectionId} (null: an upload). */
    public String preferenceVersion(String tenant, String collectionId, int trainPairs, int validationPairs) {
        String id = newDatasetId();
        storage.put("datasets/" + id + "/validated/train.jsonl", preferencePairs("train.jsonl", trainPairs), "application/x-ndjson");
        storage.put("datasets/" + id + "/validated/validation.jsonl", preferencePairs("validation.jsonl", validationPairs), "application/x-ndjson");
        announceValid(tenant, collectionId, id, trainPairs, validationPairs);
        return id;
    }

    private static byte[] preferencePairs(String file, int pairs) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            List<String> lines = Files.readAllLines(examples().resolve(file), StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < pairs; i++) {
                com.fasterxml.jackson.databind.JsonNode chat = json.readTree(lines.get(i)).get("messages");
                String chosen = chat.get(1).get("content").asText();
                String rejected = chosen;
                for (int k = 1; rejected.equals(chosen); k++) {
                    rejected = json.readTree(lines.get((i + 7 * k) % lines.size())).get("messages").get(1).get("content").asText();
                }
                out.append(json.writeValueAsString(Map.of(
                        "input", Map.of("messages", List.of(Map.of("role", "user", "content", chat.get(0).get("content").asText()))),
                        "preferred_output", List.of(Map.of("role", "assistant", "content", chosen)),
                        "non_preferred_output", List.of(Map.of("role", "assistant", "content", rejected))))).append('\n');
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read the example " + file + ": " + e, e);
        }
    }

    public String invalidDataset() {
        String id = newDatasetId();
        String event = ContractSchemas.sample("dataset-validated-invalid").replace("ds-0a1b2c3d4e5f60718293a4b5c6d7e8f9", id);
        send("dataset-validated", id, event);
        awaitDataset(id);
        return id;
    }

    public static Dataset awaitDataset(String id) {
        return await("dataset " + id + " in the read model", () -> QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findById(id)),
                Duration.ofSeconds(30));
    }

    public static byte[] exampleLines(String file, int lines) {
        try {
            List<String> all = Files.readAllLines(examples().resolve(file), StandardCharsets.UTF_8);
            return (String.join("\n", all.subList(0, lines)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read the example " + file + ": " + e, e);
        }
    }

    public static Path examples() {
        return ContractSchemas.contractsDir().getParent().resolve("examples/named-stories");
    }

    public static Path modelsDir() {
        return ContractSchemas.contractsDir().getParent().resolve("models");
    }

    /** The canonical states a job went through, in order, as GET /jobs/{id}/events tells them. */
    public static List<String> states(String jobId) {
        List<String> states = io.restassured.RestAssured.given().when().get("/jobs/" + jobId + "/events").then().statusCode(200).extract().path("state");
        return states.stream().filter(java.util.Objects::nonNull).toList();
    }

    /** A pipeline's runs, newest first, as GET /pipelines/{id}/runs tells them. */
    public static io.restassured.path.json.JsonPath runs(String pipeline) {
        return io.restassured.RestAssured.given().when().get("/pipelines/" + pipeline + "/runs").then().statusCode(200).extract().jsonPath();
    }

    /** Polls a pipeline's runs (2 minutes at most) until {@code done} holds for them. */
    public static io.restassured.path.json.JsonPath awaitRuns(String pipeline, java.util.function.Predicate<io.restassured.path.json.JsonPath> done) {
        return await("the runs of " + pipeline, () -> {
            io.restassured.path.json.JsonPath r = runs(pipeline);
            return done.test(r) ? r : null;
        }, Duration.ofSeconds(120));
    }

    /** Polls until {@code check} returns a non-null, non-false value. */
    public static <T> T await(String what, Supplier<T> check, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = check.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
