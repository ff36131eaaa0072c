package dev.refinery.training;

import dev.refinery.testing.TestIdentity;
import dev.refinery.identity.Scope;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.refinery.training.ProviderJobsTest.CANONICAL_SUCCESS;
import static dev.refinery.training.ProviderJobsTest.FIREWORKS_MODEL;
import static dev.refinery.training.ProviderJobsTest.SPEC;
import static dev.refinery.training.ProviderJobsTest.TOGETHER_MODEL;
import static dev.refinery.training.ProviderJobsTest.awaitFinished;
import static dev.refinery.training.ProviderJobsTest.creates;
import static dev.refinery.training.ProviderJobsTest.lastCreate;
import static dev.refinery.training.ProviderJobsTest.stubFireworks;
import static dev.refinery.training.ProviderJobsTest.stubFireworksDpo;
import static dev.refinery.training.ProviderJobsTest.stubTogether;
import static dev.refinery.training.ProviderJobsTest.stubTogetherAnyJob;
import static dev.refinery.training.ProviderJobsTest.submit;
import static dev.refinery.training.ProviderJobsTest.submitStage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Two stages (SFT, then DPO from its result) on Together and Fireworks, and rerun, against the WireMock stubs. No tenant
 * cap here: the catalog has no Fireworks DPO price, and an unpriced job is refused under a cap. The resources are the
 * same as KubernetesJobsTest's, so both classes share one start of the service.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(value = ProviderStubs.class, initArgs = @ResourceArg(name = ProviderStubs.TENANT_USD, value = "none"))
@WithTestResource(KubernetesCluster.class)
class TwoStageJobsTest {

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

