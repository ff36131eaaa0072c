package dev.refinery.validation;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Datasets, events and waits shared by the service tests. */
final class Fixtures {

    static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectStorage storage;
    private final TopicProbe probe;

    Fixtures(ObjectStorage storage, String kafka) {
        this.storage = storage;
        this.probe = new TopicProbe(kafka);
    }

    TopicProbe probe() {
        return probe;
    }

    static String newDatasetId() {
        return "ds-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String goodRecord(String tag, int i) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"You answer briefly.\"},{\"role\":\"user\",\"content\":\"" + tag + " question " + i
                + "\"},{\"role\":\"assistant\",\"content\":\"answer " + i + "\"}]}";
    }

    static List<String> goodRecords(String tag, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(goodRecord(tag, i));
        }
        return lines;
    }

    static String rawKey(String datasetId) {
        return "datasets/" + datasetId + "/raw/data.jsonl";
    }

    /** Stores the file as ingest-service would. */
    void putRaw(String key, List<String> lines) {
        storage.put(key, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    }

    static String uploadedEvent(String datasetId, String key) {
        return "{\"datasetId\":\"" + datasetId + "\",\"name\":\"test\",\"bucket\":\"refinery\",\"objectKey\":\"" + key
                + "\",\"bytes\":100,\"lines\":10,\"sha256\":\"" + "0".repeat(64) + "\",\"contentType\":\"application/x-ndjson\","
                + "\"uploadedAt\":\"2026-11-28T15:30:00Z\",\"someFutureField\":{\"x\":1}}";
    }

    /** A dataset-uploaded payload with more fields ({@code "checks": {...}}, {@code "parentDatasetId": ...}). */
    static String uploadedEvent(String datasetId, String name, String key, String extraFields) {
        return "{\"datasetId\":\"" + datasetId + "\",\"name\":\"" + name + "\",\"bucket\":\"refinery\",\"objectKey\":\"" + key
                + "\",\"bytes\":100,\"lines\":10,\"sha256\":\"" + "0".repeat(64) + "\",\"uploadedAt\":\"2026-11-28T15:30:00Z\""
                + (extraFields == null ? "" : "," + extraFields) + "}";
    }

    /** Stores a dataset and announces it with more fields (check options, a parent). */
    void upload(String datasetId, String name, List<String> lines, String extraFields) {
        putRaw(rawKey(datasetId), lines);
        sendUploaded(datasetId, uploadedEvent(datasetId, name, rawKey(datasetId), extraFields), UUID.randomUUID().toString());
    }

    /** Sends a dataset-uploaded event with CloudEvents headers; returns its ce_id. */
    String sendUploaded(String datasetId, String payload, String ceId) {
        probe.send("dataset-uploaded", datasetId, payload,
                "ce_specversion", "1.0", "ce_id", ceId, "ce_type", "refinery.dataset-uploaded.v1",
                "ce_source", "/refinery/ingest-service", "ce_subject", datasetId, "ce_time", Instant.now().toString(),
                "content-type", "application/json");
        return ceId;
    }

    String sendUploaded(String datasetId, String key) {
        return sendUploaded(datasetId, uploadedEvent(datasetId, key), UUID.randomUUID().toString());
    }

    /** Stores a dataset and announces it. */
    void upload(String datasetId, List<String> lines) {
        putRaw(rawKey(datasetId), lines);
        sendUploaded(datasetId, rawKey(datasetId));
    }

    ConsumerRecord<String, String> awaitValidated(String datasetId) {
        return probe.await("dataset-validated", r -> datasetId.equals(r.key()), EVENT_TIMEOUT);
    }

    /** The report once it is no longer PENDING or RUNNING. */
    static ValidatableResponse awaitReport(String datasetId) {
        return awaitReport(datasetId, null);
    }

    /** The report once its status is {@code wanted} (null: any finished one). */
    static ValidatableResponse awaitReport(String datasetId, String wanted) {
        return awaitReport(datasetId, wanted, TestIdentity.header(TestIdentity.DEFAULT_TENANT, Scope.ADMIN));
    }

    /** The report once finished, read by the caller {@code identity} ({@link TestIdentity}'s header value). */
    static ValidatableResponse awaitReport(String datasetId, String wanted, String identity) {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (true) {
            var response = given().header(IdentityTokens.HEADER, identity).when().get("/reports/" + datasetId);
            String status = response.statusCode() == 200 ? response.path("status") : null;
            if (status != null && (wanted == null ? !status.equals("PENDING") && !status.equals("RUNNING") : status.equals(wanted))) {
                return response.then();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("report of " + datasetId + " not finished within " + EVENT_TIMEOUT + ": " + response.asString());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The lines of a stored JSONL object, which must end each line (the last one too) with a newline. */
    List<String> readLines(String key) {
        String text = new String(storage.read(key), StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.endsWith("\n")) {
            throw new AssertionError(key + " does not end with a newline");
        }
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }
}
