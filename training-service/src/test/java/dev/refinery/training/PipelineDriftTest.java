package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.refinery.training.TestStack.awaitRuns;
import static dev.refinery.training.TestStack.hex;
import static dev.refinery.training.TestStack.runs;
import static dev.refinery.training.TestStack.sleep;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drift trigger against the real broker, S3 and PostgreSQL, with eval-service's {@code POST /evals} answered by its
 * contract ({@link EvalServiceStandIn}) and its eval-finished events sent as it sends them: the first version runs (no
 * champion yet); a later version first scores the champion, and only a score more than the margin below the one it was
 * promoted on starts a run.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(EvalServiceStandIn.class)
class PipelineDriftTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aNewVersionStartsARunOnlyWhenTheChampionScoresMoreThanTheMarginBelowItsPromotionScore() {
        TestStack stack = new TestStack(kafka, storage);
        String collection = "col-" + hex();
        String pipeline = given().contentType(ContentType.JSON).body(Map.of("name", "drift-" + hex().substring(0, 8), "collectionId", collection,
                        "template", Map.of("hyperparameters", Map.of("epochs", 1, "batchSize", 8)), "trigger", Map.of("on", "drift", "margin", 0.1)))
                .when().post("/pipelines").then().statusCode(201).extract().jsonPath().getString("id");

        String first = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        JsonPath run = awaitRuns(pipeline, r -> r.getList("$").size() == 1 && "EVALUATING".equals(r.getString("[0].status")));
        assertEquals("version", run.getString("[0].trigger"), "no champion yet: nothing to drift from, the version runs");
        String champion = "mv-" + hex();
        stack.evalFinished("ev-" + hex(), run.getString("[0].jobId"), first, champion, "IMPROVED", "PROMOTED", 0.75);
        awaitRuns(pipeline, r -> "SUCCEEDED".equals(r.getString("[0].status")));

        String steady = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        EvalServiceStandIn.Asked asked = awaitAsked(steady);
        JsonPath request = JsonPath.from(asked.body());
        assertEquals(champion, request.getString("candidate"), "the champion is scored");
        assertEquals("opening_match", request.getString("metric"), "on the metric it was promoted on");
        assertNotNull(asked.identity(), "asked as the project");
        JsonPath check = awaitCheck(pipeline, "SCORING");
        assertEquals(asked.evalId(), check.getString("lastDriftCheck.evalId"));
        stack.evalFinished(asked.evalId(), run.getString("[0].jobId"), steady, champion, "NO_SIGNIFICANT_CHANGE", "NOT_APPLICABLE", 0.70);
        check = awaitCheck(pipeline, "STEADY");
        assertEquals(0.70, check.getDouble("lastDriftCheck.freshScore"), 1e-9);
        assertEquals(0.75, check.getDouble("lastDriftCheck.promotionScore"), 1e-9);
        assertTrue(check.getString("lastDriftCheck.reason").contains("steady"), check.prettify());
        sleep(Duration.ofSeconds(3));
        assertEquals(1, runs(pipeline).getList("$").size(), "0.70 is within 0.1 of 0.75: no run, nothing paid for");

        String drifted = stack.collectionVersion(TestIdentity.DEFAULT_TENANT, collection, 16, 4);
        stack.announceValid(TestIdentity.DEFAULT_TENANT, collection, drifted, 16, 4); // announced twice: one check
        asked = awaitAsked(drifted);
        stack.evalFinished(asked.evalId(), run.getString("[0].jobId"), drifted, champion, "REGRESSED", "NOT_APPLICABLE", 0.40);
        check = awaitCheck(pipeline, "DRIFTED");
        JsonPath runs = awaitRuns(pipeline, r -> r.getList("$").size() == 2);
        assertEquals("drift", runs.getString("[0].trigger"));
        assertEquals(drifted, runs.getString("[0].datasetId"));
        assertEquals(runs.getString("[0].id"), check.getString("lastDriftCheck.runId"));
        assertEquals(run.getString("[0].jobId"), awaitRuns(pipeline, r -> r.getString("[0].fromJobId") != null).getString("[0].fromJobId"),
                "the retrain continues from the champion's job");
        assertEquals(1, EvalServiceStandIn.ASKED.stream().filter(a -> a.body().contains(drifted)).count(), "one check per version");
        assertFalse(EvalServiceStandIn.ASKED.stream().anyMatch(a -> a.body().contains(first)), "the first version had no champion to check");
    }

    private static EvalServiceStandIn.Asked awaitAsked(String version) {
        return TestStack.await("eval-service asked to score the champion on " + version, () -> EvalServiceStandIn.ASKED.stream()
                .filter(a -> a.body().contains(version)).findFirst().orElse(null), WAIT);
    }

    private static JsonPath awaitCheck(String pipeline, String status) {
        return TestStack.await("the drift check " + status, () -> {
            JsonPath p = given().when().get("/pipelines/" + pipeline).then().statusCode(200).extract().jsonPath();
            return status.equals(p.getString("lastDriftCheck.status")) ? p : null;
        }, WAIT);
    }


}
