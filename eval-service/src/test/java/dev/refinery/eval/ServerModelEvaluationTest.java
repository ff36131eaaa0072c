package dev.refinery.eval;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model that an OpenAI-compatible server of the operator answers (a stub of vLLM with a LoRA adapter) is registered by
 * hand and evaluated like a fine-tune, on any validated dataset of its project: a dataset's test split, or every record of
 * a file uploaded as a test set. It has no job: the events say so in their newer versions.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(VllmStub.class)
class ServerModelEvaluationTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aModelOfTheOperatorsServerIsRegisteredEvaluatedOnAnyTestSetOfItsProjectAndPromoted() throws Exception {
        String tenant = "vllm-" + UUID.randomUUID().toString().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);

        // Registration names a server of this deployment, never a URL.
        given().contentType(ContentType.JSON).body(Map.of("endpoint", "http://169.254.169.254/v1", "model", "x", "baseModel", "y"))
                .when().post("/registry/models").then().statusCode(400).body("code", equalTo("EVAL_ENDPOINT_UNKNOWN"))
                .body("field", equalTo("endpoint")).body("detail", containsString(VllmStub.SERVER));
        given().contentType(ContentType.JSON).body(Map.of("endpoint", VllmStub.SERVER, "baseModel", VllmStub.BASE))
                .when().post("/registry/models").then().statusCode(400).body("code", equalTo("EVAL_MODEL_NAME_INVALID"))
                .body("field", equalTo("model"));
        given().contentType(ContentType.JSON).body(Map.of("endpoint", VllmStub.SERVER, "model", "mv-" + "0".repeat(32), "baseModel",
                VllmStub.BASE)).when().post("/registry/models").then().statusCode(400).body("code", equalTo("EVAL_MODEL_NAME_INVALID"))
                .body("field", equalTo("model")); // a version id: another project's adapter a server holds under that name
        Map<String, String> registration = Map.of("endpoint", VllmStub.SERVER, "model", VllmStub.ADAPTER, "baseModel", VllmStub.BASE);
        JsonPath version = given().contentType(ContentType.JSON).body(registration).when().post("/registry/models").then().statusCode(201)
                .body("backend", equalTo("endpoint:" + VllmStub.SERVER)).body("name", equalTo(VllmStub.ADAPTER + "@" + VllmStub.SERVER))
                .body("artifact.providerModel", equalTo(VllmStub.ADAPTER)).extract().jsonPath();
        String versionId = version.getString("id");
        assertNotNull(version.getString("registeredBy"));
        assertFalse(version.getMap("$").containsKey("jobId"), "no job made it: " + version.prettify());
        given().contentType(ContentType.JSON).body(registration).when().post("/registry/models").then().statusCode(200)
                .body("id", equalTo(versionId));
        ConsumerRecord<String, String> registered = probe.await("model-registered", r -> versionId.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("model-registered", 1, registered.value());
        assertTrue(registered.value().contains("\"providerModel\":\"" + VllmStub.ADAPTER + "\""), registered.value());
        assertEquals(1, probe.all("model-registered", r -> versionId.equals(r.key()), Duration.ofSeconds(1)).size(),
                "registering the same model again announces nothing");

        // No dataset of ours trained it: the test set must be named.
        given().contentType(ContentType.JSON).body(Map.of("candidate", versionId)).when().post("/evals").then().statusCode(400)
                .body("code", equalTo("EVAL_TEST_SET_REQUIRED"));

        // The project's datasets, as validation-service announces them.
        String withTestSplit = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, withTestSplit);
        announce(probe, tenant, withTestSplit, "VALID", 6L);
        String testFile = EvalFixtures.datasetId();
        String lines = new String(storage.open("datasets/" + withTestSplit + "/validated/test.jsonl").readAllBytes(), StandardCharsets.UTF_8);
        storage.put("datasets/" + testFile + "/validated/clean.jsonl", lines.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        announce(probe, tenant, testFile, "VALID", null);
        String invalid = EvalFixtures.datasetId();
        announce(probe, tenant, invalid, "INVALID", null);
        String othersDataset = EvalFixtures.datasetId();
        announce(probe, "someone-else", othersDataset, "VALID", 6L);

        String onTestSplit = awaitAccepted(Map.of("candidate", versionId, "datasetId", withTestSplit));
        JsonPath eval = EvalFixtures.awaitEvaluation(onTestSplit);
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals(withTestSplit, eval.getString("datasetId"));
        assertFalse(eval.getBoolean("wholeDataset"));
        assertEquals(VllmStub.BASE, eval.getString("baseline.model"), "the base model as the same server answers it");
        assertEquals(0.0, eval.getDouble("baseline.metric"), 0.0);
        assertTrue(eval.getDouble("candidate.metric") > 0.9, eval.prettify());
        assertEquals("IMPROVED", eval.getString("outcome"), eval.prettify());
        assertEquals("NOT_APPLICABLE", eval.getString("decision"), "an evaluation by hand never promotes");
        ConsumerRecord<String, String> finished = probe.await("eval-finished", r -> onTestSplit.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, finished.value());
        assertFalse(finished.value().contains("\"jobId\""), finished.value());
        assertEquals("refinery.eval-finished.v3", TopicProbe.header(finished, "ce_type"));

        // Every record of a file uploaded as a test set.
        JsonPath whole = EvalFixtures.awaitEvaluation(awaitAccepted(Map.of("candidate", versionId, "testSet", testFile)));
        assertEquals("COMPLETED", whole.getString("status"), whole.prettify());
        assertTrue(whole.getBoolean("wholeDataset"));
        assertEquals(lines.strip().split("\n").length, whole.getInt("items"));

        // A grader as the primary metric: the verdict, the interval and McNemar's test follow the grader's scores.
        given().contentType(ContentType.JSON).body(Map.of("name", "tells-a-story", "kind", "contains", "config",
                Map.of("text", "Once upon a time"))).when().post("/graders").then().statusCode(201);
        JsonPath graded = EvalFixtures.awaitEvaluation(given().contentType(ContentType.JSON).body(Map.of("candidate", versionId,
                "datasetId", withTestSplit, "metric", "grader:tells-a-story")).when().post("/evals").then().statusCode(202)
                .extract().path("id"));
        assertEquals("COMPLETED", graded.getString("status"), graded.prettify());
        assertEquals("grader:tells-a-story@1", graded.getString("metric"));
        assertEquals("grader:tells-a-story@1", graded.getString("metrics[0].metric"), "the primary row first");
        assertEquals(1.0, graded.getDouble("candidate.metric"), 0.0);
        assertEquals(0.0, graded.getDouble("baseline.metric"), 0.0);
        assertEquals("CANDIDATE_BETTER", graded.getString("verdict"));
        assertTrue(graded.getDouble("statistics.mcNemarPValue") < 0.001, "a pass/fail grader gets McNemar's test: " + graded.prettify());
        given().contentType(ContentType.JSON).body(Map.of("metric", "grader:tells-a-story")).when().put("/registry/policy")
                .then().statusCode(200).body("metric", equalTo("grader:tells-a-story"));
        given().contentType(ContentType.JSON).body(Map.of("metric", "grader:nobody")).when().put("/registry/policy")
                .then().statusCode(400).body("code", equalTo("POLICY_GRADER_UNKNOWN")).body("field", equalTo("metric"));
        refused(Map.of("candidate", versionId, "datasetId", withTestSplit, "metric", "grader:nobody"), "EVAL_GRADER_UNKNOWN", "metric");

        // Test sets that cannot be used, each with its reason.
        refused(Map.of("candidate", versionId, "datasetId", othersDataset), "EVAL_DATASET_UNKNOWN", "datasetId");
        refused(Map.of("candidate", versionId, "testSet", invalid), "EVAL_DATASET_INVALID", "testSet");
        refused(Map.of("candidate", versionId, "datasetId", testFile), "EVAL_TEST_SPLIT_MISSING", "datasetId");
        refused(Map.of("candidate", versionId, "datasetId", withTestSplit, "testSet", testFile), "EVAL_TEST_SET_AMBIGUOUS", "testSet");

        // Promoted by hand: model-promoted v2 names the server's model, with no job.
        given().contentType(ContentType.JSON).body(Map.of("version", versionId, "reason", "beats the base on the story test set",
                "evaluationId", onTestSplit)).when().put("/registry/aliases/champion").then().statusCode(200)
                .body("modelVersionId", equalTo(versionId));
        ConsumerRecord<String, String> promoted = probe.await("model-promoted", r -> (tenant + "/champion").equals(r.key()),
                Duration.ofSeconds(20));
        ContractSchemas.assertValid("model-promoted", 2, promoted.value());
        assertEquals("refinery.model-promoted.v2", TopicProbe.header(promoted, "ce_type"));

        // Another project neither sees it nor can evaluate it.
        given().header(IdentityTokens.HEADER, TestIdentity.header("someone-else", Scope.WRITE)).when().get("/registry/models/" + versionId)
                .then().statusCode(404);
    }

    /** A dataset-validated event of {@code tenant}'s dataset; {@code testRecords} null: no test split. */
    private static void announce(TopicProbe probe, String tenant, String datasetId, String status, Long testRecords) {
        String splits = testRecords == null ? "" : ",\"splits\":{\"test\":{\"objectKey\":\"datasets/%s/validated/test.jsonl\",\"records\":%d}}"
                .formatted(datasetId, testRecords);
        String payload = ("{\"tenant\":\"%s\",\"datasetId\":\"%s\",\"status\":\"%s\",\"records\":6,\"validRecords\":6,\"invalidRecords\":0,"
                + "\"reportKey\":\"datasets/%s/validated/report.json\",\"validatedAt\":\"%s\"%s}")
                .formatted(tenant, datasetId, status, datasetId, Instant.now(), splits);
        probe.send("dataset-validated", datasetId, payload, "ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(),
                "ce_type", "refinery.dataset-validated.v1", "ce_source", "/refinery/validation-service", "ce_subject", datasetId,
                "ce_time", Instant.now().toString(), "content-type", "application/json");
    }

    /** Asks until the read model has heard of the dataset (the event travels through Kafka); returns the evaluation's id. */
    private static String awaitAccepted(Map<String, String> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Response r = given().contentType(ContentType.JSON).body(request).when().post("/evals");
            if (r.statusCode() == 202) {
                return r.jsonPath().getString("id");
            }
            assertEquals("EVAL_DATASET_UNKNOWN", r.jsonPath().getString("code"), r.asString());
            assertTrue(System.nanoTime() < deadline, "the dataset never became known: " + r.asString());
            EvalFixtures.sleep();
        }
    }

    private static void refused(Map<String, String> request, String code, String field) {
        given().contentType(ContentType.JSON).body(request).when().post("/evals").then().statusCode(400).body("code", equalTo(code))
                .body("field", equalTo(field));
    }
}
