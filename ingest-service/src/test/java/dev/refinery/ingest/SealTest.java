package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.Isolation;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.refinery.ingest.CollectionsTest.as;
import static dev.refinery.ingest.CollectionsTest.chat;
import static dev.refinery.ingest.CollectionsTest.create;
import static dev.refinery.ingest.CollectionsTest.envelope;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Sealing by hand, on the real PostgreSQL, S3 and Kafka: the examples since the last seal become a dataset announced like
 * an upload, each example in exactly one version, versions numbered with their predecessor and producers.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class SealTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private final String tenant = "seal-" + UUID.randomUUID().toString().substring(0, 8);
    private final String other = "seal-other-" + UUID.randomUUID().toString().substring(0, 8);

    private void send(String collection, String... envelopes) {
        as(tenant).contentType("application/json").body("[" + String.join(",", envelopes) + "]").when()
                .post("/collections/" + collection + "/examples").then().statusCode(200);
    }

    private Response seal(String who, String collection) {
        return as(who).when().post("/collections/" + collection + "/seal");
    }

    /** What validation-service leaves of a version: its report, and for a VALID one its test split. */
    private void validated(String datasetId, boolean valid) {
        storage.put("datasets/" + datasetId + "/validated/report.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        if (valid) {
            storage.put("datasets/" + datasetId + "/validated/test.jsonl", (chat("held out") + "\n").getBytes(StandardCharsets.UTF_8),
                    "application/x-ndjson");
        }
    }

    private String object(String datasetId) throws Exception {
        String key = as(tenant).when().get("/datasets/" + datasetId).then().statusCode(200).extract().path("objectKey");
        try (InputStream in = storage.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theExamplesSinceTheLastSealBecomeADatasetAnnouncedLikeAnUploadEachInOneVersion() throws Exception {
        String id = create(tenant, "{\"name\": \"support\", \"target\": \"together\", \"splits\": \"80/10/10\"}");
        send(id, envelope("crm", "1", chat("one")), envelope("erp", "1", chat("two")),
                envelope("crm", "2", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"), envelope("crm", "3", chat("three")));

        Response first = seal(tenant, id);
        first.then().statusCode(201).body("version", equalTo(1)).body("examples", equalTo(3)).body("previousDatasetId", nullValue())
                .body("producers", equalTo(List.of("crm", "erp")));
        String v1 = first.path("datasetId");
        first.then().header("Location", endsWith("/datasets/" + v1));
        assertEquals(chat("one") + "\n" + chat("two") + "\n" + chat("three") + "\n", object(v1), "arrival order, valid examples only");
        as(tenant).when().get("/datasets/" + v1).then().body("lines", equalTo(3)).body("name", equalTo("support"))
                .body("checks.target", equalTo("together")).body("parentDatasetId", nullValue());
        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> v1.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("dataset-uploaded", event.value());
        JsonNode uploaded = JSON.readTree(event.value());
        assertEquals(tenant, uploaded.get("tenant").asText());
        assertEquals("together", uploaded.get("checks").get("target").asText());
        assertEquals(id, uploaded.get("collectionId").asText(), "a version names its collection");
        assertEquals("80/10/10", uploaded.get("checks").get("splits").asText());
        assertFalse(uploaded.get("checks").has("testSet"), "the first version is split like an upload");

        seal(tenant, id).then().statusCode(422).body("code", equalTo("COLLECTION_NOTHING_TO_SEAL"));

        send(id, envelope("crm", "1", chat("one")), envelope("crm", "4", chat("four"))); // a retry of a sealed one, and a new one
        seal(tenant, id).then().statusCode(409).body("code", equalTo("COLLECTION_VERSION_PENDING")); // v1's test split not known yet
        validated(v1, true);
        Response second = seal(tenant, id);
        second.then().statusCode(201).body("version", equalTo(2)).body("examples", equalTo(1)).body("previousDatasetId", equalTo(v1))
                .body("producers", equalTo(List.of("crm")));
        assertEquals(chat("four") + "\n", object(second.path("datasetId")), "a sealed example is never sealed again");
        String v2 = second.path("datasetId");
        JsonNode later = JSON.readTree(new TopicProbe(kafka).await("dataset-uploaded", r -> v2.equals(r.key()), Duration.ofSeconds(20)).value());
        ContractSchemas.assertValid("dataset-uploaded", later.toString());
        assertEquals(v1, later.get("checks").get("testSet").get("datasetId").asText(), "the first version's test split, frozen");
        assertEquals("datasets/" + v1 + "/validated/test.jsonl", later.get("checks").get("testSet").get("objectKey").asText());
        assertEquals("89/11/0", later.get("checks").get("splits").asText(), "its own examples: train and validation only");
        as(tenant).when().get("/collections/" + id + "/versions").then().statusCode(200).body("version", equalTo(List.of(2, 1)))
                .body("datasetId[1]", equalTo(v1));
    }

    @Test
    void aCollectionWithSealEverySealsOnItsOwnOverHttpAndKafka() throws Exception {
        String id = create(tenant, "{\"name\": \"auto\", \"sealEvery\": 2}");
        as(tenant).when().get("/collections/" + id).then().body("sealEvery", equalTo(2));
        send(id, envelope("p", "1", chat("a")));
        as(tenant).when().get("/collections/" + id).then().body("unsealed", equalTo(1));
        as(tenant).when().get("/collections/" + id + "/versions").then().body("$", org.hamcrest.Matchers.hasSize(0));
        send(id, envelope("p", "1", chat("a")), envelope("p", "2", chat("b"))); // a duplicate does not count, the new one does
        as(tenant).when().get("/collections/" + id + "/versions").then().body("version", equalTo(List.of(1))).body("examples", equalTo(List.of(2)));
        as(tenant).when().get("/collections/" + id).then().body("unsealed", equalTo(0)).body("examples", equalTo(2));

        validated(as(tenant).when().get("/collections/" + id + "/versions").jsonPath().getString("datasetId[0]"), false); // INVALID
        TopicProbe probe = new TopicProbe(kafka);
        for (String n : List.of("3", "4")) {
            probe.send("examples", id, "{\"tenant\":\"" + tenant + "\",\"collectionId\":\"" + id + "\",\"producerId\":\"k\",\"idempotencyId\":\""
                    + n + "\",\"example\":" + chat(n) + "}");
        }
        awaitVersions(id, 2);
        as(tenant).when().get("/collections/" + id + "/versions").then().body("producers[0]", equalTo(List.of("k")));
    }

    @Test
    void aCountReachedWhoseSealNeverRanIsSealedByTheSweep() throws Exception {
        String id = create(tenant, "{\"name\": \"caught-up\"}");
        send(id, envelope("p", "1", chat("a")), envelope("p", "2", chat("b")), envelope("p", "3", chat("c")));
        // As if the count had been reached on a replica that stopped before its seal thread ran: 3 wait for a sealEvery of 2.
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> dev.refinery.ingest.repository.Collection
                .update("sealEvery = 2 where id = ?1", id));
        awaitVersions(id, 1);
        as(tenant).when().get("/collections/" + id + "/versions").then().body("examples", equalTo(List.of(3)));
    }

    private void awaitVersions(String collection, int count) throws InterruptedException {
        ExamplesTopicTest.await("version " + count + " of " + collection,
                () -> as(tenant).when().get("/collections/" + collection + "/versions").jsonPath().getList("version").size() >= count);
    }

    @Test
    void aCollectionWithSealAfterSealsOnceItsOldestExampleHasWaitedThatLongAndWaitsOutAPendingVersion() throws Exception {
        String id = create(tenant, "{\"name\": \"windowed\", \"sealAfter\": \"PT3S\"}");
        as(tenant).when().get("/collections/" + id).then().body("sealAfter", equalTo("PT3S"));
        send(id, envelope("p", "1", chat("a")));
        as(tenant).when().get("/collections/" + id + "/versions").then().body("$", org.hamcrest.Matchers.hasSize(0)); // not 3 s yet
        awaitVersions(id, 1);
        as(tenant).when().get("/collections/" + id + "/versions").then().body("examples", equalTo(List.of(1)));

        // Version 1 has no verdict: which test split to freeze is not known, so the sweep waits (409 COLLECTION_VERSION_PENDING).
        send(id, envelope("p", "2", chat("b")), envelope("p", "3", chat("c")));
        Thread.sleep(6000);
        as(tenant).when().get("/collections/" + id + "/versions").then().body("version", equalTo(List.of(1)));
        as(tenant).when().get("/collections/" + id).then().body("unsealed", equalTo(2));
        validated(as(tenant).when().get("/collections/" + id + "/versions").jsonPath().getString("datasetId[0]"), true);
        awaitVersions(id, 2);
        as(tenant).when().get("/collections/" + id + "/versions").then().body("examples", equalTo(List.of(2, 1)));
    }

    @Test
    void aBadSealAfterIsRefusedNamingTheField() {
        for (String bad : List.of("\"P1Y\"", "\"PT0.5S\"", "\"PT1.5S\"", "\"P366D\"", "\"soon\"", "\"-PT5M\"", "60")) {
            as(tenant).contentType("application/json").body("{\"name\": \"n\", \"sealAfter\": " + bad + "}").when().post("/collections")
                    .then().statusCode(400).body("code", equalTo("COLLECTION_SEAL_AFTER_INVALID")).body("field", equalTo("sealAfter"));
        }
        as(tenant).when().get("/collections").then().body("$", org.hamcrest.Matchers.hasSize(0));
    }

    @Test
    void aBadSealEveryIsRefusedNamingTheField() {
        for (String bad : List.of("0", "\"x\"", "1000001", "-3")) {
            as(tenant).contentType("application/json").body("{\"name\": \"n\", \"sealEvery\": " + bad + "}").when().post("/collections")
                    .then().statusCode(400).body("code", equalTo("COLLECTION_SEAL_EVERY_INVALID")).body("field", equalTo("sealEvery"));
        }
    }

    @Test
    void twoSealsAtOnceMakeOneVersion() {
        String id = create(tenant, "{\"name\": \"race\"}");
        send(id, envelope("p", "1", chat("a")), envelope("p", "2", chat("b")));
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> seal(tenant, id).statusCode());
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> seal(tenant, id).statusCode());
        assertEquals(List.of(201, 422), java.util.stream.Stream.of(a.join(), b.join()).sorted().toList());
        as(tenant).when().get("/collections/" + id + "/versions").then().body("examples", equalTo(List.of(2)));
    }

    @Test
    void anotherTenantCannotSealOrReadVersionsAndAnEmptyCollectionHasNothingToSeal() {
        String id = create(tenant, "{\"name\": \"mine\"}");
        send(id, envelope("p", "1", chat("a")));
        Isolation.assertAnsweredLikeUnknown(seal(other, id), id, seal(other, CollectionsTest.UNKNOWN), CollectionsTest.UNKNOWN);
        Isolation.assertAnsweredLikeUnknown(as(other).when().get("/collections/" + id + "/versions"), id,
                as(other).when().get("/collections/" + CollectionsTest.UNKNOWN + "/versions"), CollectionsTest.UNKNOWN);
        as(tenant).when().get("/collections/" + id + "/versions").then().statusCode(200).body("$", org.hamcrest.Matchers.hasSize(0));
        seal(tenant, create(tenant, "{\"name\": \"empty\"}")).then().statusCode(422).body("code", equalTo("COLLECTION_NOTHING_TO_SEAL"));
    }
}
