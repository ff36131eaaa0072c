package dev.refinery.training;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.training.service.ProviderJobs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider backends through the service, against WireMock stubs of Together, Fireworks and OpenAI: the same spec gives
 * the same canonical lifecycle as the local engine; restarts reattach without creating again; budgets, keys and bad
 * settings are refused before anything reaches a provider; failures and cancels end in a clear state.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(ProviderStubs.class)
class ProviderJobsTest {

    /** The canonical states of a successful job on every backend. */
    static final List<String> CANONICAL_SUCCESS = List.of("QUEUED", "RUNNING", "SUCCEEDED");
    static final String TOGETHER_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";
    static final String FIREWORKS_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct";
    private static final String OPENAI_MODEL = "gpt-4o-mini-2024-07-18";
    /** The provider-neutral spec every provider can run as written. */
    static final Map<String, Object> SPEC = Map.of("epochs", 2, "batchSize", 4, "suffix", "stories");

    @Inject
    ObjectStorage storage;

    @Inject
    ProviderJobs providerJobs;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void reset() {
        stack = new TestStack(kafka, storage);
        ProviderStubs.server.resetAll();
    }

    @Test
    void theSameSpecRunsOnEveryProviderWithTheLocalEnginesCanonicalLifecycle() {
        stubTogether("ft-tg-1", 0, "pending", "running", "completed");
        stubFireworks("JOB_STATE_CREATING", "JOB_STATE_RUNNING", "JOB_STATE_COMPLETED");
        stubOpenAi("ftjob-1", "queued", "running", "succeeded");
        // Fireworks has no key in the environment here: the tenant stores its own, which is never shown again.
        given().contentType(ContentType.JSON).body(Map.of("apiKey", "fw-secret-abcdef", "accountId", "acct"))
                .when().put("/tenants/t-same/secrets/fireworks")
                .then().statusCode(200).body("stored", equalTo(true)).body(not(containsString("fw-secret-abcdef")));
        given().when().get("/tenants/t-same/secrets/fireworks").then().statusCode(200).body(not(containsString("fw-secret")));

        Map<String, String> models = Map.of("together", TOGETHER_MODEL, "fireworks", FIREWORKS_MODEL, "openai", OPENAI_MODEL);
        String dataset = stack.validDataset(12, 4);
        Map<String, String> jobs = new LinkedHashMap<>();
        models.forEach((backend, model) -> jobs.put(backend, submit("t-same", dataset, backend, model, SPEC, null).then().statusCode(201)
                .body("status", equalTo("QUEUED")).body("hyperparameterSources.epochs", equalTo("user"))
                .body("cost.estimateHighUsd", notNullValue()).extract().path("id")));

        jobs.forEach((backend, id) -> {
            JsonPath job = awaitFinished(id);
            assertEquals("SUCCEEDED", job.getString("status"), backend + ": " + job.prettify());
            assertEquals(CANONICAL_SUCCESS, TestStack.states(id), backend);
            ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
            ContractSchemas.assertValid("job-completed", completed.value());
            JsonPath event = JsonPath.from(completed.value());
            assertEquals(backend, event.getString("backend"));
            assertTrue(event.getString("adapterKey").startsWith(backend + ":"), event.prettify());
        });
        JsonPath together = awaitFinished(jobs.get("together"));
        assertEquals("completed", together.getString("provider.rawStatus"));
        assertEquals("me/llama-ft", together.getString("provider.outputModel"));
        assertEquals(1.2345f, together.getFloat("cost.actualUsd"), 1e-6);
        given().when().get("/jobs/" + jobs.get("together") + "/metrics").then().statusCode(200)
                .body("steps.step", equalTo(List.of(1, 2))).body("steps[1].loss", equalTo(1.2f));
        given().when().get("/jobs/" + jobs.get("together") + "/checkpoints").then().statusCode(200)
                .body("reference", equalTo(List.of("ft-tg-1")));
        given().when().get("/jobs/" + jobs.get("together") + "/events").then().statusCode(200)
                .body("type", hasItems("UPLOADED", "CREATED", "PROVIDER")).body("message", hasItems("job_start: Training started"));
        assertEquals(1, creates("/together/v1/fine-tunes"));
        assertEquals(1, creates("/fireworks/v1/accounts/acct/supervisedFineTuningJobs"));
        assertEquals(1, creates("/openai/v1/fine_tuning/jobs"));
    }

