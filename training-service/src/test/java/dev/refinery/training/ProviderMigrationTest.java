package dev.refinery.training;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
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
import java.util.Map;

import static dev.refinery.training.ProviderJobsTest.SPEC;
import static dev.refinery.training.ProviderJobsTest.TOGETHER_MODEL;
import static dev.refinery.training.ProviderJobsTest.awaitFinished;
import static dev.refinery.training.ProviderJobsTest.creates;
import static dev.refinery.training.ProviderJobsTest.lastCreate;
import static dev.refinery.training.ProviderJobsTest.stubOpenAi;
import static dev.refinery.training.ProviderJobsTest.stubTogetherAnyJob;
import static dev.refinery.training.ProviderJobsTest.submit;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Moving a model to another provider: a rerun with another backend and base model repeats the job's dataset, method and
 * hyperparameters there (OpenAI to Together, against the WireMock stubs), remembers where it came from, and is refused by
 * name where the new backend cannot run the spec. The resources are TwoStageJobsTest's, so both share one start.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(value = ProviderStubs.class, initArgs = @ResourceArg(name = ProviderStubs.TENANT_USD, value = "none"))
@WithTestResource(KubernetesCluster.class)
class ProviderMigrationTest {

    private static final String TENANT = "t-migrate";
    private static final String OPENAI_MODEL = "gpt-4o-mini-2024-07-18";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private TestStack stack;

    @BeforeEach
    void reset() {
        stack = new TestStack(kafka, storage);
        ProviderStubs.server.resetAll();
    }

    @Test
    void anOpenAiJobRerunsOnTogetherWithTheSameSpecAndNamesItsOrigin() throws Exception {
        stubOpenAi("ftjob-migrate", "queued", "running", "succeeded");
        stubTogetherAnyJob();
        String dataset = stack.validDataset(TENANT, 12, 4);
        JsonPath original = submit(TENANT, dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201)
                .body("rerunOf", nullValue()).extract().jsonPath();
        String id = original.getString("id");
        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));

        JsonPath moved = rerun(id, Map.of("backend", "together", "baseModel", TOGETHER_MODEL)).then().statusCode(201)
                .header("Location", containsString("/jobs/ft-"))
                .body("backend", equalTo("together")).body("baseModel", equalTo(TOGETHER_MODEL))
                .body("datasetId", equalTo(dataset)).body("method", equalTo(original.getString("method")))
                .body("rerunOf", equalTo(id)).extract().jsonPath();
        for (String setting : SPEC.keySet()) {
            assertEquals(original.getString("hyperparameters." + setting), moved.getString("hyperparameters." + setting), setting);
            assertEquals("user", moved.getString("hyperparameterSources." + setting), setting);
        }
        assertEquals("SUCCEEDED", awaitFinished(moved.getString("id")).getString("status"));
        com.fasterxml.jackson.databind.JsonNode sent = lastCreate("/together/v1/fine-tunes");
        assertEquals(TOGETHER_MODEL, sent.path("model").asText(), sent.toString());
        assertEquals(2, sent.path("n_epochs").asInt(), sent.toString());
        assertEquals(4, sent.path("batch_size").asInt(), sent.toString());
        assertEquals("stories", sent.path("suffix").asText(), sent.toString());
        given().when().get("/jobs/" + moved.getString("id")).then().statusCode(200).body("rerunOf", equalTo(id));
        assertEquals(1, creates("/openai/v1/fine_tuning/jobs"), "the original is not run again at OpenAI");
    }

    @Test
    void aRerunTheNewBackendCannotRunIsRefusedByNameBeforeAnyProviderIsAsked() {
        stubTogetherAnyJob();
        String dataset = stack.validDataset(TENANT, 12, 4);
        Map<String, Object> withWarmup = new LinkedHashMap<>(SPEC);
        withWarmup.put("warmupRatio", 0.1); // Together has it, OpenAI does not
        String id = submit(TENANT, dataset, "together", TOGETHER_MODEL, withWarmup, null).then().statusCode(201).extract().path("id");

        rerun(id, Map.of("backend", "openai", "baseModel", OPENAI_MODEL)).then().statusCode(400)
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID")).body("field", equalTo("warmupRatio")).body("backend", equalTo("openai"));
        // The old base model stays unless the rerun names another: Together's model is not in OpenAI's catalog.
        rerun(id, Map.of("backend", "openai")).then().statusCode(400)
                .body("errors.code", hasItem("JOB_MODEL_UNKNOWN")).body("errors.field", hasItem("baseModel"));
        rerun(id, Map.of("backend", "elsewhere")).then().statusCode(400)
                .body("code", equalTo("JOB_BACKEND_UNSUPPORTED")).body("field", equalTo("backend"));
        rerun(id, Map.of("backend", "openai", "hyperparameters", Map.of("epochs", 1))).then().statusCode(400)
                .body("code", equalTo("JOB_RERUN_FIELD_UNSUPPORTED")).body("field", equalTo("hyperparameters"));
        rerun(id, Map.of("backend", 3)).then().statusCode(400).body("code", equalTo("JOB_FIELD_INVALID")).body("field", equalTo("backend"));
        given().contentType(ContentType.JSON).body("[\"openai\"]").when().post("/jobs/" + id + "/rerun").then().statusCode(400)
                .body("code", equalTo("REQUEST_BODY_INVALID"));
        given().contentType(ContentType.URLENC).body("backend=openai").when().post("/jobs/" + id + "/rerun").then().statusCode(400)
                .body("code", equalTo("REQUEST_BODY_INVALID")).body("detail", containsString("a JSON object with backend"));
        assertEquals(0, creates("/openai/v1/fine_tuning/jobs"), "nothing refused reaches OpenAI");
        assertEquals(0, ProviderStubs.server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/openai/v1/files"))).size(), "no upload either");

        // An empty object is no change at all: the same backend and model again.
        String again = rerun(id, Map.of()).then().statusCode(201).body("backend", equalTo("together")).body("baseModel", equalTo(TOGETHER_MODEL))
                .body("rerunOf", equalTo(id)).extract().path("id");
        // Its work ends here, not in the next test (whose provider stubs count the requests they get).
        awaitFinished(again);
    }

    @Test
    void anEmptyChunkedBodyWithoutContentTypeAsTheGatewayRelaysItIsTheSameRequestAgain() throws Exception {
        stubTogetherAnyJob();
        String dataset = stack.validDataset(TENANT, 12, 4);
        String id = submit(TENANT, dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/jobs/" + id + "/rerun"))
                .header(IdentityTokens.HEADER, TestIdentity.header(TENANT, Scope.ADMIN))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[0])))
                .build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        JsonPath rerun = JsonPath.from(response.body());
        assertEquals("together", rerun.getString("backend"));
        assertEquals(id, rerun.getString("rerunOf"));
        // Both jobs end here, not in the next test (whose provider stubs count the requests they get).
        TestIdentity.actAs(TENANT);
        awaitFinished(id);
        awaitFinished(rerun.getString("id"));
    }

    private static io.restassured.response.Response rerun(String id, Map<String, Object> body) {
        TestIdentity.actAs(TENANT);
        return given().contentType(ContentType.JSON).body(body).when().post("/jobs/" + id + "/rerun");
    }
}
