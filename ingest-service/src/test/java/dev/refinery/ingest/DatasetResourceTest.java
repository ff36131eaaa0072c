package dev.refinery.ingest;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ingest-service against a real Kafka broker, S3 server and PostgreSQL (deploy/local). */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DatasetResourceTest {

    private static final String JSONL = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n"
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"},{\"role\":\"assistant\",\"content\":\"\u6771\u4eac\"}]}";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void anUploadIsStoredCountedAndAnnouncedOnce() throws Exception {
        byte[] body = JSONL.getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        String id = given().contentType("application/x-ndjson").body(body)
                .when().post("/datasets?name=greetings")
                .then().statusCode(201)
                .header("Location", containsString("/datasets/ds-"))
                .body("id", matchesPattern("ds-[0-9a-f]{32}"))
                .body("bytes", equalTo(body.length))
                .body("lines", equalTo(2))
                .body("sha256", equalTo(sha))
                .extract().path("id");

        String key = given().when().get("/datasets/" + id).then().statusCode(200).extract().path("objectKey");
        assertArrayEquals(body, storage.read(key), "the stored object is the uploaded bytes");

        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(20));
        assertEquals("refinery.dataset-uploaded.v1", TopicProbe.header(event, "ce_type"));
        assertEquals(id, TopicProbe.header(event, "ce_subject"));
        assertEquals("/refinery/ingest-service", TopicProbe.header(event, "ce_source"));
        ContractSchemas.assertValid("dataset-uploaded", event.value());

        List<ConsumerRecord<String, String>> all = new TopicProbe(kafka).all("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(3));
        assertEquals(1, all.size(), "exactly one event per dataset");
    }

    @Test
    void aDatasetIsListedInItsWindowAndAnnouncedAgainOnRequest() {
        byte[] body = JSONL.getBytes(StandardCharsets.UTF_8);
        String id = given().contentType("application/x-ndjson").body(body).when().post("/datasets?name=window")
                .then().statusCode(201).extract().path("id");
        String createdAt = given().when().get("/datasets/" + id).then().statusCode(200).extract().path("createdAt");
        java.time.Instant at = java.time.OffsetDateTime.parse(createdAt).toInstant();

        List<String> inWindow = given().queryParam("since", at.toString()).queryParam("until", at.plusMillis(1).toString())
                .when().get("/datasets").then().statusCode(200).extract().jsonPath().getList("id", String.class);
        assertEquals(List.of(id), inWindow);
        List<String> before = given().queryParam("until", at.toString()).when().get("/datasets").then().statusCode(200)
                .extract().jsonPath().getList("id", String.class);
        assertEquals(false, before.contains(id), "until is exclusive");
        given().queryParam("since", "yesterday").when().get("/datasets").then().statusCode(400)
                .body("code", equalTo("TIME_WINDOW_INVALID")).body("field", equalTo("since"));

        // Announcing is internal: reconciliation (one of Refinery's services) asks for it.
        String service = TestIdentity.service("validation-service");
        given().header(IdentityTokens.HEADER, service).when().post("/datasets/" + id + "/announce").then().statusCode(202)
                .body("id", equalTo(id)).body("topic", equalTo("dataset-uploaded"));
        List<ConsumerRecord<String, String>> events = new TopicProbe(kafka).all("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(5));
        assertEquals(2, events.size(), "the upload's event, then its repeat");
        assertEquals(events.get(0).value(), events.get(1).value(), "the same content");
        assertEquals(false, TopicProbe.header(events.get(0), "ce_id").equals(TopicProbe.header(events.get(1), "ce_id")), "a new event id");
        given().header(IdentityTokens.HEADER, service).when().post("/datasets/ds-00000000000000000000000000000000/announce").then().statusCode(404)
                .body("code", equalTo("DATASET_NOT_FOUND"));
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameDataset() {
        String idempotencyKey = UUID.randomUUID().toString();
        byte[] body = JSONL.getBytes(StandardCharsets.UTF_8);
        String first = given().contentType("application/x-ndjson").header("Idempotency-Key", idempotencyKey).body(body)
                .when().post("/datasets").then().statusCode(201).extract().path("id");
        String second = given().contentType("application/x-ndjson").header("Idempotency-Key", idempotencyKey).body(body)
                .when().post("/datasets").then().statusCode(200).extract().path("id");
        assertEquals(first, second);
    }

    @Test
    void anOversizedIdempotencyKeyIsRefusedNamingTheHeaderAndNothingIsStored() {
        given().contentType("application/x-ndjson").header("Idempotency-Key", "k".repeat(201)).body(JSONL.getBytes(StandardCharsets.UTF_8))
                .when().post("/datasets?name=oversized-key").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("IDEMPOTENCY_KEY_INVALID"))
                .body("field", org.hamcrest.Matchers.equalTo("Idempotency-Key"));
    }

    @Test
    void anEmptyUploadIsABadRequestWithAProblemBody() {
        given().contentType("application/x-ndjson").body(new byte[0])
                .when().post("/datasets")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("DATASET_EMPTY"))
                .body("status", equalTo(400))
                .body("detail", containsString("empty"));
    }

    @Test
    void anUploadOverTheLimitIsRefusedAndNothingIsKept() {
        byte[] big = new byte[2 * 1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        given().contentType("application/x-ndjson").body(big)
                .when().post("/datasets?name=too-big")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("code", equalTo("DATASET_TOO_LARGE"))
                .body("limitBytes", equalTo(2 * 1024 * 1024));
        assertEquals(List.of(), storage.list("datasets/").stream().filter(k -> k.endsWith("/too-big.jsonl")).toList());
    }

    @Test
    void aWrongContentTypeIs415() {
        given().contentType(ContentType.JSON).body("{\"a\":1}")
                .when().post("/datasets")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void unknownAndMalformedIdsGetClearAnswers() {
        given().when().get("/datasets/ds-00000000000000000000000000000000")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("DATASET_NOT_FOUND"));
        given().when().get("/datasets/nope")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("DATASET_ID_INVALID"));
    }

    @Test
    void healthAndMetricsAndOpenApiAreServed() {
        given().contentType("application/x-ndjson").body(JSONL.getBytes(StandardCharsets.UTF_8)).when().post("/datasets").then().statusCode(201);
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("object-storage"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("refinery_ingest_uploads_total"))
                .body(containsString("refinery_outbox_events_recorded_total"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/datasets"));
    }
}