    @Test
    void aSucceededTogetherJobsWeightsAreCopiedIntoTheBucketWhenAsked() {
        stubTogether("ft-tg-dl", 0, "running", "completed");
        byte[] archive = "a LoRA adapter as a tar.gz".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ProviderStubs.server.stubFor(get(urlPathEqualTo("/together/v1/finetune/download"))
                .withQueryParam("ft_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("ft-tg-dl"))
                .withQueryParam("checkpoint", com.github.tomakehurst.wiremock.client.WireMock.equalTo("adapter"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-tar").withBody(archive)));
        String dataset = stack.validDataset(12, 4);
        String id = submit("t-download", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));

        given().when().post("/jobs/" + id + "/download").then().statusCode(202).body("id", equalTo(id));
        String key = "jobs/" + id + "/provider-weights.tar.gz";
        TestStack.await("the weights in the bucket", () -> storage.exists(key) ? true : null, Duration.ofSeconds(20));
        org.junit.jupiter.api.Assertions.assertArrayEquals(archive, storage.read(key));
        TestStack.await("the download in the job's history", () -> given().when().get("/jobs/" + id + "/events").then().extract()
                .<List<String>>path("message").stream().anyMatch(m -> m.contains(archive.length + " bytes to " + key)) ? true : null,
                Duration.ofSeconds(10));
        given().when().post("/jobs/ft-00000000000000000000000000000000/download").then().statusCode(404).body("code", equalTo("JOB_NOT_FOUND"));
    }

    @Test
    void aRestartInTheMiddleReattachesToEveryJobAndCreatesNothingTwice() {
        stubTogether("ft-tg-2", 0, "pending", "running", "running", "running", "running", "running", "running", "running", "running", "completed");
        stubOpenAi("ftjob-2", "queued", "running", "running", "running", "running", "running", "running", "running", "running", "succeeded");
        String dataset = stack.validDataset(12, 4);
        String tg = submit("t-restart", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        String oa = submit("t-restart", dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(tg, "RUNNING");
        awaitStatus(oa, "RUNNING");

        providerJobs.restartTracking();

        for (String id : List.of(tg, oa)) {
            assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));
            assertEquals(CANONICAL_SUCCESS, TestStack.states(id));
            List<String> types = given().when().get("/jobs/" + id + "/events").then().extract().path("type");
            assertTrue(types.contains("REATTACHED"), types.toString());
        }
        assertEquals(1, creates("/together/v1/fine-tunes"));
        assertEquals(1, creates("/openai/v1/fine_tuning/jobs"));
    }

    @Test
    void aJobOverItsBudgetIsRefusedWithTheNumbersBeforeAnyRequestToTheProvider() {
        String dataset = stack.validDataset(12, 4);
        ProviderStubs.server.resetRequests();
        submit("t-budget", dataset, "together", TOGETHER_MODEL, SPEC, "0.0000001").then().statusCode(402)
                .body("code", equalTo("JOB_OVER_BUDGET")).body("scope", equalTo("job"))
                .body("estimateHighUsd", notNullValue()).body("capUsd", notNullValue()).body("detail", containsString("nothing was sent"));
        assertEquals(0, ProviderStubs.server.getAllServeEvents().size(), "no request may reach the provider");
    }

    @Test
    void settingsOutsideTheProvidersOrModelsLimitsAreEachListedWithTheirRange() {
        String dataset = stack.validDataset(12, 4);
        JsonPath problem = submit("t-limits", dataset, "together", TOGETHER_MODEL,
                Map.of("loraRank", 1000, "epochs", 0, "learningRate", -1, "warmupRatio", 2, "bogus", 1), null)
                .then().statusCode(400).body("code", equalTo("JOB_HYPERPARAMETERS_INVALID")).extract().jsonPath();
        assertEquals(List.of("bogus", "epochs", "learningRate", "loraRank", "warmupRatio"),
                problem.getList("errors.field", String.class).stream().sorted().toList());
        assertEquals("1..64", problem.getString("errors.find { it.field == 'loraRank' }.allowed"));
        assertEquals("at least 1", problem.getString("errors.find { it.field == 'epochs' }.allowed"));
        submit("t-limits", dataset, "together", "llama-9000", SPEC, null).then().statusCode(400)
                .body("code", equalTo("JOB_MODEL_UNKNOWN")).body("detail", containsString("llama-9000"));
        // OpenAI exposes no LoRA rank: a setting it would have to drop is refused, naming it.
        submit("t-limits", dataset, "openai", OPENAI_MODEL, Map.of("loraRank", 8), null).then().statusCode(400)
                .body("code", equalTo("JOB_SPEC_UNSUPPORTED")).body("field", equalTo("loraRank"));
        assertEquals(0, creates("/openai/v1/fine_tuning/jobs"));
    }

    @Test
    void aMissingOrRejectedKeyIsAClearErrorBeforeAnythingIsCreated() {
        String dataset = stack.validDataset(12, 4);
        submit("t-nokey", dataset, "fireworks", FIREWORKS_MODEL, SPEC, null).then().statusCode(422)
                .body("code", equalTo("JOB_PROVIDER_KEY_MISSING")).body("detail", containsString("FIREWORKS_API_KEY"));
        // A key the provider rejects (expired, revoked): the job ends FAILED with the code, nothing is created.
        stubTogether("ft-tg-6", 0, "pending");
        ProviderStubs.server.stubFor(post("/together/v1/files/upload")
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Invalid API key provided\"}}")));
        String id = submit("t-badkey", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("PROVIDER_AUTH_FAILED", job.getString("result.failureCode"));
        assertTrue(job.getString("result.failureReason").contains("wrong or expired"), job.prettify());
        assertFalse(job.prettify().contains("tg-test-key"));
        assertEquals(0, creates("/together/v1/fine-tunes"));
    }

    @Test
    void aProviderOutageAtCreateFailsTheJobInsteadOfLeavingItRunning() {
        stubTogether("ft-tg-3", 0, "pending");
        ProviderStubs.server.stubFor(post("/together/v1/fine-tunes").willReturn(aResponse().withStatus(503).withBody("{\"message\":\"overloaded\"}")));
        String dataset = stack.validDataset(12, 4);
        String id = submit("t-outage", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("PROVIDER_UNAVAILABLE", job.getString("result.failureCode"));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", completed.value());
    }

    @Test
    void aCancelAndACrossedCostCapBothEndCancelledWithAnEventSayingWhy() {
        String dataset = stack.validDataset(12, 4);
        // The cost cap: the provider reports $3 while the job's own cap is $1.
        stubTogetherCancellable("ft-tg-4", 3_000_000_000L);
        String capped = submit("t-cap", dataset, "together", TOGETHER_MODEL, SPEC, "1").then().statusCode(201).extract().path("id");
        assertEquals("CANCELLED", awaitFinished(capped).getString("status"));
        assertEquals(List.of("QUEUED", "RUNNING", "CANCELLING", "CANCELLED"), TestStack.states(capped));
        given().when().get("/jobs/" + capped + "/events").then()
                .body("find { it.type == 'BUDGET' }.message", containsString("crossed the hard cap of $1"));
        assertEquals(3.0f, awaitFinished(capped).getFloat("cost.actualUsd"), 1e-6);

        ProviderStubs.server.resetAll();
        stubTogetherCancellable("ft-tg-5", null);
        String id = submit("t-cancel", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(id, "RUNNING");
        given().queryParam("reason", "wrong dataset").when().post("/jobs/" + id + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLING"));
        JsonPath job = awaitFinished(id);
        assertEquals("CANCELLED", job.getString("status"));
        assertEquals("wrong dataset", job.getString("result.failureReason"));
        given().when().post("/jobs/" + id + "/cancel").then().statusCode(409).body("code", equalTo("JOB_ALREADY_FINISHED"));
    }

    // --- helpers (the other provider test classes share them) ---------------------------------------------------------------------------------------------

    static io.restassured.response.Response submit(String tenant, String dataset, String backend, String model, Map<String, Object> hp,
                                                    String budgetUsd) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", dataset);
        body.put("backend", backend);
        body.put("baseModel", model);
        body.put("hyperparameters", hp);
        if (budgetUsd != null) {
            body.put("budgetUsd", new java.math.BigDecimal(budgetUsd));
        }
        return given().contentType(ContentType.JSON).header("X-Refinery-Tenant", tenant).body(body).when().post("/jobs");
    }

    static io.restassured.response.Response submitStage(String tenant, String dataset, String backend, String fromJob, Map<String, Object> hp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", dataset);
        body.put("backend", backend);
        body.put("method", "dpo");
        body.put("fromJob", fromJob);
        body.put("hyperparameters", hp);
        return given().contentType(ContentType.JSON).header("X-Refinery-Tenant", tenant).body(body).when().post("/jobs");
    }

    /** The body of the newest create request sent to {@code path}. */
    static com.fasterxml.jackson.databind.JsonNode lastCreate(String path) throws Exception {
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = ProviderStubs.server.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertFalse(requests.isEmpty(), "no create request to " + path);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(requests.get(requests.size() - 1).getBodyAsString());
    }

    static int creates(String path) {
        return ProviderStubs.server.findAll(postRequestedFor(urlPathEqualTo(path))).size();
    }

    static JsonPath awaitFinished(String id) {
        return TestStack.await("job " + id + " to finish", () -> {
            JsonPath job = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
            String status = job.getString("status");
            return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status) ? job : null;
        }, Duration.ofSeconds(30));
    }

    static void awaitStatus(String id, String status) {
        TestStack.await("job " + id + " " + status, () -> status.equals(given().when().get("/jobs/" + id).then().extract().path("status")),
                Duration.ofSeconds(30));
    }

    /** One stub per status, each answered once in order; the last one repeats. */
    static void inSequence(String scenario, List<MappingBuilder> steps) {
        for (int i = 0; i < steps.size(); i++) {
            com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder step = steps.get(i).inScenario(scenario).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "s" + i);
            ProviderStubs.server.stubFor(i == steps.size() - 1 ? step : step.willSetStateTo("s" + (i + 1)));
        }
    }

    static String togetherJob(String id, String status, long steps, Long nanoDollars) {
        return "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"model\":\"" + TOGETHER_MODEL + "\",\"created_at\":\"2026-11-28T10:00:00Z\","
                + "\"steps_completed\":" + steps + ",\"total_steps\":2,\"token_count\":5000"
                + (nanoDollars == null ? "" : ",\"total_price\":" + nanoDollars) + ",\"model_output_name\":\"me/llama-ft\"}";
    }

    static void stubTogetherBasics(String id) {
        var s = ProviderStubs.server;
        s.stubFor(post("/together/v1/files/upload").willReturn(okJson("{\"id\":\"file-tg\",\"object\":\"file\",\"filename\":\"train.jsonl\","
                + "\"bytes\":12,\"purpose\":\"fine-tune\"}")));
        s.stubFor(get(urlPathEqualTo("/together/v1/fine-tunes/models/limits")).willReturn(okJson("{\"lora_training\":{\"max_rank\":64}}")));
        s.stubFor(post("/together/v1/fine-tunes").willReturn(okJson(togetherJob(id, "pending", 0, null))));
        s.stubFor(get("/together/v1/fine-tunes/" + id + "/events").willReturn(okJson("""
                {"data":[{"object":"fine-tune-event","created_at":"2026-11-28T10:01:00Z","level":"info","message":"Training started","type":"JOB_START"}]}""")));
        s.stubFor(get("/together/v1/fine-tunes/" + id + "/metrics").willReturn(okJson("""
                {"metrics":[{"train/loss":1.5,"train/learning_rate":1e-5,"train/global_step":1},
                            {"train/loss":1.2,"train/learning_rate":1e-5,"train/global_step":2}]}""")));
        s.stubFor(get("/together/v1/fine-tunes/" + id + "/checkpoints").willReturn(okJson("""
                {"data":[{"step":2,"path":"s3://x/final","created_at":"2026-11-28T10:10:00Z","checkpoint_type":"Final Adapter"}]}""")));
    }

    static void stubTogether(String id, long ignored, String... statuses) {
        stubTogetherBasics(id);
        List<MappingBuilder> steps = new java.util.ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            boolean last = i == statuses.length - 1;
            steps.add(get("/together/v1/fine-tunes/" + id).willReturn(okJson(togetherJob(id, statuses[i], last ? 2 : 1,
                    "completed".equals(statuses[i]) ? 1_234_500_000L : null))));
        }
        inSequence("together-" + id, steps);
    }

    /** A Together job that runs until cancelled (reporting {@code nanoDollars} spent), then reports cancelled. */
    static void stubTogetherCancellable(String id, Long nanoDollars) {
        stubTogetherBasics(id);
        var s = ProviderStubs.server;
        s.stubFor(get("/together/v1/fine-tunes/" + id).inScenario("c-" + id).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(togetherJob(id, "running", 1, nanoDollars))));
        s.stubFor(post("/together/v1/fine-tunes/" + id + "/cancel").inScenario("c-" + id)
                .willReturn(okJson(togetherJob(id, "cancel_requested", 1, nanoDollars))).willSetStateTo("cancelled"));
        s.stubFor(get("/together/v1/fine-tunes/" + id).inScenario("c-" + id).whenScenarioStateIs("cancelled")
                .willReturn(okJson(togetherJob(id, "cancelled", 1, nanoDollars))));
    }

