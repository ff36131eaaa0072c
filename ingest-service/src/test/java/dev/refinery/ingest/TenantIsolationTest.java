package dev.refinery.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.Isolation;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every dataset belongs to the tenant that uploaded it: another tenant cannot read, list, derive from or name it
 * (each such answer is the one for an id nobody has), idempotency keys are the tenant's own and bound to one request,
 * and the caller's tenant comes from its verified identity only. Real Kafka, S3 and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class TenantIsolationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
    private static final String UNKNOWN = "ds-00000000000000000000000000000000";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private final String tenantA = "tenant-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String tenantB = "tenant-b-" + UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification as(String tenant) {
        return given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE));
    }

    private static byte[] body(String text) {
        return String.format(RECORD, text).getBytes(StandardCharsets.UTF_8);
    }

    private static String upload(String tenant, String query) {
        return as(tenant).contentType("application/x-ndjson").body(body("hi " + UUID.randomUUID()))
                .when().post("/datasets?" + query).then().statusCode(201).extract().path("id");
    }

    @Test
    void anotherTenantsDatasetIsNotFoundExactlyLikeAnUnknownOne() {
        String ofA = upload(tenantA, "name=private");
        as(tenantA).when().get("/datasets/" + ofA).then().statusCode(200).body("id", equalTo(ofA));

        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/datasets/" + ofA), ofA,
                as(tenantB).when().get("/datasets/" + UNKNOWN), UNKNOWN);
        as(tenantB).when().get("/datasets/" + ofA).then().statusCode(404).body("code", equalTo("DATASET_NOT_FOUND"));
    }

    @Test
    void aTenantListsOnlyItsOwnDatasetsAndAServiceListsEveryTenants() {
        String ofA = upload(tenantA, "name=listed");
        String ofB = upload(tenantB, "name=listed");
        assertTrue(ids(as(tenantA).when().get("/datasets")).contains(ofA));
        assertFalse(ids(as(tenantB).when().get("/datasets")).contains(ofA), "B's newest datasets leave A's out");
        assertTrue(ids(as(tenantB).when().get("/datasets")).contains(ofB));

        Instant at = OffsetDateTime.parse(as(tenantA).when().get("/datasets/" + ofA).then().extract().path("createdAt")).toInstant();
        String since = at.minusSeconds(60).toString();
        String until = at.plusSeconds(60).toString();
        List<String> ofWindowForB = ids(as(tenantB).queryParam("since", since).queryParam("until", until).when().get("/datasets"));
        assertFalse(ofWindowForB.contains(ofA), "a window is filtered by tenant too");
        assertTrue(ofWindowForB.contains(ofB));
        List<String> ofWindowForService = ids(given().header(IdentityTokens.HEADER, TestIdentity.service("validation-service"))
                .queryParam("since", since).queryParam("until", until).when().get("/datasets"));
        assertTrue(ofWindowForService.containsAll(List.of(ofA, ofB)), "reconciliation sees every tenant's datasets");
    }

    @Test
    void anotherTenantsDatasetCannotBeCleanVersioned() {
        String ofA = upload(tenantA, "name=parent");
        storage.put("datasets/" + ofA + "/validated/clean.jsonl", body("clean"), "application/x-ndjson");

        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().post("/datasets/" + ofA + "/clean-version"), ofA,
                as(tenantB).when().post("/datasets/" + UNKNOWN + "/clean-version"), UNKNOWN);
        as(tenantB).when().post("/datasets/" + ofA + "/clean-version").then().statusCode(404);

        String child = as(tenantA).when().post("/datasets/" + ofA + "/clean-version").then().statusCode(201)
                .body("parentDatasetId", equalTo(ofA)).extract().path("id");
        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> child.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("dataset-uploaded", event.value());
        assertEquals(tenantA, tenant(event), "a clean version belongs to its parent's tenant");
        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/datasets/" + child), child,
                as(tenantB).when().get("/datasets/" + UNKNOWN), UNKNOWN);
    }

    @Test
    void anotherTenantsDatasetCannotBeTheTestSet() {
        String ofA = upload(tenantA, "name=held-out");
        Response withOthers = as(tenantB).contentType("application/x-ndjson").body(body("train"))
                .when().post("/datasets?name=uses-a&testSet=" + ofA);
        Response withUnknown = as(tenantB).contentType("application/x-ndjson").body(body("train"))
                .when().post("/datasets?name=uses-a&testSet=" + UNKNOWN);
        Isolation.assertAnsweredLikeUnknown(withOthers, ofA, withUnknown, UNKNOWN);
        withOthers.then().statusCode(400).body("code", equalTo("TEST_SET_NOT_FOUND"));
        assertFalse(storage.list("datasets/").stream().anyMatch(k -> k.endsWith("/uses-a.jsonl")), "nothing was stored");

        as(tenantA).contentType("application/x-ndjson").body(body("train"))
                .when().post("/datasets?name=uses-own&testSet=" + ofA).then().statusCode(201).body("checks.testSet", equalTo(ofA));
    }

    @Test
    void theSameIdempotencyKeyFromAnotherTenantIsAnotherRequest() {
        String key = UUID.randomUUID().toString();
        byte[] same = body("same");
        String ofA = as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(same)
                .when().post("/datasets?name=keyed").then().statusCode(201).extract().path("id");
        String ofB = as(tenantB).contentType("application/x-ndjson").header("Idempotency-Key", key).body(same)
                .when().post("/datasets?name=keyed").then().statusCode(201).extract().path("id");
        assertNotEquals(ofA, ofB, "B's upload is stored, not answered with A's dataset");
        as(tenantB).when().get("/datasets/" + ofB).then().statusCode(200);
        as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(same)
                .when().post("/datasets?name=keyed").then().statusCode(200).body("id", equalTo(ofA));
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefusedWithoutSayingAnythingOfTheFirst() {
        String key = UUID.randomUUID().toString();
        String first = as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(body("first"))
                .when().post("/datasets?name=keyed&dedup=exact").then().statusCode(201).extract().path("id");
        int datasets = ids(as(tenantA).when().get("/datasets?limit=500")).size();

        for (Response other : List.of(
                as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(body("second"))
                        .when().post("/datasets?name=keyed&dedup=exact"),
                as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(body("first"))
                        .when().post("/datasets?name=renamed&dedup=exact"),
                as(tenantA).contentType("application/x-ndjson").header("Idempotency-Key", key).body(body("first"))
                        .when().post("/datasets?name=keyed&dedup=report"))) {
            other.then().statusCode(422).contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
            assertFalse(other.asString().contains(first), "the answer does not name the first request's dataset: " + other.asString());
            assertFalse(other.asString().contains("ds-"), "nor any dataset: " + other.asString());
        }
        assertEquals(datasets, ids(as(tenantA).when().get("/datasets?limit=500")).size(), "nothing was stored");

        // The same request again, with the options spelled differently, is the first one's repeat.
        as(tenantA).contentType("text/plain").header("Idempotency-Key", key).body(body("first"))
                .when().post("/datasets?dedup=EXACT&name=keyed").then().statusCode(200).body("id", equalTo(first));
    }

    @Test
    void onlyRefinerysServicesMayAnnounceADatasetAgain() {
        String ofA = upload(tenantA, "name=announced");
        as(tenantA).when().post("/datasets/" + ofA + "/announce").then().statusCode(403).body("code", equalTo("IDENTITY_SERVICE_ONLY"));
        given().header(IdentityTokens.HEADER, TestIdentity.header(tenantA, Scope.ADMIN)).when().post("/datasets/" + ofA + "/announce")
                .then().statusCode(403);
        given().header(IdentityTokens.HEADER, TestIdentity.service("validation-service")).when().post("/datasets/" + ofA + "/announce")
                .then().statusCode(202).body("id", equalTo(ofA));
    }

    @Test
    void theTenantIsTheCallersAndTheEventCarriesIt() throws Exception {
        // A tenant cannot be chosen by the request: neither the old header nor a parameter moves the dataset to tenant A.
        String id = as(tenantB).header("X-Refinery-Tenant", tenantA).contentType("application/x-ndjson").body(body("mine"))
                .when().post("/datasets?name=mine&tenant=" + tenantA).then().statusCode(201).extract().path("id");
        as(tenantB).when().get("/datasets/" + id).then().statusCode(200);
        as(tenantA).when().get("/datasets/" + id).then().statusCode(404);

        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("dataset-uploaded", event.value());
        assertEquals(tenantB, tenant(event));

        String ofDefault = given().contentType("application/x-ndjson").body(body("default")).when().post("/datasets")
                .then().statusCode(201).extract().path("id");
        assertEquals(TestIdentity.DEFAULT_TENANT, tenant(new TopicProbe(kafka).await("dataset-uploaded", r -> ofDefault.equals(r.key()),
                Duration.ofSeconds(20))));
        given().header(IdentityTokens.HEADER, "").contentType("application/x-ndjson").body(body("nobody")).when().post("/datasets")
                .then().statusCode(401).body("code", not(equalTo(null)));
    }

    private static String tenant(ConsumerRecord<String, String> event) {
        try {
            return JSON.readTree(event.value()).path("tenant").asText(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ids(Response list) {
        return list.then().statusCode(200).extract().jsonPath().getList("id", String.class);
    }
}
