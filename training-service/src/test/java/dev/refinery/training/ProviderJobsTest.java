package dev.refinery.training;

import dev.refinery.testing.TestIdentity;
import dev.refinery.identity.Scope;
import dev.refinery.identity.IdentityTokens;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.service.JobRunner;
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
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
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
    JobRunner runner;

    @Inject
    Backends backends;

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
        TestIdentity.actAs("t-same");
        stubTogether("ft-tg-1", 0, "pending", "running", "completed");
        stubFireworks("JOB_STATE_CREATING", "JOB_STATE_RUNNING", "JOB_STATE_COMPLETED");
        stubOpenAi("ftjob-1", "queued", "running", "succeeded");
        // Fireworks has no key in the environment here: the tenant stores its own, which is never shown again.
        given().contentType(ContentType.JSON).body(Map.of("apiKey", "fw-secret-abcdef", "accountId", "acct"))
                .when().put("/tenants/t-same/secrets/fireworks")
                .then().statusCode(200).body("stored", equalTo(true)).body(not(containsString("fw-secret-abcdef")));
        given().when().get("/tenants/t-same/secrets/fireworks").then().statusCode(200).body(not(containsString("fw-secret")));

        Map<String, String> models = Map.of("together", TOGETHER_MODEL, "fireworks", FIREWORKS_MODEL, "openai", OPENAI_MODEL);
        String dataset = stack.validDataset("t-same", 12, 4);
        Map<String, String> jobs = new LinkedHashMap<>();
        models.forEach((backend, model) -> jobs.put(backend, submit("t-same", dataset, backend, model, SPEC, null).then().statusCode(201)
                .body("status", equalTo("QUEUED")).body("hyperparameterSources.epochs", equalTo("user"))
                .body("cost.estimateHighUsd", notNullValue()).extract().path("id")));

        jobs.forEach((backend, id) -> {
            JsonPath job = awaitFinished(id);
            assertEquals("SUCCEEDED", job.getString("status"), backend + ": " + job.prettify());
            assertEquals(CANONICAL_SUCCESS, TestStack.states(id), backend);
            ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
            ContractSchemas.assertValid("job-completed", 2, completed.value());
            JsonPath event = JsonPath.from(completed.value());
            assertEquals(backend, event.getString("backend"));
            assertEquals(job.getString("provider.outputModel"), event.getString("artifact.providerModel"), event.prettify());
            assertEquals(backend.equals("openai") ? "provider-model" : "lora-adapter", event.getString("artifact.type"), event.prettify());
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
        String dataset = stack.validDataset("t-download", 12, 4);
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
        String dataset = stack.validDataset("t-restart", 12, 4);
        String tg = submit("t-restart", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        String oa = submit("t-restart", dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(tg, "RUNNING");
        awaitStatus(oa, "RUNNING");

        runner.restart();

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
        String dataset = stack.validDataset("t-budget", 12, 4);
        ProviderStubs.server.resetRequests();
        submit("t-budget", dataset, "together", TOGETHER_MODEL, SPEC, "0.0000001").then().statusCode(402)
                .body("code", equalTo("JOB_OVER_BUDGET")).body("scope", equalTo("job"))
                .body("estimateHighUsd", notNullValue()).body("capUsd", notNullValue()).body("detail", containsString("nothing was sent"));
        assertEquals(0, ProviderStubs.server.getAllServeEvents().size(), "no request may reach the provider");
    }

    @Test
    void settingsOutsideTheProvidersOrModelsLimitsAreEachListedWithTheirRange() {
        String dataset = stack.validDataset("t-limits", 12, 4);
        JsonPath problem = submit("t-limits", dataset, "together", TOGETHER_MODEL,
                Map.of("loraRank", 1000, "epochs", 0, "learningRate", -1, "warmupRatio", 2, "bogus", 1), null)
                .then().statusCode(400).body("code", equalTo("JOB_HYPERPARAMETERS_INVALID")).extract().jsonPath();
        assertEquals(List.of("bogus", "epochs", "learningRate", "loraRank", "warmupRatio"),
                problem.getList("errors.field", String.class).stream().sorted().toList());
        assertEquals("an integer from 1 to 64", problem.getString("errors.find { it.field == 'loraRank' }.allowed"));
        assertEquals("at least 1", problem.getString("errors.find { it.field == 'epochs' }.allowed"));
        submit("t-limits", dataset, "together", "llama-9000", SPEC, null).then().statusCode(400)
                .body("code", equalTo("JOB_MODEL_UNKNOWN")).body("detail", containsString("llama-9000"));
        // OpenAI exposes no LoRA rank: a setting it would have to drop is refused, naming it and what OpenAI takes.
        submit("t-limits", dataset, "openai", OPENAI_MODEL, Map.of("loraRank", 8), null).then().statusCode(400)
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID")).body("field", equalTo("loraRank"))
                .body("errors[0].allowed", containsString("epochs")).body("backend", equalTo("openai"));
        assertEquals(0, creates("/openai/v1/fine_tuning/jobs"));
    }

    @Test
    void anOversizedFieldIsRefusedAtTheDoorAndTheNextJobFlowsAsUsual() {
        stubTogether("ft-tg-after-huge", 0, "pending", "running", "completed");
        String dataset = stack.validDataset("t-huge", 12, 4);
        ProviderStubs.server.resetRequests();
        int jobsBefore = given().when().get("/jobs?limit=500").then().statusCode(200).extract().path("size()");
        // 1.2 MB would pass the HTTP body limit and land in job-submitted, which the broker refuses (1 MB by default).
        submit("t-huge", dataset, "together", TOGETHER_MODEL, Map.of("fromCheckpoint", "x".repeat(1_200_000)), null)
                .then().statusCode(400).body("code", equalTo("JOB_FIELD_TOO_LONG"))
                .body("errors.field", hasItem("fromCheckpoint")).body("errors.code", hasItem("JOB_FIELD_TOO_LONG"))
                .body("errors.find { it.field == 'fromCheckpoint' }.message", containsString("1200002 characters"));
        given().when().get("/jobs?limit=500").then().statusCode(200).body("size()", equalTo(jobsBefore));
        assertEquals(0, ProviderStubs.server.getAllServeEvents().size(), "nothing may reach the provider");

        String id = submit("t-huge", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));
        stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
    }

    @Test
    void aMissingOrRejectedKeyIsAClearErrorBeforeAnythingIsCreated() {
        String dataset = stack.validDataset("t-nokey", 12, 4);
        submit("t-nokey", dataset, "fireworks", FIREWORKS_MODEL, SPEC, null).then().statusCode(422)
                .body("code", equalTo("JOB_PROVIDER_KEY_MISSING")).body("detail", containsString("FIREWORKS_API_KEY"));
        // A key the provider rejects (expired, revoked): the job ends FAILED with the code, nothing is created.
        stubTogether("ft-tg-6", 0, "pending");
        ProviderStubs.server.stubFor(post("/together/v1/files/upload")
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Invalid API key provided\"}}")));
        String id = submit("t-badkey", stack.validDataset("t-badkey", 12, 4), "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
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
        String dataset = stack.validDataset("t-outage", 12, 4);
        String id = submit("t-outage", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("PROVIDER_UNAVAILABLE", job.getString("result.failureCode"));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
    }

    @Test
    void aCancelAndACrossedCostCapBothEndCancelledWithAnEventSayingWhy() {
        String dataset = stack.validDataset("t-cap", 12, 4);
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
        String id = submit("t-cancel", stack.validDataset("t-cancel", 12, 4), "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(id, "RUNNING");
        given().queryParam("reason", "wrong dataset").when().post("/jobs/" + id + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLING"));
        JsonPath job = awaitFinished(id);
        assertEquals("CANCELLED", job.getString("status"));
        assertEquals("wrong dataset", job.getString("result.failureReason"));
        given().when().post("/jobs/" + id + "/cancel").then().statusCode(409).body("code", equalTo("JOB_ALREADY_FINISHED"));
    }

    @Test
    void anOpenAiJobIsPausedAndResumedStayingRunningFollowedAndReattached() {
        stubOpenAiPausable("ftjob-p");
        String dataset = stack.validDataset("t-pause", 12, 4);
        String id = submit("t-pause", dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(id, "RUNNING");

        given().when().post("/jobs/" + id + "/pause").then().statusCode(200).body("status", equalTo("RUNNING"))
                .body("provider.rawStatus", equalTo("paused")).body("provider.pausedAt", notNullValue());
        given().when().post("/jobs/" + id + "/pause").then().statusCode(409).body("code", equalTo("JOB_NOT_PAUSABLE"))
                .body("detail", containsString("already paused"));
        // Paused is not stuck: the job is still polled (less often), and a restart follows it again.
        int polls = polls("/openai/v1/fine_tuning/jobs/ftjob-p");
        TestStack.await("polls of the paused job", () -> polls("/openai/v1/fine_tuning/jobs/ftjob-p") >= polls + 2 ? true : null, Duration.ofSeconds(15));
        runner.restart();
        TestStack.await("the paused job reattached", () -> eventTypes(id).contains("REATTACHED") ? true : null, Duration.ofSeconds(10));
        JsonPath paused = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("RUNNING", paused.getString("status"));
        assertEquals("paused", paused.getString("provider.rawStatus"));

        given().when().post("/jobs/" + id + "/resume").then().statusCode(200).body("status", equalTo("RUNNING"))
                .body("provider.rawStatus", equalTo("running")).body("provider.pausedAt", nullValue());
        JsonPath done = awaitFinished(id);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(CANONICAL_SUCCESS, TestStack.states(id), "a pause adds no canonical state");
        given().when().post("/jobs/" + id + "/resume").then().statusCode(409).body("code", equalTo("JOB_ALREADY_FINISHED"));

        List<String> types = eventTypes(id);
        assertEquals(1, types.stream().filter("PAUSE_REQUESTED"::equals).count(), types.toString());
        assertEquals(1, types.stream().filter("PAUSED"::equals).count(), "paused once, however many polls said so: " + types);
        assertEquals(1, types.stream().filter("RESUME_REQUESTED"::equals).count(), types.toString());
        assertEquals(1, types.stream().filter("RESUMED"::equals).count(), types.toString());
        assertEquals(1, creates("/openai/v1/fine_tuning/jobs/ftjob-p/pause"));
        assertEquals(1, creates("/openai/v1/fine_tuning/jobs/ftjob-p/resume"));
    }

    @Test
    void pauseAndResumeAreRefusedWithAStableCodeWhereTheyCannotHappen() {
        String dataset = stack.validDataset("t-nopause", 12, 4);
        // Together (like Fireworks, Kubernetes and the local engine) has no pause: refused before any request to it.
        stubTogetherCancellable("ft-tg-nopause", null);
        String tg = submit("t-nopause", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(tg, "RUNNING");
        for (String action : List.of("pause", "resume")) {
            given().when().post("/jobs/" + tg + "/" + action).then().statusCode(409).contentType("application/problem+json")
                    .body("code", equalTo("JOB_PAUSE_UNSUPPORTED")).body("backend", equalTo("together"))
                    .body("detail", containsString("OpenAI")).body(not(containsString("Exception")));
        }
        assertEquals(0, ProviderStubs.server.findAll(postRequestedFor(urlPathMatching("/together/v1/fine-tunes/.*/(pause|resume)"))).size());

        // An OpenAI job still QUEUED cannot be paused, and one not paused cannot be resumed.
        stubOpenAi("ftjob-q", "queued");
        String queued = submit("t-nopause", dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        TestStack.await("the queued job created", () -> given().when().get("/jobs/" + queued).then().extract().path("provider.jobId"),
                Duration.ofSeconds(20));
        given().when().post("/jobs/" + queued + "/pause").then().statusCode(409).body("code", equalTo("JOB_NOT_PAUSABLE"))
                .body("status", equalTo("QUEUED"));
        given().when().post("/jobs/" + queued + "/resume").then().statusCode(409).body("code", equalTo("JOB_NOT_PAUSED"));

        // OpenAI refusing the pause: 409 with its words, the job as it was, the refusal in its history.
        ProviderStubs.server.resetAll();
        stubOpenAi("ftjob-r", "running");
        ProviderStubs.server.stubFor(post("/openai/v1/fine_tuning/jobs/ftjob-r/pause").willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"Job ftjob-r cannot be paused now\",\"type\":\"invalid_request_error\"}}")));
        String refused = submit("t-nopause", dataset, "openai", OPENAI_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        awaitStatus(refused, "RUNNING");
        given().when().post("/jobs/" + refused + "/pause").then().statusCode(409).body("code", equalTo("JOB_PROVIDER_REJECTED"))
                .body("provider", equalTo("openai")).body("detail", containsString("cannot be paused now"));
        JsonPath job = given().when().get("/jobs/" + refused).then().extract().jsonPath();
        assertEquals("RUNNING", job.getString("status"));
        assertEquals("running", job.getString("provider.rawStatus"));
        given().when().get("/jobs/" + refused + "/events").then()
                .body("find { it.type == 'PAUSE_REQUESTED' }.level", equalTo("WARNING"))
                .body("find { it.type == 'PAUSE_REQUESTED' }.message", containsString("cannot be paused now"));
        given().when().post("/jobs/ft-00000000000000000000000000000000/pause").then().statusCode(404).body("code", equalTo("JOB_NOT_FOUND"));
    }

    /**
     * The crash window: Together accepted the create, and the process died before the job's id was stored. Together has no
     * idempotency key, so the restart must find the job (by the training file uploaded for it) instead of creating a second.
     */
    @Test
    void aCreateAnsweredJustBeforeACrashIsAdoptedAtRestartNotSubmittedAgain() {
        stubTogether("ft-tg-lost", 0, "pending", "running", "completed");
        ProviderStubs.server.stubFor(get("/together/v1/fine-tunes").willReturn(okJson("{\"data\":["
                + "{\"id\":\"ft-tg-other\",\"status\":\"completed\",\"created_at\":\"2026-11-28T09:00:00Z\",\"training_file\":\"file-not-ours\"},"
                + "{\"id\":\"ft-tg-lost\",\"status\":\"pending\",\"created_at\":\"2026-11-28T10:00:00Z\",\"training_file\":\"file-tg\"}]}")));
        CrashingBackends crash = CrashingBackends.install(backends, true);
        String dataset = stack.validDataset(CrashingBackends.TENANT, 12, 4);
        String id = submit(CrashingBackends.TENANT, dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        TestStack.await("the create to reach Together", () -> creates("/together/v1/fine-tunes") == 1 ? true : null, Duration.ofSeconds(20));
        TestStack.await("the crash", () -> crash.crashed() ? true : null, Duration.ofSeconds(10));
        JsonPath lost = given().when().get("/jobs/" + id).then().extract().jsonPath();
        assertEquals("QUEUED", lost.getString("status"), "the answer was lost with the process: " + lost.prettify());
        assertEquals(null, lost.getString("provider.jobId"));
        given().when().post("/jobs/" + id + "/cancel").then().statusCode(409).body("code", equalTo("JOB_CREATE_UNCONFIRMED"));

        crash.stop();
        runner.restart(); // what a restarted process does at start

        JsonPath job = awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals("ft-tg-lost", job.getString("provider.jobId"));
        assertEquals(CANONICAL_SUCCESS, TestStack.states(id));
        assertEquals(1, creates("/together/v1/fine-tunes"), "exactly one create reached Together");
        given().when().get("/jobs/" + id + "/events").then()
                .body("find { it.type == 'ADOPTED' }.message", containsString("ft-tg-lost"))
                .body("find { it.type == 'ADOPTED' }.message", containsString("file-tg"));
    }

    /** The other side of the window: the process died before the create left; Together has no job on our file, so it is submitted once. */
    @Test
    void aCreateThatNeverLeftBeforeACrashIsSubmittedOnceAtRestart() {
        stubTogether("ft-tg-once", 0, "pending", "completed");
        ProviderStubs.server.stubFor(get("/together/v1/fine-tunes").willReturn(okJson("{\"data\":["
                + "{\"id\":\"ft-tg-other\",\"status\":\"running\",\"created_at\":\"2026-11-28T09:00:00Z\",\"training_file\":\"file-not-ours\"}]}")));
        CrashingBackends crash = CrashingBackends.install(backends, false);
        String dataset = stack.validDataset(CrashingBackends.TENANT, 12, 4);
        String id = submit(CrashingBackends.TENANT, dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        TestStack.await("the crash", () -> crash.crashed() ? true : null, Duration.ofSeconds(20));
        assertEquals(0, creates("/together/v1/fine-tunes"));

        crash.stop();
        runner.restart();

        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));
        assertEquals(1, creates("/together/v1/fine-tunes"), "submitted once, after finding no job on our file");
        assertEquals(1, ProviderStubs.server.findAll(getRequestedFor(urlPathEqualTo("/together/v1/fine-tunes"))).size(), "looked once");
        given().when().get("/jobs/" + id + "/events").then().body("message", hasItem(containsString("reports no job on training file file-tg: submitting again")));
    }

    /** A create whose answer is a 502 although Together made the job (the answer lost on the way): adopted, not failed. */
    @Test
    void aCreateWhoseAnswerIsLostInTransitIsAdoptedInsteadOfFailed() {
        stubTogether("ft-tg-502", 0, "running", "completed");
        ProviderStubs.server.stubFor(post("/together/v1/fine-tunes").willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        ProviderStubs.server.stubFor(get("/together/v1/fine-tunes").willReturn(okJson("{\"data\":["
                + "{\"id\":\"ft-tg-502\",\"status\":\"pending\",\"created_at\":\"2026-11-28T10:00:00Z\",\"training_file\":\"file-tg\"}]}")));
        String dataset = stack.validDataset("t-502", 12, 4);
        String id = submit("t-502", dataset, "together", TOGETHER_MODEL, SPEC, null).then().statusCode(201).extract().path("id");
        JsonPath job = awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals("ft-tg-502", job.getString("provider.jobId"));
        assertEquals(1, creates("/together/v1/fine-tunes"));
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
        TestIdentity.actAs(tenant); // the rest of the test reads the job as its tenant
        return given().contentType(ContentType.JSON).body(body).when().post("/jobs");
    }

    static io.restassured.response.Response submitStage(String tenant, String dataset, String backend, String fromJob, Map<String, Object> hp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", dataset);
        body.put("backend", backend);
        body.put("method", "dpo");
        body.put("fromJob", fromJob);
        body.put("hyperparameters", hp);
        TestIdentity.actAs(tenant); // the rest of the test reads the job as its tenant
        return given().contentType(ContentType.JSON).body(body).when().post("/jobs");
    }

    /** The body of the newest create request sent to {@code path}. */
    static com.fasterxml.jackson.databind.JsonNode lastCreate(String path) throws Exception {
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = ProviderStubs.server.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertFalse(requests.isEmpty(), "no create request to " + path);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(requests.get(requests.size() - 1).getBodyAsString());
    }

    static int polls(String path) {
        return ProviderStubs.server.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    static List<String> eventTypes(String id) {
        return given().when().get("/jobs/" + id + "/events").then().extract().path("type");
    }

    /** An OpenAI job that runs until paused, stays paused until resumed, then runs once more and succeeds. */
    static void stubOpenAiPausable(String id) {
        var s = ProviderStubs.server;
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        s.stubFor(post("/openai/v1/files").willReturn(okJson("{\"id\":\"file-oa\",\"object\":\"file\",\"bytes\":12,\"purpose\":\"fine-tune\"}")));
        s.stubFor(post("/openai/v1/fine_tuning/jobs").willReturn(okJson(openAiJob(id, "queued"))));
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs/" + id + "/events")).willReturn(okJson("{\"data\":[],\"has_more\":false}")));
        s.stubFor(get(urlPathEqualTo("/openai/v1/fine_tuning/jobs/" + id + "/checkpoints")).willReturn(okJson("{\"data\":[],\"has_more\":false}")));
        String scenario = "pause-" + id;
        String job = "/openai/v1/fine_tuning/jobs/" + id;
        s.stubFor(get(job).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willReturn(okJson(openAiJob(id, "running"))));
        s.stubFor(post(job + "/pause").inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(openAiJob(id, "paused"))).willSetStateTo("paused"));
        s.stubFor(get(job).inScenario(scenario).whenScenarioStateIs("paused").willReturn(okJson(openAiJob(id, "paused"))));
        s.stubFor(post(job + "/resume").inScenario(scenario).whenScenarioStateIs("paused")
                .willReturn(okJson(openAiJob(id, "running"))).willSetStateTo("resumed"));
        s.stubFor(get(job).inScenario(scenario).whenScenarioStateIs("resumed").willReturn(okJson(openAiJob(id, "running"))).willSetStateTo("done"));
        s.stubFor(get(job).inScenario(scenario).whenScenarioStateIs("done").willReturn(okJson(openAiJob(id, "succeeded"))));
    }

    static String openAiJob(String id, String status) {
        return "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"error\":null,\"fine_tuned_model\":"
                + ("succeeded".equals(status) ? "\"ft:gpt-4o-mini:org::abc\"" : "null") + ",\"trained_tokens\":1000}";
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