    static void stubFireworks(String... states) {
        var s = ProviderStubs.server;
        s.stubFor(post("/fireworks/v1/accounts/acct/datasets").willReturn(okJson("{}")));
        s.stubFor(post(urlPathMatching("/fireworks/v1/accounts/acct/datasets/.*:upload")).willReturn(okJson("{\"bytes\":12}")));
        s.stubFor(post(urlPathEqualTo("/fireworks/v1/accounts/acct/supervisedFineTuningJobs")).willReturn(okJson(
                "{\"name\":\"accounts/acct/supervisedFineTuningJobs/{{request.query.supervisedFineTuningJobId}}\",\"state\":\"JOB_STATE_CREATING\"}")));
        List<MappingBuilder> steps = new java.util.ArrayList<>();
        for (String state : states) {
            steps.add(get(urlPathMatching("/fireworks/v1/accounts/acct/supervisedFineTuningJobs/[^/]+")).willReturn(okJson(
                    "{\"name\":\"accounts/acct/supervisedFineTuningJobs/{{request.pathSegments.[5]}}\",\"state\":\"" + state + "\""
                            + ("JOB_STATE_COMPLETED".equals(state) ? ",\"outputModel\":\"accounts/acct/models/llama-ft\"" : "") + "}")));
        }
        inSequence("fireworks", steps);
    }

