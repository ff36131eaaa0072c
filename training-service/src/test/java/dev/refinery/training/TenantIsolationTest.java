package dev.refinery.training;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.refinery.training.ProviderJobsTest.SPEC;
import static dev.refinery.training.ProviderJobsTest.TOGETHER_MODEL;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nobody reads, changes or spends what belongs to another tenant: every job route answers another tenant's job exactly as
 * one that does not exist; datasets, provider keys, idempotency keys and budgets are the tenant's own; a call without the
 * gateway's identity gets nothing.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(ProviderStubs.class)
class TenantIsolationTest {

    private static final String UNKNOWN_JOB = "ft-00000000000000000000000000000000";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void reset() {
        stack = new TestStack(kafka, storage);
        ProviderStubs.server.resetAll();
    }

    private static String as(String tenant) {
        return TestIdentity.header(tenant, Scope.ADMIN);
    }

    @Test
    void anotherTenantsJobIsNotFoundOnEveryRouteExactlyLikeNone() {
        String dataset = stack.validDataset("t-a", 12, 4);
        String job = submit("t-a", dataset, Map.of("epochs", 1)).then().statusCode(201).extract().path("id");

        for (String[] route : new String[][]{{"GET", ""}, {"GET", "/metrics"}, {"GET", "/events"}, {"GET", "/checkpoints"},
                {"POST", "/cancel"}, {"POST", "/pause"}, {"POST", "/resume"}, {"POST", "/download"}, {"POST", "/rerun"}}) {
            Response theirs = given().header(IdentityTokens.HEADER, as("t-b")).when().request(route[0], "/jobs/" + job + route[1]);
            Response none = given().header(IdentityTokens.HEADER, as("t-b")).when().request(route[0], "/jobs/" + UNKNOWN_JOB + route[1]);
            assertEquals(404, theirs.statusCode(), route[0] + " " + route[1] + ": " + theirs.asString());
            assertEquals(none.jsonPath().getString("code"), theirs.jsonPath().getString("code"), route[1]);
            assertEquals(none.jsonPath().getString("detail").replace(UNKNOWN_JOB, job), theirs.jsonPath().getString("detail"), route[1]);
        }
        given().header(IdentityTokens.HEADER, as("t-b")).when().get("/jobs").then().statusCode(200).body("id", not(hasItem(job)));
        given().header(IdentityTokens.HEADER, as("t-a")).when().get("/jobs").then().statusCode(200).body("id", hasItem(job))
                .body("tenantId", everyItem(equalTo("t-a")));
        // The job is still there and unchanged for its own tenant.
        given().header(IdentityTokens.HEADER, as("t-a")).when().get("/jobs/" + job).then().statusCode(200).body("status", not(equalTo("CANCELLED")));
    }

    @Test
    void anotherTenantsDatasetCannotBeTrainedOnAndReadsAsNeverUploaded() {
        String dataset = stack.validDataset("t-a", 12, 4);
        Response theirs = submit("t-b", dataset, Map.of("epochs", 1));
        Response none = submit("t-b", TestStack.newDatasetId(), Map.of("epochs", 1));
        assertEquals(404, theirs.statusCode(), theirs.asString());
        assertEquals("JOB_DATASET_NOT_FOUND", theirs.jsonPath().getString("code"));
        assertEquals(none.jsonPath().getString("code"), theirs.jsonPath().getString("code"));
    }

    @Test
    void providerKeysAreTheTenantsOwnAndANewTenantCannotSpendTheDeploymentsAccount() {
        given().header(IdentityTokens.HEADER, as("t-b")).contentType(ContentType.JSON).body(Map.of("apiKey", "tg-attacker-key"))
                .when().put("/tenants/default/secrets/together").then().statusCode(404).body("code", equalTo("TENANT_NOT_FOUND"));
        given().header(IdentityTokens.HEADER, as("t-b")).when().delete("/tenants/default/secrets/together").then().statusCode(404);
        // What is stored is bounded: a megabyte "key" is refused naming the field.
        given().header(IdentityTokens.HEADER, as("t-b")).contentType(ContentType.JSON).body(Map.of("apiKey", "k".repeat(1_000_000)))
                .when().put("/tenants/t-b/secrets/together").then().statusCode(400).body("field", equalTo("apiKey"));
        // t-stranger is not among the tenants the operator allows on the deployment's Together key.
        String dataset = stack.validDataset("t-stranger", 12, 4);
        submit("t-stranger", dataset, SPEC).then().statusCode(422).body("code", equalTo("JOB_PROVIDER_KEY_MISSING"));
    }

    @Test
    void idempotencyKeysArePerTenantAndAReusedKeyRevealsNothing() {
        String a = stack.validDataset("t-a", 12, 4);
        String b = stack.validDataset("t-b", 12, 4);
        String jobA = submit("t-a", a, Map.of("epochs", 1), "shared-key").then().statusCode(201).extract().path("id");
        String jobB = submit("t-b", b, Map.of("epochs", 1), "shared-key").then().statusCode(201).extract().path("id");
        assertFalse(jobA.equals(jobB), "another tenant's use of the same key is another key");
        String problem = submit("t-a", a, Map.of("epochs", 2), "shared-key").then().statusCode(422)
                .body("code", equalTo("JOB_IDEMPOTENCY_KEY_REUSED")).extract().asString();
        assertFalse(problem.contains(jobA) || problem.contains(jobB), problem);
    }

