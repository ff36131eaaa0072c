package dev.refinery.eval;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model Together keeps is evaluated through Together's chat-completions API (a stub from the documented contract):
 * the fine-tune against its base model as Together serves it, per-item answers side by side, no held-out loss (an API
 * gives no log-probabilities), and a second evaluation of the same answers pays for nothing (the answer cache).
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(TogetherStub.class)
class ProviderModelEvaluationTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aTogetherFineTuneIsEvaluatedThroughTogethersApiAgainstItsBaseWithEveryAnswerKept() throws Exception {
        String tenant = "together-" + UUID.randomUUID().toString().substring(0, 8);
        TestIdentity.actAs(tenant);
        String datasetId = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, datasetId);
        String jobId = EvalFixtures.jobId();
        TopicProbe probe = new TopicProbe(kafka);
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.ofTenant(tenant, """
            {"jobId":"%s","datasetId":"%s","baseModel":"%s","status":"SUCCEEDED","backend":"together","method":"sft",\
            "artifact":{"type":"provider-model","providerModel":"%s"},"completedAt":"2026-12-07T10:00:00Z"}"""
                .formatted(jobId, datasetId, TogetherStub.BASE, TogetherStub.FINE_TUNE)), 2);

        JsonPath eval = EvalFixtures.awaitFinished(jobId, TestIdentity.header(tenant, Scope.READ));
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals("provider-model", eval.getString("artifactType"));
        assertEquals(TogetherStub.BASE, eval.getString("baseline.model"));
        assertEquals(0.0, eval.getDouble("baseline.metric"), 0.0, "the base model refuses every request");
        assertTrue(eval.getDouble("candidate.metric") > 0.9, eval.prettify());
        assertFalse(eval.getMap("baseline").containsKey("heldOutLoss"), "an API gives no log-probabilities: " + eval.prettify());
        assertEquals("IMPROVED", eval.getString("outcome"), eval.prettify());
        assertEquals("PROMOTED", eval.getString("decision"));
        assertTrue(eval.getList("reasons", String.class).stream().anyMatch(r -> r.startsWith("skip: forgetting guard")));

        // Per-item answers, side by side.
        Map<String, Object> first = given().when().get("/evals/" + eval.getString("id") + "/items?limit=1").then().statusCode(200)
                .extract().jsonPath().getMap("items[0]");
        assertEquals(EvalFixtures.testItems().get(0).get(1), first.get("candidateOutput"));
        assertEquals("I am sorry, I cannot help with that.", first.get("baselineOutput"));

        // Every request went to Together's path with the deployment's key, one per model and distinct prompt.
        List<LoggedRequest> asked = TogetherStub.server.findAll(postRequestedFor(urlEqualTo(TogetherStub.PATH)));
        long distinctPrompts = EvalFixtures.testItems().stream().map(i -> i.get(0)).distinct().count();
        assertEquals(2 * distinctPrompts, asked.size());
        assertTrue(asked.stream().allMatch(r -> ("Bearer " + TogetherStub.KEY).equals(r.getHeader("Authorization"))));
        ConsumerRecord<String, String> finished = probe.await("eval-finished", r -> eval.getString("id").equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, finished.value());
        ConsumerRecord<String, String> registered = probe.await("model-registered", r -> eval.getString("candidateVersionId").equals(r.key()),
                Duration.ofSeconds(20));
        ContractSchemas.assertValid("model-registered", 1, registered.value());
        assertTrue(registered.value().contains("\"jobId\":\"" + jobId + "\""), registered.value());

        // Evaluating the same model again by hand asks Together nothing: the answers are cached for this project.
        String again = given().contentType(ContentType.JSON).body(Map.of("candidate", eval.getString("candidateVersionId")))
                .when().post("/evals").then().statusCode(202).extract().path("id");
        JsonPath second = EvalFixtures.awaitEvaluation(again);
        assertEquals("COMPLETED", second.getString("status"), second.prettify());
        assertEquals(eval.getDouble("candidate.metric"), second.getDouble("candidate.metric"), 0.0);
        assertEquals(asked.size(), TogetherStub.server.findAll(postRequestedFor(urlEqualTo(TogetherStub.PATH))).size());

        // A pairwise judge as a grader: asked in both orders, a win counts only when it holds both ways.
        for (String[] judge : new String[][]{{"story-judge", TogetherStub.JUDGE}, {"first-answer-judge", TogetherStub.BIASED_JUDGE},
                {"chatty-judge", TogetherStub.CHATTY_JUDGE}}) {
            given().contentType(ContentType.JSON).body(Map.of("name", judge[0], "kind", "pairwise_judge",
                    "config", Map.of("backend", "together", "model", judge[1], "instructions", "Prefer the answer that tells a story.")))
                    .when().post("/graders").then().statusCode(201).body("version", equalTo(1)).body("use", equalTo("grader:" + judge[0] + "@1"));
        }
        JsonPath judged = EvalFixtures.awaitEvaluation(given().contentType(ContentType.JSON).body(Map.of("candidate", eval.getString("candidateVersionId"),
                "metrics", List.of("grader:story-judge", "grader:first-answer-judge"))).when().post("/evals").then().statusCode(202)
                .extract().path("id"));
        assertEquals("COMPLETED", judged.getString("status"), judged.prettify());
        Map<String, Object> story = row(judged, "grader:story-judge@1");
        assertEquals(1.0, ((Number) story.get("candidate")).doubleValue(), 0.0, "the storyteller wins every item both ways");
        assertEquals(0.0, ((Number) story.get("baseline")).doubleValue(), 0.0);
        Map<String, Object> biased = row(judged, "grader:first-answer-judge@1");
        assertEquals(0.0, ((Number) biased.get("candidate")).doubleValue(), 0.0, "a judge that always says A makes nobody win");
        assertEquals(0.0, ((Number) biased.get("baseline")).doubleValue(), 0.0);
        JsonPath unclear = EvalFixtures.awaitEvaluation(given().contentType(ContentType.JSON).body(Map.of("candidate", eval.getString("candidateVersionId"),
                "metrics", List.of("grader:chatty-judge"))).when().post("/evals").then().statusCode(202).extract().path("id"));
        assertEquals("FAILED", unclear.getString("status"), "never a partial score presented as complete: " + unclear.prettify());
        assertEquals("EVAL_JUDGE_UNCLEAR", unclear.getString("failureCode"));
        given().contentType(ContentType.JSON).body(Map.of("candidate", eval.getString("candidateVersionId"), "metrics", List.of("grader:nobody")))
                .when().post("/evals").then().statusCode(400).body("code", equalTo("EVAL_GRADER_UNKNOWN")).body("field", equalTo("metrics[0]"));
        // Every record of the dataset it was trained on is no test set for it: refused before anything runs.
        given().contentType(ContentType.JSON).body(Map.of("candidate", eval.getString("candidateVersionId"), "testSet", eval.getString("datasetId")))
                .when().post("/evals").then().statusCode(400).body("code", equalTo("EVAL_TEST_SET_OVERLAP")).body("field", equalTo("testSet"));
    }

    private static Map<String, Object> row(JsonPath eval, String metric) {
        List<Map<String, Object>> rows = eval.getList("metrics");
        return rows.stream().filter(r -> metric.equals(r.get("metric"))).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + metric + " in " + eval.prettify()));
    }

    @Test
    void aModelOfAProviderWithoutAKeyHereIsRegisteredAndRefusedWithTheSettingToSet() throws Exception {
        String tenant = "fireworks-" + UUID.randomUUID().toString().substring(0, 8);
        TestIdentity.actAs(tenant);
        String jobId = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(new TopicProbe(kafka), jobId, EvalFixtures.ofTenant(tenant, """
            {"jobId":"%s","datasetId":"%s","baseModel":"accounts/fireworks/models/llama-v3p1-8b-instruct","status":"SUCCEEDED",\
            "backend":"fireworks","method":"sft","artifact":{"type":"provider-model","providerModel":"accounts/acme/models/ft-1"},\
            "completedAt":"2026-12-07T10:00:00Z"}""".formatted(jobId, EvalFixtures.datasetId())), 2);
        String version = null;
        for (int i = 0; i < 150 && version == null; i++) {
            List<Map<String, Object>> versions = given().when().get("/registry/models").then().statusCode(200).extract().jsonPath().getList("$");
            version = versions.isEmpty() ? null : String.valueOf(versions.get(0).get("id"));
            EvalFixtures.sleep();
        }
        assertTrue(version != null && EvalFixtures.evaluationsOf(jobId).isEmpty(), "registered, not evaluated");
        given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE)).contentType(ContentType.JSON)
                .body(Map.of("candidate", version)).when().post("/evals").then().statusCode(409)
                .body("code", equalTo("EVAL_MODEL_NOT_EVALUABLE"))
                .body("detail", org.hamcrest.Matchers.containsString("refinery.eval.providers.fireworks.api-key"));
    }

}
