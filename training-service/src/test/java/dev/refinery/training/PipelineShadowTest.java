package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.refinery.training.TestStack.awaitRuns;
import static dev.refinery.training.TestStack.hex;
import static dev.refinery.training.TestStack.runs;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline with a shadow phase, against the real broker, S3 and PostgreSQL, with inference-service's shadow trials and
 * eval-service's registry answered by their contracts ({@link ShadowStandIn}): the first champion is promoted on its
 * evaluation (no live traffic to share yet); a later challenger that passes its evaluation is tried on the champion's live
 * requests and promoted only when its win rate reaches the pipeline's.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(ShadowStandIn.class)
class PipelineShadowTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String JUDGE = "together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aChallengerThatPassesItsEvaluationIsPromotedOnlyWhenItWinsEnoughOfTheChampionsLiveRequests() {
        ShadowStandIn.ALIASES.clear();
        ShadowStandIn.autoPromote = true;
        TestStack stack = new TestStack(kafka, storage);
        String collection = "col-" + hex();
        Map<String, Object> shadow = Map.of("share", 0.5, "pairs", 4, "minWinRate", 0.6, "within", "PT1H", "judge", JUDGE);
        String pipeline = given().contentType(ContentType.JSON).body(Map.of("name", "shadow-" + hex().substring(0, 8), "collectionId", collection,
                        "template", Map.of("hyperparameters", Map.of("epochs", 1, "batchSize", 8)), "shadow", shadow))
                .when().post("/pipelines").then().statusCode(201).body("shadow.share", equalTo(0.5f)).body("shadow.pairs", equalTo(4))
                .body("shadow.judge", equalTo(JUDGE)).extract().jsonPath().getString("id");

        // the first version: no champion when it is evaluated, so it is promoted on its evaluation
        String first = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        JsonPath run = awaitRuns(pipeline, r -> "EVALUATING".equals(r.getString("[0].status")));
        String firstJob = run.getString("[0].jobId");
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> firstJob.equals(r.key()), WAIT);
        assertFalse(JsonPath.from(completed.value()).getBoolean("evaluation.promote"), "eval-service is asked not to promote on its own");
        String champion = "mv-" + hex();
        stack.evalFinishedAgainst(null, "ev-" + hex(), firstJob, first, champion, "IMPROVED", "PASSED_AWAITING_PROMOTION", 0.75);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("PROMOTED", run.getString("[0].decision"));
        assertTrue(run.getList("[0].reasons", String.class).stream().anyMatch(r -> r.contains("no champion yet")), run.prettify());
        assertNull(run.get("[0].shadow"), "no trial: no shadow counts");
        assertEquals(champion, ShadowStandIn.ALIASES.get("champion"), "promoted through eval-service's registry");
        assertTrue(ShadowStandIn.ASKED.stream().noneMatch(a -> a.path().startsWith("/v1/shadow-trials/")), "no trial without a champion");

        // the second: tried on the champion's live requests, wins 3 of 4 (0.75 >= 0.6): promoted
        String second = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        run = awaitRuns(pipeline, r -> r.getList("$").size() == 2 && "EVALUATING".equals(r.getString("[0].status")));
        String runId = run.getString("[0].id");
        String challenger = "mv-" + hex();
        stack.evalFinishedAgainst(champion, "ev-" + hex(), run.getString("[0].jobId"), second, challenger, "IMPROVED",
                "PASSED_AWAITING_PROMOTION", 0.8);
        run = awaitRuns(pipeline, r -> "SHADOW".equals(r.getString("[0].status")) && r.getString("[0].shadow.startedAt") != null);
        assertEquals("champion", run.getString("[0].shadow.alias"));
        JsonPath opened = JsonPath.from(TestStack.await("the trial opened", () -> ShadowStandIn.ASKED.stream()
                .filter(a -> a.method().equals("PUT") && a.path().equals("/v1/shadow-trials/" + runId)).findFirst().orElse(null), WAIT).body());
        assertEquals(challenger, opened.getString("challenger"));
        assertEquals(JUDGE, opened.getString("judge"));
        assertEquals(0.5, opened.getDouble("share"), 1e-9);
        assertEquals(4, opened.getInt("pairs"));
        assertEquals("PT1H", opened.getString("within"));
        assertEquals(champion, ShadowStandIn.ALIASES.get("champion"), "the champion keeps serving during the trial");
        TestStack.sleep(Duration.ofSeconds(2));
        assertEquals("SHADOW", runs(pipeline).getString("[0].status"), "an open trial holds the run");
        ShadowStandIn.end(runId, 3, 1, 0, 2);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("PROMOTED", run.getString("[0].decision"));
        assertEquals(3, run.getInt("[0].shadow.wins"));
        assertEquals(0.75, run.getDouble("[0].shadow.winRate"), 1e-9);
        assertTrue(run.getList("[0].reasons", String.class).stream().anyMatch(r -> r.contains("won 3, lost 1") && r.contains("reaches")),
                run.prettify());
        assertEquals(challenger, ShadowStandIn.ALIASES.get("champion"));
        assertEquals(1, ShadowStandIn.ASKED.stream().filter(a -> a.method().equals("PUT") && a.body().contains(challenger)
                && a.path().startsWith("/registry/aliases/")).count(), "promoted once");
        ConsumerRecord<String, String> finished = stack.probe().await("pipeline-run-finished",
                r -> r.value().contains(runId) && r.value().contains("\"shadow\""), WAIT);
        ContractSchemas.assertValid("pipeline-run-finished", 1, finished.value());
        assertEquals(3, JsonPath.from(finished.value()).getInt("shadow.wins"));

        // the third: loses more than it wins: not promoted, the champion keeps serving
        String third = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        run = awaitRuns(pipeline, r -> r.getList("$").size() == 3 && "EVALUATING".equals(r.getString("[0].status")));
        String thirdRun = run.getString("[0].id");
        String loser = "mv-" + hex();
        stack.evalFinishedAgainst(challenger, "ev-" + hex(), run.getString("[0].jobId"), third, loser, "IMPROVED",
                "PASSED_AWAITING_PROMOTION", 0.81);
        TestStack.await("the third trial opened", () -> ShadowStandIn.TRIALS.get(thirdRun), WAIT);
        ShadowStandIn.end(thirdRun, 1, 2, 1, 0);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("NOT_PROMOTED", run.getString("[0].decision"));
        assertEquals(1 / 3.0, run.getDouble("[0].shadow.winRate"), 1e-6, "over the decisive pairs: 1 of 3");
        assertEquals(challenger, ShadowStandIn.ALIASES.get("champion"), "the champion keeps serving");
        assertTrue(ShadowStandIn.ASKED.stream().noneMatch(a -> a.body().contains(loser) && a.path().startsWith("/registry/aliases/")));
        ShadowStandIn.ASKED.stream().filter(a -> !a.path().startsWith("/registry/policy"))
                .forEach(a -> assertNotNull(a.identity(), "every call made as the project: " + a));
    }

    @Test
    void aRunKeepsTheSettingsItStartedWithAndIsPromotedOnlyOverTheChampionItWasComparedWithAndOnlyIfTheProjectPromotesOnItsOwn() {
        ShadowStandIn.ALIASES.clear();
        ShadowStandIn.autoPromote = true;
        TestStack stack = new TestStack(kafka, storage);
        String collection = "col-" + hex();
        String name = "rules-" + hex().substring(0, 8);
        String pipeline = given().contentType(ContentType.JSON).body(pipelineBody(name, collection, 2)).when().post("/pipelines")
                .then().statusCode(201).extract().jsonPath().getString("id");
        String first = "mv-" + hex();
        evaluated(stack, pipeline, collection, 1, null, first);
        awaitRuns(pipeline, r -> "PROMOTED".equals(r.getString("[0].decision")));

        // settings changed while a run is in its shadow phase: the run decides on those it started with (2 pairs)
        String second = "mv-" + hex();
        String secondRun = evaluated(stack, pipeline, collection, 2, first, second);
        given().contentType(ContentType.JSON).body(pipelineBody(name, collection, 50)).when().put("/pipelines/" + pipeline)
                .then().statusCode(200).body("shadow.pairs", equalTo(50));
        ShadowStandIn.end(secondRun, 1, 0, 1, 0);
        JsonPath run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("PROMOTED", run.getString("[0].decision"), run.prettify());
        assertEquals(second, ShadowStandIn.ALIASES.get("champion"));

        // a person promoted another version during the trial: the challenger was not compared with it
        String third = "mv-" + hex();
        String thirdRun = evaluated(stack, pipeline, collection, 3, second, third);
        String byHand = "mv-" + hex();
        ShadowStandIn.ALIASES.put("champion", byHand);
        ShadowStandIn.end(thirdRun, 50, 0, 0, 0);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("NOT_PROMOTED", run.getString("[0].decision"));
        assertTrue(run.getList("[0].reasons", String.class).stream().anyMatch(r -> r.contains("names " + byHand + " now")), run.prettify());
        assertEquals(byHand, ShadowStandIn.ALIASES.get("champion"));

        // the project promotes by hand: a challenger that wins waits for a person
        ShadowStandIn.autoPromote = false;
        String fourthRun = evaluated(stack, pipeline, collection, 4, byHand, "mv-" + hex());
        ShadowStandIn.end(fourthRun, 50, 0, 0, 0);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("PASSED_AWAITING_PROMOTION", run.getString("[0].decision"), run.prettify());
        assertEquals(byHand, ShadowStandIn.ALIASES.get("champion"));

        // a judge that changes its mind on every swap decides nothing: not promoted
        ShadowStandIn.autoPromote = true;
        String fifthRun = evaluated(stack, pipeline, collection, 5, byHand, "mv-" + hex());
        ShadowStandIn.end(fifthRun, 0, 0, 50, 0);
        run = awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));
        assertEquals("NOT_PROMOTED", run.getString("[0].decision"));
        assertNull(run.get("[0].shadow.winRate"), run.prettify());
        assertTrue(run.getList("[0].reasons", String.class).stream().anyMatch(r -> r.contains("no pair was decisive")), run.prettify());
        assertEquals(byHand, ShadowStandIn.ALIASES.get("champion"));
    }

    private static Map<String, Object> pipelineBody(String name, String collection, int pairs) {
        return Map.of("name", name, "collectionId", collection, "template", Map.of("hyperparameters", Map.of("epochs", 1, "batchSize", 8)),
                "shadow", Map.of("share", 1.0, "pairs", pairs, "minWinRate", 0.5, "within", "PT1H", "judge", JUDGE));
    }

    /**
     * The pipeline's run {@code n} on a new version, trained, and evaluated as passed against {@code champion}; with a
     * champion, waits for its trial to open and returns the run's id.
     */
    private static String evaluated(TestStack stack, String pipeline, String collection, int n, String champion, String version) {
        String dataset = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        JsonPath run = awaitRuns(pipeline, r -> r.getList("$").size() == n && "EVALUATING".equals(r.getString("[0].status")));
        String runId = run.getString("[0].id");
        stack.evalFinishedAgainst(champion, "ev-" + hex(), run.getString("[0].jobId"), dataset, version, "IMPROVED",
                "PASSED_AWAITING_PROMOTION", 0.8);
        if (champion != null) {
            TestStack.await("the trial of " + runId + " opened", () -> ShadowStandIn.TRIALS.get(runId), WAIT);
            awaitRuns(pipeline, r -> r.getString("[0].shadow.startedAt") != null);
        }
        return runId;
    }

    @Test
    void aBadShadowPhaseIsRefusedFieldByField() {
        String collection = "col-" + hex();
        for (Map.Entry<Map<String, Object>, String> bad : Map.<Map<String, Object>, String>of(
                Map.of("share", 0, "judge", JUDGE), "shadow.share",
                Map.of("share", 0.1, "pairs", 0, "judge", JUDGE), "shadow.pairs",
                Map.of("share", 0.1, "minWinRate", 1.5, "judge", JUDGE), "shadow.minWinRate",
                Map.of("share", 0.1, "within", "tomorrow", "judge", JUDGE), "shadow.within",
                Map.of("share", 0.1), "shadow.judge").entrySet()) {
            given().contentType(ContentType.JSON).body(Map.of("name", "bad-" + hex().substring(0, 8), "collectionId", collection,
                            "template", Map.of("hyperparameters", Map.of("epochs", 1)), "shadow", bad.getKey()))
                    .when().post("/pipelines").then().statusCode(400).body("code", equalTo("PIPELINE_FIELD_INVALID")).body("field", equalTo(bad.getValue()));
        }
    }

}