    static void stubFireworksDpo(String... states) {
        var s = ProviderStubs.server;
        s.stubFor(post(urlPathEqualTo("/fireworks/v1/accounts/acct/dpoJobs")).willReturn(okJson(
                "{\"name\":\"accounts/acct/dpoJobs/{{request.query.dpoJobId}}\",\"state\":\"JOB_STATE_CREATING\"}")));
        List<MappingBuilder> steps = new java.util.ArrayList<>();
        for (String state : states) {
            steps.add(get(urlPathMatching("/fireworks/v1/accounts/acct/dpoJobs/[^/]+")).willReturn(okJson(
                    "{\"name\":\"accounts/acct/dpoJobs/{{request.pathSegments.[5]}}\",\"state\":\"" + state + "\""
                            + ("JOB_STATE_COMPLETED".equals(state) ? ",\"outputModel\":\"accounts/acct/models/llama-dpo\"" : "") + "}")));
        }
        inSequence("fireworks-dpo", steps);
    }

    /** Together creating a new job id for every create, each one completed at its first poll. */
    static void stubTogetherAnyJob() {
        stubTogetherBasics("ft-unused");
        var s = ProviderStubs.server;
        s.stubFor(post("/together/v1/fine-tunes").willReturn(okJson(togetherJob("ft-rr-{{randomValue length=12 type='ALPHANUMERIC' lowercase=true}}",
                "pending", 0, null))));
        s.stubFor(get(urlPathMatching("/together/v1/fine-tunes/ft-rr-[a-z0-9]+")).willReturn(okJson(togetherJob("{{request.pathSegments.[3]}}",
                "completed", 2, 1_000_000L))));
        s.stubFor(get(urlPathMatching("/together/v1/fine-tunes/ft-rr-[a-z0-9]+/(events|checkpoints)")).willReturn(okJson("{\"data\":[]}")));
        s.stubFor(get(urlPathMatching("/together/v1/fine-tunes/ft-rr-[a-z0-9]+/metrics")).willReturn(okJson("{\"metrics\":[]}")));
    }

    static void stubOpenAi(String id, String... statuses) {
        var s = ProviderStubs.server;
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        s.stubFor(post("/openai/v1/files").willReturn(okJson("{\"id\":\"file-oa\",\"object\":\"file\",\"bytes\":12,\"purpose\":\"fine-tune\"}")));
        s.stubFor(post("/openai/v1/fine_tuning/jobs").willReturn(okJson("{\"id\":\"" + id + "\",\"status\":\"queued\",\"error\":null}")));
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs/" + id + "/events")).willReturn(okJson("{\"data\":[],\"has_more\":false}")));
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs/" + id + "/checkpoints")).willReturn(okJson("{\"data\":[],\"has_more\":false}")));
        List<MappingBuilder> steps = new java.util.ArrayList<>();
        for (String status : statuses) {
            steps.add(get("/openai/v1/fine_tuning/jobs/" + id).willReturn(okJson("{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"error\":{},"
                    + "\"fine_tuned_model\":" + ("succeeded".equals(status) ? "\"ft:gpt-4o-mini:org::abc\"" : "null") + ",\"trained_tokens\":1000}")));
        }
        inSequence("openai-" + id, steps);
    }
}
