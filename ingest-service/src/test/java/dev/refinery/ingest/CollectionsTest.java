package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.Isolation;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Collections and the HTTP batch of examples, on the real PostgreSQL and Kafka: a tenant's own collections only, each example
 * validated with the upload's rules and answered one by one, stored once per producer and idempotency id, refusals in
 * the rejection log and on examples-rejected, and every malformed request a stable code with nothing kept.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class CollectionsTest {

    static final String UNKNOWN = "col-00000000000000000000000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private final String tenantA = "coll-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String tenantB = "coll-b-" + UUID.randomUUID().toString().substring(0, 8);

    static RequestSpecification as(String tenant) {
        return given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE));
    }

    static String chat(String question) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"},{\"role\":\"assistant\",\"content\":\"an answer\"}]}";
    }

    static String envelope(String producer, String id, String example) {
        return "{\"producerId\":\"" + producer + "\",\"idempotencyId\":\"" + id + "\",\"example\":" + example + "}";
    }

    static String create(String tenant, String body) {
        return as(tenant).contentType("application/json").body(body).when().post("/collections")
                .then().statusCode(201).extract().path("id");
    }

    /** A count the collection's view shows: examples, unsealed, rejections. */
    static long count(String tenant, String collection, String what) {
        return ((Number) as(tenant).when().get("/collections/" + collection).then().statusCode(200).extract().path(what)).longValue();
    }

    private static Response send(String tenant, String collection, String contentType, String body) {
        return as(tenant).contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).when().post("/collections/" + collection + "/examples");
    }

    @Test
    void aCollectionIsCreatedWithAnUploadsCheckOptionsCanonicalised() {
        Response created = as(tenantA).contentType("application/json")
                .body("{\"name\": \"support\", \"target\": \"together\", \"model\": \"LLAMA-3.1-8B\", \"splits\": \"90/10\", \"epochs\": 3}")
                .when().post("/collections");
        created.then().statusCode(201).header("Location", endsWith("/collections/" + created.path("id")))
                .body("name", equalTo("support")).body("checks.target", equalTo("together")).body("checks.splits", equalTo("90/10/0"))
                .body("checks.epochs", equalTo(3)).body("examples", equalTo(0)).body("rejections", equalTo(0));
        String id = created.path("id");
        as(tenantA).when().get("/collections/" + id).then().statusCode(200).body("id", equalTo(id)).body("checks.model", not(nullValue()));
        as(tenantA).when().get("/collections").then().statusCode(200).body("id", hasItem(id));
        as(tenantA).contentType("application/json").body("{\"name\": \"plain\"}").when().post("/collections")
                .then().statusCode(201).body("checks", nullValue());
    }

    @Test
    void badCollectionRequestsAreRefusedWithStableCodesAndNothingCreated() {
        as(tenantA).contentType("application/json").body("{\"name\": \"x\", \"target\": \"azure\"}").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("CHECK_OPTION_INVALID")).body("field", equalTo("target"));
        as(tenantA).contentType("application/json").body("{\"name\": \"x\", \"model\": \"no-such-model\", \"target\": \"together\"}")
                .when().post("/collections").then().statusCode(400).body("code", equalTo("CATALOG_MODEL_UNKNOWN"));
        as(tenantA).contentType("application/json").body("{\"target\": \"local\"}").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("COLLECTION_NAME_INVALID"));
        as(tenantA).contentType("application/json").body("{\"name\": \"" + "n".repeat(201) + "\"}").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("COLLECTION_NAME_INVALID"));
        as(tenantA).contentType("application/json").body("{\"name\": ").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("REQUEST_BODY_INVALID"));
        as(tenantA).contentType("application/json").body("{\"name\": \"x\", \"modle\": \"llama-3.1-8b\"}").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("REQUEST_BODY_INVALID"));
        as(tenantA).contentType("application/json").body("[1]").when().post("/collections")
                .then().statusCode(400).body("code", equalTo("REQUEST_BODY_INVALID"));
        as(tenantA).when().get("/collections").then().statusCode(200).body("$", hasSize(0));
        as(tenantA).when().get("/collections/col-1").then().statusCode(400).body("code", equalTo("COLLECTION_ID_INVALID"));
    }

    @Test
    void anotherTenantsCollectionIsAnsweredExactlyLikeAnUnknownOne() {
        String ofA = create(tenantA, "{\"name\": \"private\"}");
        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/collections/" + ofA), ofA, as(tenantB).when().get("/collections/" + UNKNOWN), UNKNOWN);
        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/collections/" + ofA + "/rejections"), ofA,
                as(tenantB).when().get("/collections/" + UNKNOWN + "/rejections"), UNKNOWN);
        String batch = "[" + envelope("p", "1", chat("not yours")) + "]";
        Isolation.assertAnsweredLikeUnknown(send(tenantB, ofA, "application/json", batch), ofA, send(tenantB, UNKNOWN, "application/json", batch), UNKNOWN);
        send(tenantB, ofA, "application/json", batch).then().statusCode(404).body("code", equalTo("COLLECTION_NOT_FOUND"));
        as(tenantB).when().get("/collections").then().statusCode(200).body("id", not(hasItem(ofA)));
        as(tenantA).when().get("/collections/" + ofA).then().body("examples", equalTo(0)).body("rejections", equalTo(0));
        given().header(IdentityTokens.HEADER, TestIdentity.service("validation-service")).contentType("application/json")
                .body("{\"name\": \"x\"}").when().post("/collections").then().statusCode(403).body("code", equalTo("IDENTITY_NOT_A_TENANT"));
    }

    @Test
    void eachExampleIsAnsweredAcceptedDuplicateOrRejectedWithItsReasons() throws Exception {
        String id = create(tenantA, "{\"name\": \"answers\"}");
        String invalid = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"robot\",\"content\":\"x\"}]}";
        String batch = "[" + envelope("crm", "1", chat("one")) + "," + envelope("crm", "2", invalid) + "," + envelope("crm", "1", chat("one"))
                + "," + envelope("crm", "3", "\"not an object\"") + "]";
        send(tenantA, id, "application/json", batch).then().statusCode(200)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(1)).body("rejected", equalTo(2))
                .body("results.status", equalTo(List.of("accepted", "rejected", "duplicate", "rejected")))
                .body("results[1].problems.code", hasItem("DATASET_ROLE_UNKNOWN"))
                .body("results[1].problems.find { it.code == 'DATASET_ROLE_UNKNOWN' }.path", equalTo("messages[1].role"))
                .body("results[1].problems[0].hint", not(nullValue()))
                .body("results[3].problems.code", equalTo(List.of("DATASET_LINE_NOT_OBJECT")));

        JsonNode log = JSON.readTree(as(tenantA).when().get("/collections/" + id + "/rejections").then().statusCode(200).extract().asString());
        assertEquals(2, log.size(), log.toString());
        JsonNode roleEntry = log.get(1); // newest first: "3" was refused after "2"
        assertEquals("2", roleEntry.get("idempotencyId").asText());
        assertEquals("crm", roleEntry.get("producerId").asText());
        assertEquals("http", roleEntry.get("via").asText());
        assertEquals("DATASET_ROLE_UNKNOWN", roleEntry.get("problems").get(0).get("code").asText());

        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("examples-rejected",
                r -> id.equals(r.key()) && r.value().contains("\"idempotencyId\":\"2\""), Duration.ofSeconds(20));
        ContractSchemas.assertValid("examples-rejected", event.value());
        assertEquals(tenantA, JSON.readTree(event.value()).get("tenant").asText());
        assertEquals("refinery.examples-rejected.v1", TopicProbe.header(event, "ce_type"));

        // The producer retries the whole batch: nothing is stored or logged twice.
        send(tenantA, id, "application/json", batch).then().statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(2))
                .body("rejected", equalTo(2));
        as(tenantA).when().get("/collections/" + id).then().body("examples", equalTo(1)).body("rejections", equalTo(2));
        assertEquals(1, new TopicProbe(kafka).all("examples-rejected", r -> id.equals(r.key()) && r.value().contains("\"idempotencyId\":\"2\""),
                Duration.ofSeconds(3)).size(), "a refusal is announced once");
    }

    @Test
    void anIdempotencyIdReusedForAnotherExampleIsRefusedAndTheFirstKept() {
        String id = create(tenantA, "{\"name\": \"reuse\"}");
        send(tenantA, id, "application/x-ndjson", envelope("crm", "7", chat("first")) + "\n").then().statusCode(200).body("accepted", equalTo(1));
        send(tenantA, id, "application/x-ndjson", envelope("crm", "7", chat("second")) + "\n").then().statusCode(200)
                .body("rejected", equalTo(1)).body("results[0].problems[0].code", equalTo("EXAMPLE_IDEMPOTENCY_ID_REUSED"));
        // Another producer's id 7 is another example.
        send(tenantA, id, "application/x-ndjson", envelope("erp", "7", chat("second")) + "\n").then().statusCode(200).body("accepted", equalTo(1));
        as(tenantA).when().get("/collections/" + id).then().body("examples", equalTo(2)).body("rejections", equalTo(1));
    }

    @Test
    void theCollectionsCheckOptionsDecide() {
        String fireworks = create(tenantA, "{\"name\": \"fw\", \"target\": \"fireworks\"}");
        String together = create(tenantA, "{\"name\": \"tg\", \"target\": \"together\"}");
        String instruction = envelope("p", "1", "{\"prompt\":\"2+2?\",\"completion\":\"4\"}");
        send(tenantA, fireworks, "application/json", "[" + instruction + "]").then().body("rejected", equalTo(1));
        send(tenantA, together, "application/json", "[" + instruction + "]").then().body("accepted", equalTo(1));
    }

    @Test
    void theFirstValidExamplePinsTheCollectionsFormatAndOthersAreRefusedAsAFileWouldBe() {
        String id = create(tenantA, "{\"name\": \"one-format\", \"target\": \"together\"}");
        send(tenantA, id, "application/json", "[" + envelope("p", "bad", "{\"prompt\": 1}") + "," + envelope("p", "1", chat("first")) + ","
                + envelope("p", "2", "{\"prompt\":\"2+2?\",\"completion\":\"4\"}") + "]").then().statusCode(200)
                .body("results.status", equalTo(List.of("rejected", "accepted", "rejected")))
                .body("results[2].problems[0].code", equalTo("DATASET_FORMAT_MIXED"));
        as(tenantA).when().get("/collections/" + id).then().body("format", equalTo("conversation")).body("examples", equalTo(1));
    }

    @Test
    void malformedBatchesAreRefusedAsAWholeWithStableCodesAndNothingKept() {
        String id = create(tenantA, "{\"name\": \"malformed\"}");
        String good = envelope("p", "ok", chat("fine"));
        send(tenantA, id, "application/json", "[" + good + ", {\"producerId\": ").then().statusCode(400).body("code", equalTo("EXAMPLE_BATCH_NOT_JSON"));
        send(tenantA, id, "application/json", "[" + good + ", {\"idempotencyId\": \"2\", \"example\": {}}]").then().statusCode(400)
                .body("code", equalTo("EXAMPLE_ENVELOPE_INVALID")).body("item", equalTo(1)).body("field", equalTo("producerId"));
        send(tenantA, id, "application/json", "[" + good + ", {\"producerId\": \"p\", \"idempotencyId\": \"2\"}]").then().statusCode(400)
                .body("code", equalTo("EXAMPLE_ENVELOPE_INVALID")).body("field", equalTo("example"));
        send(tenantA, id, "application/json", "[" + good + ", 42]").then().statusCode(400).body("code", equalTo("EXAMPLE_ENVELOPE_INVALID"));
        send(tenantA, id, "application/json", "[]").then().statusCode(400).body("code", equalTo("EXAMPLE_BATCH_EMPTY"));
        send(tenantA, id, "application/x-ndjson", "\n").then().statusCode(400).body("code", equalTo("EXAMPLE_BATCH_EMPTY"));
        send(tenantA, id, "application/x-ndjson", (good + "\n").repeat(51)).then().statusCode(413)
                .body("code", equalTo("EXAMPLE_BATCH_TOO_LARGE")).body("limitItems", equalTo(50));
        send(tenantA, id, "application/json", "[" + envelope("p", "big", "{\"text\":\"" + "x".repeat(70_000) + "\"}") + "]").then().statusCode(413)
                .body("code", equalTo("EXAMPLE_BATCH_TOO_LARGE")).body("limitBytes", equalTo(65536));
        send(tenantA, UNKNOWN, "application/json", "[" + good + "]").then().statusCode(404).body("code", equalTo("COLLECTION_NOT_FOUND"));
        send(tenantA, "col-x", "application/json", "[" + good + "]").then().statusCode(400).body("code", equalTo("COLLECTION_ID_INVALID"));
        as(tenantA).when().get("/collections/" + id).then().body("examples", equalTo(0)).body("rejections", equalTo(0));
        assertFalse(as(tenantA).when().get("/collections/" + id + "/rejections").asString().contains("ok"));
    }
}
