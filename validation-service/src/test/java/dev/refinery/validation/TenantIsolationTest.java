package dev.refinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.Isolation;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report, its problems, its token counts and its records belong to the tenant that owns the dataset (dataset-uploaded's
 * {@code tenant}; none: "default"): another tenant gets the answer for a dataset that does not exist, and the
 * cross-version duplicate check never compares one tenant's upload with another's. Real Kafka, S3 and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class TenantIsolationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN = "ds-00000000000000000000000000000000";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private Fixtures fixtures;
    private final String tenantA = "tenant-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String tenantB = "tenant-b-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(storage, kafka);
    }

    private static String identity(String tenant) {
        return TestIdentity.header(tenant, Scope.READ);
    }

    private static RequestSpecification writer(String tenant) {
        return given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE));
    }

    private static RequestSpecification as(String tenant) {
        return given().header(IdentityTokens.HEADER, identity(tenant));
    }

    private String upload(String tenant, String name, List<String> lines) {
        String id = Fixtures.newDatasetId();
        fixtures.upload(id, name, lines, "\"tenant\":\"" + tenant + "\"");
        return id;
    }

    @Test
    void anotherTenantsReportAndProblemsAreAnsweredLikeAnUnknownDatasets() {
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("private", 10));
        lines.add("{\"messages\":[{\"role\":\"user\",\"content\":7}]}");
        String ofA = upload(tenantA, "private", lines);
        Fixtures.awaitReport(ofA, null, identity(tenantA)).body("status", equalTo("INVALID"));
        as(tenantA).when().get("/reports/" + ofA + "/problems").then().statusCode(200).body("total", greaterThan(0));

        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/reports/" + ofA), ofA,
                as(tenantB).when().get("/reports/" + UNKNOWN), UNKNOWN);
        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/reports/" + ofA + "/problems"), ofA,
                as(tenantB).when().get("/reports/" + UNKNOWN + "/problems"), UNKNOWN);
        Isolation.assertAnsweredLikeUnknown(as(tenantB).when().get("/reports/" + ofA + "/problems?rule=DATASET_CONTENT_NOT_STRING"), ofA,
                as(tenantB).when().get("/reports/" + UNKNOWN + "/problems?rule=DATASET_CONTENT_NOT_STRING"), UNKNOWN);
        as(tenantB).when().get("/reports/" + ofA).then().statusCode(404).body("code", equalTo("REPORT_NOT_FOUND"));

        // Refinery's own services read every tenant's reports.
        given().header(IdentityTokens.HEADER, TestIdentity.service("training-service")).when().get("/reports/" + ofA)
                .then().statusCode(200).body("datasetId", equalTo(ofA));
    }

    @Test
    void anotherTenantsDatasetCannotBePriced() {
        String ofA = upload(tenantA, "priced", Fixtures.goodRecords("priced", 10));
        Fixtures.awaitReport(ofA, null, identity(tenantA)).body("status", equalTo("VALID"));
        // An estimate is a POST: it needs scope write, as at the gateway.
        writer(tenantA).contentType(ContentType.JSON).body(estimateOf(ofA)).when().post("/estimates")
                .then().statusCode(409); // its own is found: counted for the default model's tokenizer, not this one's
        as(tenantA).contentType(ContentType.JSON).body(estimateOf(ofA)).when().post("/estimates").then().statusCode(403);

        Response forOther = writer(tenantB).contentType(ContentType.JSON).body(estimateOf(ofA)).when().post("/estimates");
        Isolation.assertAnsweredLikeUnknown(forOther, ofA,
                writer(tenantB).contentType(ContentType.JSON).body(estimateOf(UNKNOWN)).when().post("/estimates"), UNKNOWN);
        forOther.then().statusCode(404).body("code", equalTo("REPORT_NOT_FOUND"));
    }

    private static String estimateOf(String datasetId) {
        return "{\"datasetId\":\"" + datasetId + "\",\"backend\":\"together\",\"model\":\"llama-3.1-8b\"}";
    }

    @Test
    void duplicatesAreLookedForInTheTenantsOwnEarlierVersionsOnly() throws Exception {
        String name = "shared-name-" + UUID.randomUUID();
        List<String> lines = Fixtures.goodRecords("versioned", 20);
        String ofA = upload(tenantA, name, lines);
        Fixtures.awaitReport(ofA, null, identity(tenantA)).body("status", equalTo("VALID"));

        // B uploads the same records under the same name: nothing may tell B that A has them.
        String ofB = upload(tenantB, name, lines);
        Fixtures.awaitReport(ofB, null, identity(tenantB)).body("status", equalTo("VALID"))
                .body("ruleCounts.DATASET_DUPLICATE_OF_EARLIER_VERSION", nullValue());
        String reportOfB = new String(storage.read("datasets/" + ofB + "/validated/report.json"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(JSON.readTree(reportOfB).get("duplicates").get("earlierVersions").isEmpty(), reportOfB);
        assertFalse(reportOfB.contains(ofA), "B's report does not name A's dataset");
        as(tenantB).when().get("/reports/" + ofB + "/problems").then().statusCode(200).body("total", equalTo(0));

        // A's next version is still compared with A's earlier one (and not with B's, which came later anyway).
        String nextOfA = upload(tenantA, name, lines);
        Fixtures.awaitReport(nextOfA, null, identity(tenantA)).body("status", equalTo("VALID"));
        JsonNode reportOfNext = JSON.readTree(storage.read("datasets/" + nextOfA + "/validated/report.json"));
        String earlier = reportOfNext.get("duplicates").get("earlierVersions").toString();
        assertTrue(earlier.contains(ofA), "A's own earlier version is compared: " + earlier);
        assertFalse(earlier.contains(ofB), "B's upload is not: " + earlier);
    }

    @Test
    void theValidatedEventCarriesTheDatasetsTenantAndOlderEventsAreDefaults() throws Exception {
        String ofB = upload(tenantB, "evented", Fixtures.goodRecords("evented", 10));
        ConsumerRecord<String, String> validated = fixtures.awaitValidated(ofB);
        ContractSchemas.assertValid("dataset-validated", validated.value());
        assertEquals(tenantB, JSON.readTree(validated.value()).get("tenant").asText());

        // An event from before tenants (no tenant field) belongs to "default".
        String older = Fixtures.newDatasetId();
        fixtures.upload(older, Fixtures.goodRecords("older", 10));
        ConsumerRecord<String, String> olderValidated = fixtures.awaitValidated(older);
        ContractSchemas.assertValid("dataset-validated", olderValidated.value());
        assertEquals(TestIdentity.DEFAULT_TENANT, JSON.readTree(olderValidated.value()).get("tenant").asText());
        Fixtures.awaitReport(older).body("status", equalTo("VALID"));
        as(tenantB).when().get("/reports/" + older).then().statusCode(404);
    }

    @Test
    void anEventWithATenantTheContractDoesNotAllowIsADeadLetter() {
        String id = Fixtures.newDatasetId();
        fixtures.upload(id, "odd-owner", Fixtures.goodRecords("odd", 3), "\"tenant\":\"../a tenant\"");
        fixtures.probe().await("dataset-uploaded.dlq", r -> id.equals(r.key()), Fixtures.EVENT_TIMEOUT);
        given().header(IdentityTokens.HEADER, TestIdentity.service("test")).when().get("/reports/" + id).then().statusCode(404);
    }
}