    @Test
    void aDpoStageContinuesFromTheSftResultOnTogetherAndOnFireworks() throws Exception {
        TestIdentity.actAs("t-stages");
        String dataset = stack.validDataset("t-stages", 12, 4);
        // Together: the second stage names the first job's id in from_checkpoint (and no model: the checkpoint names its base).
        stubTogether("ft-tg-sft", 0, "pending", "running", "completed");
        String sft = submit("t-stages", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        assertEquals("SUCCEEDED", awaitFinished(sft).getString("status"));
        stubTogether("ft-tg-dpo", 0, "pending", "running", "completed");
        String dpo = submitStage("t-stages", dataset, "together", sft, Map.of("epochs", 1, "dpoBeta", 0.2)).then().statusCode(201)
                .body("method", equalTo("dpo")).body("fromJob", equalTo(sft)).body("baseModel", equalTo(TOGETHER_MODEL)).extract().path("id");
        assertEquals("SUCCEEDED", awaitFinished(dpo).getString("status"));
        assertEquals(CANONICAL_SUCCESS, TestStack.states(dpo));
        com.fasterxml.jackson.databind.JsonNode together = lastCreate("/together/v1/fine-tunes");
        assertEquals("ft-tg-sft", together.path("from_checkpoint").asText(), together.toString());
        assertFalse(together.has("model"), "from_checkpoint replaces model: " + together);
        assertEquals("dpo", together.at("/training_method/method").asText(), together.toString());
        assertEquals(0.2, together.at("/training_method/dpo_beta").asDouble(), 1e-9, together.toString());

        // Fireworks: the second stage is a dpoJob warm-started from the first job's output model.
        given().contentType(ContentType.JSON).body(Map.of("apiKey", "fw-secret-stages", "accountId", "acct"))
                .when().put("/tenants/t-stages/secrets/fireworks").then().statusCode(200);
        stubFireworks("JOB_STATE_CREATING", "JOB_STATE_RUNNING", "JOB_STATE_COMPLETED");
        String fwSft = submit("t-stages", dataset, "fireworks", FIREWORKS_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        assertEquals("accounts/acct/models/llama-ft", awaitFinished(fwSft).getString("provider.outputModel"));
        stubFireworksDpo("JOB_STATE_CREATING", "JOB_STATE_RUNNING", "JOB_STATE_COMPLETED");
        String fwDpo = submitStage("t-stages", dataset, "fireworks", fwSft, Map.of("epochs", 1)).then().statusCode(201)
                .body("method", equalTo("dpo")).extract().path("id");
        JsonPath fwDone = awaitFinished(fwDpo);
        assertEquals("SUCCEEDED", fwDone.getString("status"), fwDone.prettify());
        assertEquals(CANONICAL_SUCCESS, TestStack.states(fwDpo));
        com.fasterxml.jackson.databind.JsonNode fireworks = lastCreate("/fireworks/v1/accounts/acct/dpoJobs");
        assertEquals("accounts/acct/models/llama-ft", fireworks.at("/trainingConfig/warmStartFrom").asText(), fireworks.toString());
        assertFalse(fireworks.path("trainingConfig").has("baseModel"), "warmStartFrom replaces baseModel: " + fireworks);
        assertEquals("DPO", fireworks.at("/lossConfig/method").asText(), fireworks.toString());

        // A second stage from a job that is not finished, or from another backend, is refused before anything is sent.
        submitStage("t-stages", dataset, "fireworks", sft, Map.of("epochs", 1)).then().statusCode(400)
                .body("code", equalTo("JOB_FROM_JOB_INVALID")).body("field", equalTo("fromJob"));
    }

    @Test
    void rerunSubmitsTheSameSpecAgainAsANewJobWithoutTheOriginalsIdempotencyKey() {
        TestIdentity.actAs("t-rerun");
        stubTogetherAnyJob();
        String dataset = stack.validDataset("t-rerun", 12, 4);
        String key = java.util.UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>(Map.of("datasetId", dataset, "backend", "together", "baseModel", TOGETHER_MODEL,
                "hyperparameters", Map.of("epochs", 2, "learningRate", 0.0001)));
        JsonPath original = given().contentType(ContentType.JSON).header(IdentityTokens.HEADER, TestIdentity.header("t-rerun", Scope.ADMIN)).header("Idempotency-Key", key).body(body)
                .when().post("/jobs").then().statusCode(201).extract().jsonPath();
        String id = original.getString("id");
        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));

        List<String> reruns = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonPath rerun = given().header(IdentityTokens.HEADER, TestIdentity.header("t-rerun", Scope.ADMIN)).when().post("/jobs/" + id + "/rerun")
                    .then().statusCode(201).header("Location", containsString("/jobs/ft-")).body("status", equalTo("QUEUED"))
                    .body("rerunOf", equalTo(id)).extract().jsonPath();
            reruns.add(rerun.getString("id"));
            for (String field : List.of("datasetId", "baseModel", "backend", "method", "tenantId")) {
                assertEquals(original.getString(field), rerun.getString(field), field);
            }
            assertEquals(original.getMap("hyperparameters"), rerun.getMap("hyperparameters"));
            assertEquals(original.getMap("hyperparameterSources"), rerun.getMap("hyperparameterSources"));
        }
        assertEquals(3, new java.util.HashSet<>(List.of(id, reruns.get(0), reruns.get(1))).size(), "every rerun is a new job");
        // The original's key still answers with the original: a rerun neither took nor reused it.
        given().contentType(ContentType.JSON).header(IdentityTokens.HEADER, TestIdentity.header("t-rerun", Scope.ADMIN)).header("Idempotency-Key", key).body(body)
                .when().post("/jobs").then().statusCode(200).body("id", equalTo(id));
        for (String rerun : reruns) {
            assertEquals("SUCCEEDED", awaitFinished(rerun).getString("status"));
        }
        assertEquals(3, creates("/together/v1/fine-tunes"), "one create per job");
        given().when().post("/jobs/ft-00000000000000000000000000000000/rerun").then().statusCode(404).body("code", equalTo("JOB_NOT_FOUND"));
    }

}