    @Test
    void withoutTheGatewaysIdentityNothingAnswers() {
        given().header(IdentityTokens.HEADER, "").when().get("/jobs").then().statusCode(401).body("code", equalTo("IDENTITY_REQUIRED"));
        given().header(IdentityTokens.HEADER, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").when().get("/jobs").then().statusCode(401)
                .body("code", equalTo("IDENTITY_INVALID"));
        given().header(IdentityTokens.HEADER, as("t-a")).when().post("/jobs/" + UNKNOWN_JOB + "/announce").then().statusCode(403)
                .body("code", equalTo("IDENTITY_SERVICE_ONLY"));
        // A read-only identity stays read-only here too, whatever the gateway let through.
        given().header(IdentityTokens.HEADER, TestIdentity.header("t-a", Scope.READ)).when().post("/jobs/" + UNKNOWN_JOB + "/cancel")
                .then().statusCode(403).body("code", equalTo("IDENTITY_SCOPE_INSUFFICIENT"));
        given().header(IdentityTokens.HEADER, TestIdentity.header("t-a", Scope.WRITE)).when().get("/tenants/t-a/secrets/together")
                .then().statusCode(403);
    }

    @Test
    void twentyParallelSubmissionsTogetherStayUnderTheTenantsCap() throws Exception {
        BigDecimal cap = new BigDecimal("5"); // ProviderStubs' refinery.training.budget.tenant-usd
        // Every Together job is created and stays pending, so each one accepted holds its estimate for the whole test.
        ProviderJobsTest.stubTogether("ft-tg-parallel", 0, "pending");
        String dataset = largeDataset("t-parallel");
        // Epochs chosen so that 20 jobs' high estimates add up to well over the cap, while one fits under it.
        BigDecimal perEpoch = estimateHigh("t-a", largeDataset("t-a"));
        int epochs = Math.max(1, Math.min(20, new BigDecimal("0.6").divide(perEpoch, 0, java.math.RoundingMode.UP).intValue()));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        String identity = as("t-parallel");
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> given().header(IdentityTokens.HEADER, identity).contentType(ContentType.JSON)
                    .body(body(dataset, Map.of("epochs", epochs, "batchSize", 4))).when().post("/jobs"), pool));
        }
        BigDecimal committed = BigDecimal.ZERO;
        int accepted = 0;
        int refused = 0;
        for (CompletableFuture<Response> call : calls) {
            Response r = call.get();
            if (r.statusCode() == 201) {
                accepted++;
                committed = committed.add(new BigDecimal(r.jsonPath().getString("cost.estimateHighUsd")));
            } else {
                assertEquals(402, r.statusCode(), r.asString());
                assertEquals("JOB_OVER_BUDGET", r.jsonPath().getString("code"));
                refused++;
            }
        }
        pool.shutdown();
        assertTrue(accepted >= 1 && refused >= 1, accepted + " accepted, " + refused + " refused");
        assertTrue(committed.compareTo(cap) <= 0, "the accepted jobs hold $" + committed + " of a $" + cap + " cap");
    }

    /** A VALID dataset whose train split is about 2 MB (some 500,000 tokens): each job on it costs cents, not fractions of one. */
    private String largeDataset(String tenant) {
        String id = TestStack.newDatasetId();
        byte[] lines = TestStack.exampleLines("train.jsonl", 12);
        java.io.ByteArrayOutputStream train = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 700; i++) {
            train.writeBytes(lines);
        }
        storage.put("datasets/" + id + "/validated/train.jsonl", train.toByteArray(), "application/x-ndjson");
        storage.put("datasets/" + id + "/validated/validation.jsonl", TestStack.exampleLines("validation.jsonl", 4), "application/x-ndjson");
        stack.announceValid(tenant, id, 12 * 700, 4);
        return id;
    }

    /** The high estimate of a one-epoch job, from a tenant of its own (on the stub, nothing is spent). */
    private BigDecimal estimateHigh(String tenant, String own) {
        String high = given().header(IdentityTokens.HEADER, as(tenant)).contentType(ContentType.JSON)
                .body(body(own, Map.of("epochs", 1, "batchSize", 4))).when().post("/jobs").then().statusCode(201).extract().jsonPath().getString("cost.estimateHighUsd");
        return new BigDecimal(high);
    }

    private static Response submit(String tenant, String dataset, Map<String, Object> hp) {
        return submit(tenant, dataset, hp, null);
    }

    private static Response submit(String tenant, String dataset, Map<String, Object> hp, String idempotencyKey) {
        var request = given().header(IdentityTokens.HEADER, as(tenant)).contentType(ContentType.JSON).body(body(dataset, hp));
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return request.when().post("/jobs");
    }

    private static Map<String, Object> body(String dataset, Map<String, Object> hp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", dataset);
        body.put("backend", "together");
        body.put("baseModel", TOGETHER_MODEL);
        body.put("hyperparameters", hp);
        return body;
    }
}
