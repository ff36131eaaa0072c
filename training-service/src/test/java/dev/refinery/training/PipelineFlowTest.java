package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.refinery.training.TestStack.hex;
import static dev.refinery.training.TestStack.runs;
import static dev.refinery.training.TestStack.sleep;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines against the real broker, S3 and PostgreSQL, training on the engine: a sealed version runs on its own (a job,
 * then the evaluation eval-service would announce), the next continues from the champion's job, a version seen twice runs
 * once; a run whose job keeps failing fails after the retries and pauses its pipeline with an alert, and nothing starts
 * until it is resumed; every bad request is refused by field.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class PipelineFlowTest {

    private static final Duration RUN = Duration.ofSeconds(120);
    private static final Map<String, Object> QUICK = Map.of("epochs", 1, "batchSize", 8, "learningRate", 0.005);

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;
    private String collection;

    @BeforeEach
    void connect() {
        stack = new TestStack(kafka, storage);
        collection = "col-" + hex();
    }

    @Test
    void aSealedVersionRunsOnItsOwnAndTheNextContinuesFromTheChampionsJob() {
        String pipeline = create(Map.of("name", "stories-" + hex().substring(0, 8), "collectionId", collection, "continueFrom", "champion",
                "template", Map.of("baseModel", "stories260K", "backend", "local", "hyperparameters", QUICK)));
        String first = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);

        JsonPath run = awaitRun(pipeline, 0, "EVALUATING");
        String job = run.getString("jobId");
        assertEquals(first, run.getString("datasetId"));
        assertEquals("version", run.getString("trigger"));
        assertEquals(1, run.getInt("attempts"));
        assertNull(run.get("fromJobId"), "no champion yet: from the base model");
        given().when().get("/jobs/" + job).then().statusCode(200).body("status", equalTo("SUCCEEDED")).body("datasetId", equalTo(first));

        String version = "mv-" + hex();
        evaluated(job, first, version, "IMPROVED", "PROMOTED");
        JsonPath ended = awaitRun(pipeline, 0, "SUCCEEDED");
        assertEquals("PROMOTED", ended.getString("decision"));
        assertEquals("IMPROVED", ended.getString("outcome"));
        assertEquals(version, ended.getString("modelVersionId"));
        assertEquals(0.75, ended.getDouble("candidateScore"), 1e-9);
        assertEquals(0.0, ended.getDouble("baselineScore"), 1e-9);
        assertEquals(0.7, ended.getDouble("championScore"), 1e-9, "the golden sample's champion");
        assertEquals(List.of("pass: opening_match +0.75 over the base model"), ended.getList("reasons"));
        ConsumerRecord<String, String> finished = stack.probe().await("pipeline-run-finished",
                r -> pipeline.equals(r.key()) && r.value().contains(ended.getString("id")), RUN);
        ContractSchemas.assertValid("pipeline-run-finished", 1, finished.value());
        assertEquals("refinery.pipeline-run-finished.v1", TopicProbe.header(finished, "ce_type"));
        JsonPath event = JsonPath.from(finished.value());
        assertEquals("SUCCEEDED", event.getString("status"));
        assertEquals(job, event.getString("jobId"));
        assertEquals(collection, event.getString("collectionId"));

        String second = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 20, 4);
        stack.announceValid(TestIdentity.DEFAULT_TENANT, collection, second, 20, 4); // the same version announced again
        run = awaitRun(pipeline, 0, "EVALUATING");
        assertEquals(second, run.getString("datasetId"));
        assertEquals(job, run.getString("fromJobId"), "continued from the champion's job");
        assertNotEquals(job, run.getString("jobId"));
        given().when().get("/jobs/" + run.getString("jobId")).then().statusCode(200).body("fromJob", equalTo(job));
        assertEquals(2, runs(pipeline).getList("$").size(), "one run per version, however often it is announced");
        given().when().get("/pipelines/" + pipeline).then().statusCode(200).body("lastRun.id", equalTo(run.getString("id")))
                .body("status", equalTo("ACTIVE"));
    }

    @Test
    void aRunWhoseJobKeepsFailingFailsAfterItsRetriesAndPausesThePipelineWithAnAlertUntilResumed() {
        String pipeline = create(Map.of("name", "failing-" + hex().substring(0, 8), "collectionId", collection, "maxAttempts", 2,
                "template", Map.of("hyperparameters", QUICK)));
        String broken = TestStack.newDatasetId();
        stack.announceValid(TestIdentity.DEFAULT_TENANT, collection, broken, 16, 4); // VALID, but its files are not there

        JsonPath run = awaitRun(pipeline, 0, "FAILED");
        assertEquals(2, run.getInt("attempts"), "tried again once, then given up");
        assertEquals("JOB_DATASET_SPLIT_MISSING", run.getString("failureCode"));
        JsonPath paused = given().when().get("/pipelines/" + pipeline).then().statusCode(200).extract().jsonPath();
        assertEquals("PAUSED", paused.getString("status"));
        assertTrue(paused.getString("pauseReason").contains("after 2 attempts"), paused.prettify());
        ConsumerRecord<String, String> alert = stack.probe().await("pipeline-paused", r -> pipeline.equals(r.key()), RUN);
        ContractSchemas.assertValid("pipeline-paused", 1, alert.value());
        assertEquals(run.getString("id"), JsonPath.from(alert.value()).getString("runId"));
        long jobs = given().when().get("/jobs?limit=500").then().statusCode(200).extract().jsonPath().getList("datasetId").stream()
                .filter(broken::equals).count();
        assertEquals(2, jobs, "two jobs, never a loop of them");

        String good = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        await(() -> runs(pipeline).getList("$").size() == 2 ? runs(pipeline) : null);
        sleep(Duration.ofSeconds(3)); // three sweeps: a paused pipeline starts nothing
        assertEquals("QUEUED", runs(pipeline).getString("[0].status"));

        given().when().post("/pipelines/" + pipeline + "/resume").then().statusCode(200).body("status", equalTo("ACTIVE"));
        run = awaitRun(pipeline, 0, "EVALUATING");
        assertEquals(good, run.getString("datasetId"));
    }

    @Test
    void aRunWhoseEvaluationNeverComesFailsAndPausesItsPipelineInsteadOfHoldingIt() {
        String pipeline = create(Map.of("name", "unevaluated-" + hex().substring(0, 8), "collectionId", collection,
                "template", Map.of("hyperparameters", QUICK)));
        stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        awaitRun(pipeline, 0, "EVALUATING");
        JsonPath run = awaitRun(pipeline, 0, "FAILED"); // no eval-finished: 20 s here (refinery.training.pipelines.evaluation-within)
        assertEquals("PIPELINE_EVAL_MISSING", run.getString("failureCode"));
        given().when().get("/pipelines/" + pipeline).then().statusCode(200).body("status", equalTo("PAUSED"));
    }

    @Test
    void aRunByHandTakesTheCollectionsNewestVersionOrTheOneNamed() {
        String pipeline = create(Map.of("name", "by-hand-" + hex().substring(0, 8), "collectionId", collection,
                "template", Map.of("hyperparameters", QUICK)));
        given().contentType(ContentType.JSON).body("{}").when().post("/pipelines/" + pipeline + "/runs").then().statusCode(409)
                .body("code", equalTo("PIPELINE_NO_VERSION"));
        given().when().post("/pipelines/" + pipeline + "/pause").then().statusCode(200).body("status", equalTo("PAUSED"));
        String older = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        String version = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", older)).when().post("/pipelines/" + pipeline + "/runs").then()
                .statusCode(202).body("trigger", equalTo("manual")).body("datasetId", equalTo(older)).body("status", equalTo("QUEUED"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", stack.validDataset(16, 4))).when().post("/pipelines/" + pipeline + "/runs")
                .then().statusCode(400).body("code", equalTo("PIPELINE_VERSION_UNKNOWN")).body("field", equalTo("datasetId"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", TestStack.newDatasetId())).when().post("/pipelines/" + pipeline + "/runs")
                .then().statusCode(400).body("code", equalTo("PIPELINE_VERSION_UNKNOWN"));
        given().when().post("/pipelines/" + pipeline + "/runs").then().statusCode(202).body("datasetId", equalTo(version));

        given().when().post("/pipelines/" + pipeline + "/resume").then().statusCode(200);
        JsonPath run = awaitRun(pipeline, 0, "EVALUATING");
        assertEquals(version, run.getString("datasetId"), "the newest queued run starts");
        assertEquals("SKIPPED", runs(pipeline).getString("[1].status"));
        assertEquals("PIPELINE_RUN_SUPERSEDED", runs(pipeline).getString("[1].failureCode"));
    }

    @Test
    void aDpoStageFollowsTheSftJobOnTheNewestPreferenceVersionAndOnlyItsModelIsEvaluatedOnTheVersionsTestSet() {
        String preferences = "col-" + hex();
        String pipeline = create(Map.of("name", "sft-dpo-" + hex().substring(0, 8), "collectionId", collection,
                "template", Map.of("hyperparameters", QUICK, "evaluation", Map.of("metric", "token_f1", "maxItems", 8)),
                "dpoStage", Map.of("collectionId", preferences, "hyperparameters", Map.of("epochs", 1, "batchSize", 8, "dpoBeta", 0.1))));
        String pairs = stack.preferenceVersion(TestIdentity.DEFAULT_TENANT, preferences, 16, 4);
        given().when().get("/pipelines/" + pipeline).then().statusCode(200).body("dpoStage.collectionId", equalTo(preferences))
                .body("trigger.on", equalTo("version"));
        String version = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4, 4);

        JsonPath run = awaitRun(pipeline, 0, "EVALUATING");
        String sft = run.getString("sftJobId");
        String dpo = run.getString("jobId");
        assertNotNull(sft, run.prettify());
        assertEquals(pairs, run.getString("preferenceDatasetId"));
        JsonPath sftJob = given().when().get("/jobs/" + sft).then().statusCode(200).extract().jsonPath();
        assertEquals("sft", sftJob.getString("method"));
        assertEquals(version, sftJob.getString("datasetId"));
        JsonPath dpoJob = given().when().get("/jobs/" + dpo).then().statusCode(200).extract().jsonPath();
        assertEquals("dpo", dpoJob.getString("method"));
        assertEquals(pairs, dpoJob.getString("datasetId"));
        assertEquals(sft, dpoJob.getString("fromJob"), "the DPO stage continues from the SFT stage's job");

        ConsumerRecord<String, String> sftDone = stack.probe().await("job-completed", r -> sft.equals(r.key()), RUN);
        assertEquals(false, JsonPath.from(sftDone.value()).getBoolean("evaluation.enabled"), "a stage on the way is not evaluated");
        ConsumerRecord<String, String> dpoDone = stack.probe().await("job-completed", r -> dpo.equals(r.key()), RUN);
        ContractSchemas.assertValid("job-completed", 2, dpoDone.value());
        JsonPath asked = JsonPath.from(dpoDone.value());
        assertEquals(version, asked.getString("evaluation.datasetId"), "scored on the version's test set, not on the pairs");
        assertEquals("token_f1", asked.getString("evaluation.metric"));
        assertEquals(8, asked.getInt("evaluation.maxItems"));

        evaluated(dpo, pairs, "mv-" + hex(), "IMPROVED", "PROMOTED");
        awaitRun(pipeline, 0, "SUCCEEDED");
        // The champion learned these pairs: the next run, from it, has no DPO stage until new pairs are sealed.
        stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        run = awaitRun(pipeline, 0, "EVALUATING");
        assertNull(run.get("preferenceDatasetId"), run.prettify());
        assertNull(run.get("sftJobId"));
        assertEquals(dpo, run.getString("fromJobId"), "from the champion, the DPO stage's job");
    }

    @Test
    void aScheduledPipelineTrainsTheNewestVersionAtItsTimeAndNothingWhenNothingIsNew() {
        String pipeline = create(Map.of("name", "nightly-" + hex().substring(0, 8), "collectionId", collection,
                "template", Map.of("hyperparameters", QUICK), "trigger", Map.of("on", "schedule", "every", "PT5S")));
        JsonPath created = given().when().get("/pipelines/" + pipeline).then().statusCode(200).extract().jsonPath();
        assertEquals("schedule", created.getString("trigger.on"));
        assertEquals("PT5S", created.getString("trigger.every"));
        assertNotNull(created.getString("trigger.nextAt"));
        String older = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        String newest = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);

        JsonPath run = awaitRun(pipeline, 0, "EVALUATING");
        assertEquals("schedule", run.getString("trigger"));
        assertEquals(newest, run.getString("datasetId"), "the newest version at the schedule's time, not each one");
        evaluated(run.getString("jobId"), newest, "mv-" + hex(), "IMPROVED", "PROMOTED");
        awaitRun(pipeline, 0, "SUCCEEDED");
        sleep(Duration.ofSeconds(12)); // two more turns of the schedule, with nothing new
        assertEquals(1, runs(pipeline).getList("$").size(), "nothing new: no run, nothing paid for");
        assertTrue(runs(pipeline).getList("datasetId").stream().noneMatch(older::equals));
    }

    @Test
    void aPipelinesSettingsAreReplacedAsAWholeCheckedLikeACreateWhileItsCollectionStays() {
        String name = "changing-" + hex().substring(0, 8);
        String pipeline = create(Map.of("name", name, "collectionId", collection, "template", Map.of("hyperparameters", QUICK)));
        String taken = "taken-" + hex().substring(0, 8);
        create(Map.of("name", taken, "collectionId", collection, "template", Map.of("hyperparameters", QUICK)));

        change(pipeline, Map.of("name", name, "template", Map.of("hyperparameters", Map.of("epochz", 1)))).statusCode(400)
                .body("code", equalTo("PIPELINE_FIELD_INVALID")).body("field", equalTo("template.hyperparameters.epochz"));
        change(pipeline, Map.of("name", name, "collectionId", "col-" + hex(), "template", Map.of())).statusCode(400)
                .body("field", equalTo("collectionId"));
        change(pipeline, Map.of("name", taken, "template", Map.of())).statusCode(409).body("code", equalTo("PIPELINE_NAME_TAKEN"));
        change(pipeline, Map.of("name", name, "template", Map.of(), "trigger", Map.of("on", "schedule", "every", "soon"))).statusCode(400)
                .body("field", equalTo("trigger.every"));
        given().when().get("/pipelines/" + pipeline).then().statusCode(200).body("name", equalTo(name))
                .body("trigger.on", equalTo("version")).body("maxAttempts", equalTo(2)); // a refused change changed nothing

        change(pipeline, Map.of("name", name + "-v2", "collectionId", collection, "maxAttempts", 3,
                "template", Map.of("hyperparameters", QUICK, "evaluation", Map.of("metric", "token_f1")),
                "trigger", Map.of("on", "schedule", "every", "PT1H"))).statusCode(200)
                .body("name", equalTo(name + "-v2")).body("collectionId", equalTo(collection)).body("maxAttempts", equalTo(3))
                .body("trigger.on", equalTo("schedule")).body("trigger.every", equalTo("PT1H"))
                .body("template.evaluation.metric", equalTo("token_f1"));
        JsonPath changed = given().when().get("/pipelines/" + pipeline).then().statusCode(200).extract().jsonPath();
        assertNotNull(changed.getString("trigger.nextAt"), "the schedule starts from the change");
        assertEquals("token_f1", changed.getString("template.evaluation.metric"));

        TestIdentity.actAs("other-" + hex().substring(0, 8));
        change(pipeline, Map.of("name", "mine-now", "template", Map.of())).statusCode(404).body("code", equalTo("PIPELINE_NOT_FOUND"));
        TestIdentity.actAs(TestIdentity.DEFAULT_TENANT);
        given().when().get("/pipelines/" + pipeline).then().statusCode(200).body("name", equalTo(name + "-v2"));
    }

    private static io.restassured.response.ValidatableResponse change(String pipeline, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().put("/pipelines/" + pipeline).then();
    }

    @Test
    void everyBadFieldIsRefusedByNameAndAnotherProjectsPipelineIsUnknown() {
        Map<String, Object> good = Map.of("name", "checked-" + hex().substring(0, 8), "collectionId", collection,
                "template", Map.of("hyperparameters", QUICK));
        refused(with(good, "name", "no spaces allowed"), "name");
        refused(with(good, "collectionId", "ds-123"), "collectionId");
        refused(with(good, "template", null), "template");
        refused(with(good, "template", Map.of("backend", "colab")), "template.backend");
        refused(with(good, "template", Map.of("method", "ppo")), "template.method");
        refused(with(good, "template", Map.of("hyperparameters", Map.of("epochz", 3))), "template.hyperparameters.epochz");
        refused(with(good, "maxAttempts", 9), "maxAttempts");
        refused(with(good, "continueFrom", "yesterday"), "continueFrom");
        refused(with(good, "budget", Map.of("usd", -5)), "budget.usd");
        refused(with(good, "budget", Map.of("usd", 5, "period", "fortnight")), "budget.period");
        refused(with(good, "budget", Map.of("usd", 5)), "budget"); // the local engine is not priced: nothing to cap
        refused(with(good, "trigger", Map.of("on", "hourly")), "trigger.on");
        refused(with(good, "trigger", Map.of("on", "schedule")), "trigger.every");
        refused(with(good, "trigger", Map.of("on", "schedule", "every", "every day")), "trigger.every");
        refused(with(good, "trigger", Map.of("on", "schedule", "every", "PT1S")), "trigger.every");
        refused(with(good, "trigger", Map.of("on", "version", "margin", 0.1)), "trigger.margin");
        refused(with(good, "trigger", Map.of("on", "drift", "margin", 2)), "trigger.margin");
        refused(with(good, "trigger", Map.of("on", "drift", "margin", 0.05)), "trigger.on"); // no eval-service here to score the champion
        refused(with(good, "dpoStage", Map.of("collectionId", collection)), "dpoStage.collectionId");
        refused(with(good, "dpoStage", Map.of("collectionId", "col-" + hex(), "hyperparameters", Map.of("dpoBeta", -1))),
                "dpoStage.hyperparameters.dpoBeta");
        refused(with(with(good, "template", Map.of("method", "dpo")), "dpoStage", Map.of("collectionId", "col-" + hex())), "dpoStage");
        refused(with(good, "template", Map.of("evaluation", Map.of("metric", "accuracy"))), "template.evaluation.metric");
        refused(with(good, "template", Map.of("evaluation", Map.of("datasetId", TestStack.newDatasetId()))), "template.evaluation.datasetId");
        refused(with(good, "template", Map.of("evaluation", Map.of("enabled", false))), "template.evaluation.enabled");
        given().contentType(ContentType.JSON).header("Idempotency-Key", "pipeline-run:pr-1:1").body(Map.of("datasetId", TestStack.newDatasetId()))
                .when().post("/jobs").then().statusCode(400).body("code", equalTo("JOB_IDEMPOTENCY_KEY_RESERVED"));

        String pipeline = create(good);
        given().contentType(ContentType.JSON).body(good).when().post("/pipelines").then().statusCode(409)
                .body("code", equalTo("PIPELINE_NAME_TAKEN")).body("field", equalTo("name"));
        String otherProject = "other-" + hex().substring(0, 8);
        TestIdentity.actAs(otherProject);
        given().when().get("/pipelines/" + pipeline).then().statusCode(404).body("code", equalTo("PIPELINE_NOT_FOUND"));
        given().when().post("/pipelines/" + pipeline + "/pause").then().statusCode(404);
        assertEquals(0, given().when().get("/pipelines").then().statusCode(200).extract().jsonPath().getList("$").size());
        // A pipeline of the other project on the same collection id: the first project's versions run only the first's.
        String elsewhere = create(Map.of("name", "same-collection", "collectionId", collection, "template", Map.of("hyperparameters", QUICK)));
        TestIdentity.actAs(TestIdentity.DEFAULT_TENANT);
        given().when().get("/pipelines/" + elsewhere).then().statusCode(404);
        stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        await(() -> runs(pipeline).getList("$").isEmpty() ? null : runs(pipeline));
        TestIdentity.actAs(otherProject);
        assertEquals(0, runs(elsewhere).getList("$").size(), "a version of another project's collection runs nothing here");
    }

    private String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/pipelines").then().statusCode(201)
                .body("status", equalTo("ACTIVE")).extract().jsonPath().getString("id");
    }

    private static void refused(Map<String, Object> body, String field) {
        given().contentType(ContentType.JSON).body(body).when().post("/pipelines").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("PIPELINE_FIELD_INVALID")).body("field", equalTo(field));
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> changed = new HashMap<>(body);
        changed.put(key, value);
        return changed;
    }

    /** eval-finished v3 of {@code job}'s model, as eval-service announces it, scoring 0.75 over the base's 0.0. */
    private void evaluated(String job, String dataset, String version, String outcome, String decision) {
        stack.evalFinished("ev-" + hex(), job, dataset, version, outcome, decision, 0.75);
    }


    private static JsonPath awaitRun(String pipeline, int index, String status) {
        return TestStack.await("run " + index + " of " + pipeline + " " + status, () -> {
            JsonPath runs = runs(pipeline);
            return runs.getList("$").size() > index && status.equals(runs.getString("[" + index + "].status"))
                    ? element(runs, index) : null;
        }, RUN);
    }

    private static JsonPath element(JsonPath list, int index) {
        try {
            return JsonPath.from(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(list.getMap("[" + index + "]")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonPath await(java.util.function.Supplier<JsonPath> check) {
        return TestStack.await("the pipeline's runs", check, RUN);
    }

}
