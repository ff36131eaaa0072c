package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.Isolation;
import dev.refinery.localstack.LocalStackTestResource;
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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model registry on the example task, each test in a project of its own: a fine-tune that beats its base is promoted to
 * champion by the policy; a weaker one is compared with that champion and kept out, with the reason; a model against
 * itself shows no change; a rollback restores the previous champion; every alias change is announced as the contract says.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ModelRegistryFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void theBetterFineTuneIsPromotedTheWeakerIsNotItselfIsNoChangeAndARollbackRestoresTheChampion() throws Exception {
        String tenant = project();
        TopicProbe probe = new TopicProbe(kafka);
        String datasetId = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, datasetId);
        // A code grader, used as a promotion gate: the candidate may not open fewer stories properly than the base.
        given().contentType(ContentType.JSON).body(Map.of("name", "opens-a-story", "kind", "regex", "config", Map.of("pattern", "^Once upon a time")))
                .when().post("/graders").then().statusCode(201).body("use", equalTo("grader:opens-a-story@1"));
        given().contentType(ContentType.JSON).body(Map.of("guards", List.of(Map.of("metric", "grader:opens-a-story", "margin", 0.0))))
                .when().put("/registry/policy").then().statusCode(200);

        // The first fine-tune (4 epochs) beats the base model and becomes the champion without a person.
        String strongJob = finishJob(probe, tenant, datasetId, 4);
        JsonPath strong = EvalFixtures.awaitFinished(strongJob, TestIdentity.header(tenant, Scope.READ));
        assertEquals("COMPLETED", strong.getString("status"), strong.prettify());
        assertEquals("IMPROVED", strong.getString("outcome"), strong.prettify());
        assertEquals("PROMOTED", strong.getString("decision"), strong.prettify());
        assertTrue(strong.getDouble("difference.ciLow") > 0, strong.prettify());
        assertTrue(strong.getDouble("statistics.mcNemarPValue") < 0.05, strong.prettify());
        assertTrue(strong.getDouble("statistics.minimumDetectableEffect") > 0, strong.prettify());
        assertNull(strong.get("champion"), "there was no champion to compare with");
        // One row per metric, the primary first, every one scoring the same answers.
        assertEquals(List.of("opening_match", "exact_match", "token_f1", "rouge_l", "bleu", "grader:opens-a-story@1"),
                strong.getList("metrics.metric"));
        assertTrue(strong.getList("reasons", String.class).stream().anyMatch(r -> r.startsWith("pass: guard, grader:opens-a-story@1")),
                strong.prettify());
        // The forgetting guard ran on stories260K's general-ability texts: the loss rise is reported, the continuations gate.
        assertEquals(24, strong.getInt("forgetting.items"));
        assertTrue(strong.getList("reasons", String.class).stream().anyMatch(r -> r.startsWith("pass: forgetting guard, ROUGE-L")),
                strong.prettify());
        assertEquals(strong.getDouble("difference.ciLow"), strong.getDouble("metrics[0].difference.ciLow"), 0.0);
        assertTrue(strong.getDouble("metrics[3].candidate") > strong.getDouble("metrics[3].baseline"), "ROUGE-L rises too: " + strong.prettify());
        ConsumerRecord<String, String> finished = probe.await("eval-finished", r -> strong.getString("id").equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, finished.value());
        JsonNode announced = JSON.readTree(finished.value());
        assertEquals("PROMOTED", announced.path("decision").asText());
        assertEquals(6, announced.path("metrics").size());
        String strongVersion = strong.getString("candidateVersionId");
        given().when().get("/registry/aliases/champion").then().statusCode(200)
                .body("modelVersionId", equalTo(strongVersion))
                .body("history[0].action", equalTo("promote"))
                .body("history[0].automatic", equalTo(true))
                .body("history[0].actor", equalTo("eval-service"))
                .body("history[0].evaluationId", equalTo(strong.getString("id")));
        JsonNode promoted = promotion(probe, tenant, strongVersion);
        assertTrue(promoted.path("automatic").asBoolean(), promoted.toString());
        assertEquals("lora-adapter", promoted.at("/model/artifact/type").asText());
        assertEquals("jobs/" + strongJob + "/adapter/", promoted.at("/model/artifact/key").asText());

        // A second fine-tune with fewer epochs is compared with the base and with the champion, and is not promoted.
        String weakJob = finishJob(probe, tenant, datasetId, 1);
        JsonPath weak = EvalFixtures.awaitFinished(weakJob, TestIdentity.header(tenant, Scope.READ));
        assertEquals("COMPLETED", weak.getString("status"), weak.prettify());
        assertEquals(strongVersion, weak.getString("championVersionId"), weak.prettify());
        assertEquals("stories260K+" + strongJob, weak.getString("champion.model"));
        assertEquals("REGRESSED", weak.getString("outcome"), "significantly worse than the champion: " + weak.prettify());
        assertEquals("NOT_PROMOTED", weak.getString("decision"), weak.prettify());
        List<String> reasons = weak.getList("reasons");
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("fail: opening_match against the champion stories260K+" + strongJob)),
                String.join("\n", reasons));
        given().when().get("/registry/aliases/champion").then().statusCode(200).body("modelVersionId", equalTo(strongVersion));
        Map<String, Object> firstItem = given().when().get("/evals/" + weak.getString("id") + "/items?limit=1")
                .then().statusCode(200).extract().jsonPath().getMap("items[0]");
        assertTrue(firstItem.containsKey("championOutput") && firstItem.containsKey("candidateOutput"), firstItem.toString());

        // The champion against itself: no change, and an evaluation asked for by hand promotes nothing.
        String self = given().contentType(ContentType.JSON).body(Map.of("candidate", "champion", "baseline", strongVersion, "maxItems", 10,
                        "maxTokens", 32))
                .when().post("/evals").then().statusCode(202).body("candidateVersionId", equalTo(strongVersion))
                .body("requestedBy", equalTo("test-key")).body("maxTokens", equalTo(32)).extract().path("id");
        JsonPath itself = EvalFixtures.awaitEvaluation(self);
        assertEquals("COMPLETED", itself.getString("status"), itself.prettify());
        assertEquals("NO_SIGNIFICANT_CHANGE", itself.getString("outcome"), itself.prettify());
        assertEquals("NOT_APPLICABLE", itself.getString("decision"));
        assertEquals(0.0, itself.getDouble("difference.ciLow"), 0.0);
        assertEquals(0.0, itself.getDouble("difference.ciHigh"), 0.0);

        // Both fine-tunes against the base in one request, with stop sequences: one evaluation each, the same settings.
        List<Map<String, Object>> both = given().contentType(ContentType.JSON).body(Map.of("candidates", List.of(strongVersion,
                        weak.getString("candidateVersionId")), "maxItems", 6, "stop", List.of("\n\n", "THE END")))
                .when().post("/evals").then().statusCode(202).body("evaluations.size()", equalTo(2))
                .body("evaluations[0].stop", equalTo(List.of("\n\n", "THE END"))).extract().jsonPath().getList("evaluations");
        for (Map<String, Object> e : both) {
            JsonPath done = EvalFixtures.awaitEvaluation(String.valueOf(e.get("id")));
            assertEquals("COMPLETED", done.getString("status"), done.prettify());
            assertEquals(6, done.getInt("items"));
        }
        given().contentType(ContentType.JSON).body(Map.of("candidate", strongVersion, "candidates", List.of(strongVersion)))
                .when().post("/evals").then().statusCode(400).body("code", equalTo("EVAL_CANDIDATE_REQUIRED"));
        given().contentType(ContentType.JSON).body(Map.of("candidate", strongVersion, "stop", List.of("a", "b", "c", "d", "e")))
                .when().post("/evals").then().statusCode(400).body("code", equalTo("EVAL_STOP_INVALID")).body("field", equalTo("stop"));

        // Promote the weaker one by hand, then roll back: the previous champion is back, and the history says who and why.
        String weakVersion = weak.getString("candidateVersionId");
        given().contentType(ContentType.JSON).body(Map.of("version", weakVersion, "reason", "shorter answers for the beta"))
                .when().put("/registry/aliases/champion").then().statusCode(200).body("modelVersionId", equalTo(weakVersion))
                .body("history[0].actor", equalTo("test-key")).body("history[0].previousVersionId", equalTo(strongVersion));
        given().contentType(ContentType.JSON).body(Map.of("reason", "beta users found the stories cut short"))
                .when().post("/registry/aliases/champion/rollback").then().statusCode(200)
                .body("modelVersionId", equalTo(strongVersion))
                .body("history[0].action", equalTo("rollback"))
                .body("history[0].reason", equalTo("beta users found the stories cut short"))
                .body("history[1].undone", equalTo(true))
                .body("history.size()", equalTo(3));
        JsonNode rollback = promotion(probe, tenant, strongVersion, "rollback");
        assertEquals(weakVersion, rollback.path("previousVersionId").asText());
        // The first champion came from nothing: there is nothing further back.
        given().contentType(ContentType.JSON).body(Map.of("reason", "again")).when().post("/registry/aliases/champion/rollback")
                .then().statusCode(409).body("code", equalTo("MODEL_ALIAS_NOTHING_TO_ROLL_BACK"));

        // The lineage of a version: its dataset, job, artifact, evaluations and the alias changes that involved it.
        given().when().get("/registry/models/" + strongVersion).then().statusCode(200)
                .body("jobId", equalTo(strongJob)).body("datasetId", equalTo(datasetId))
                .body("lineage.job", equalTo("/v1/fine-tunes/" + strongJob))
                .body("lineage.validationProblems", equalTo("/v1/datasets/" + datasetId + "/problems"))
                .body("aliases", equalTo(List.of("champion")))
                .body("evaluations.size()", equalTo(3))
                .body("promotions.size()", equalTo(3));
    }

    @Test
    void policyAndPromotionRefuseBadInputWithStableCodesAndAnotherProjectsVersionsAreUnknown() throws Exception {
        String tenant = project();
        given().when().get("/registry/policy").then().statusCode(200)
                .body("metric", equalTo("opening_match")).body("alias", equalTo("champion")).body("autoPromote", equalTo(true));
        given().contentType(ContentType.JSON).body(Map.of("metric", "bleu_4")).when().put("/registry/policy")
                .then().statusCode(400).body("code", equalTo("POLICY_METRIC_UNKNOWN")).body("field", equalTo("metric"))
                .body("detail", containsString("token_f1"));
        given().contentType(ContentType.JSON).body(Map.of("margin", 1.5)).when().put("/registry/policy")
                .then().statusCode(400).body("code", equalTo("POLICY_MARGIN_INVALID"));
        // Graders: a version per change, never changed; bad ones refused before they are stored.
        for (String pattern : List.of("^\\{", "^\\{\"label\"")) {
            given().contentType(ContentType.JSON).body(Map.of("name", "is-json", "kind", "regex", "config", Map.of("pattern", pattern)))
                    .when().post("/graders").then().statusCode(201);
        }
        given().when().get("/graders").then().statusCode(200).body("size()", equalTo(1)).body("[0].version", equalTo(2));
        given().when().get("/graders/is-json").then().statusCode(200).body("version", equalTo(List.of(2, 1)));
        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "kind", "regex", "config", Map.of("pattern", "(unclosed")))
                .when().post("/graders").then().statusCode(400).body("code", equalTo("GRADER_CONFIG_INVALID"))
                .body("field", equalTo("config.pattern"));
        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "kind", "vibes", "config", Map.of()))
                .when().post("/graders").then().statusCode(400).body("code", equalTo("GRADER_KIND_UNKNOWN"));
        given().contentType(ContentType.JSON).body(Map.of("name", "judge", "kind", "pairwise_judge", "config",
                Map.of("backend", "openai", "model", "gpt-4o"))).when().post("/graders").then().statusCode(400)
                .body("code", equalTo("GRADER_CONFIG_INVALID")).body("detail", containsString("refinery.eval.providers.openai.api-key"));
        given().when().get("/graders/nobody").then().statusCode(404).body("code", equalTo("GRADER_NOT_FOUND"));
        given().contentType(ContentType.JSON).body(Map.of("guards", List.of(Map.of("metric", "grader:nobody", "margin", 0.1))))
                .when().put("/registry/policy").then().statusCode(400).body("code", equalTo("POLICY_GRADER_UNKNOWN"))
                .body("field", equalTo("guards[0].metric"));
        given().contentType(ContentType.JSON).body(Map.of("guards", List.of(Map.of("metric", "rouge_l", "margin", 0.05),
                        Map.of("metric", "meteor", "margin", 0.1)))).when().put("/registry/policy")
                .then().statusCode(400).body("code", equalTo("POLICY_METRIC_UNKNOWN")).body("field", equalTo("guards[1].metric"));
        given().contentType(ContentType.JSON).body(Map.of("guards", List.of(Map.of("metric", "rouge_l", "margin", 0.05))))
                .when().put("/registry/policy").then().statusCode(200)
                .body("guards[0].metric", equalTo("rouge_l")).body("guards[0].margin", equalTo(0.05f));
        given().header(IdentityTokens.HEADER, TestIdentity.header(tenant, Scope.WRITE)).contentType(ContentType.JSON)
                .body(Map.of("autoPromote", false)).when().put("/registry/policy").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("metric", "token_f1", "margin", 0.05, "autoPromote", false))
                .when().put("/registry/policy").then().statusCode(200)
                .body("metric", equalTo("token_f1")).body("margin", equalTo(0.05f)).body("autoPromote", equalTo(false))
                .body("lossMargin", equalTo(0.1f));

        // A version of this project, registered from its job's event (a model its provider keeps: never evaluated here).
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        String ceId = EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.ofTenant(tenant, """
            {"jobId":"%s","datasetId":"%s","baseModel":"meta-llama/Meta-Llama-3.1-8B-Instruct-Reference","status":"SUCCEEDED",\
            "backend":"together","method":"sft","artifact":{"type":"provider-model","providerModel":"acme/llama-ft-1"},\
            "completedAt":"2026-12-07T10:00:00Z"}""".formatted(jobId, EvalFixtures.datasetId())), 2);
        JsonPath version = awaitVersionOf(jobId);
        String versionId = version.getString("id");
        assertEquals("provider-model", version.getString("artifact.type"));
        assertEquals("acme/llama-ft-1", version.getString("artifact.providerModel"));
        assertTrue(ceId != null && EvalFixtures.evaluationsOf(jobId).isEmpty());
        given().contentType(ContentType.JSON).body(Map.of("candidate", versionId)).when().post("/evals")
                .then().statusCode(409).body("code", equalTo("EVAL_MODEL_NOT_EVALUABLE"));

        given().contentType(ContentType.JSON).body(Map.of("version", versionId)).when().put("/registry/aliases/champion")
                .then().statusCode(400).body("code", equalTo("PROMOTION_REASON_REQUIRED")).body("field", equalTo("reason"));
        given().contentType(ContentType.JSON).body(Map.of("version", versionId, "reason", "x")).when().put("/registry/aliases/Champion!")
                .then().statusCode(400).body("code", equalTo("MODEL_ALIAS_INVALID"));
        given().contentType(ContentType.JSON).body(Map.of("reason", "x")).when().post("/registry/aliases/staging/rollback")
                .then().statusCode(404).body("code", equalTo("MODEL_ALIAS_NOT_FOUND"));
        given().contentType(ContentType.JSON).body(Map.of("candidate", "mv-1")).when().post("/evals")
                .then().statusCode(400).body("code", equalTo("MODEL_VERSION_ID_INVALID"));
        given().contentType(ContentType.JSON).body(Map.of("version", versionId, "reason", "the only one we have")).when()
                .put("/registry/aliases/staging").then().statusCode(200).body("modelVersionId", equalTo(versionId));

        // Another project: this project's version and alias are as unknown as ones nobody has.
        String other = TestIdentity.header(project(), Scope.ADMIN);
        String unknown = "mv-" + UUID.randomUUID().toString().replace("-", "");
        Response forOther = given().header(IdentityTokens.HEADER, other).when().get("/registry/models/" + versionId);
        Response forUnknown = given().header(IdentityTokens.HEADER, other).when().get("/registry/models/" + unknown);
        assertEquals(404, forOther.statusCode());
        Isolation.assertAnsweredLikeUnknown(forOther, versionId, forUnknown, unknown);
        given().header(IdentityTokens.HEADER, other).contentType(ContentType.JSON).body(Map.of("version", versionId, "reason", "mine now"))
                .when().put("/registry/aliases/champion").then().statusCode(404).body("code", equalTo("MODEL_VERSION_NOT_FOUND"));
        given().header(IdentityTokens.HEADER, other).when().get("/registry/models").then().statusCode(200).body("size()", equalTo(0));
        given().header(IdentityTokens.HEADER, other).when().get("/registry/aliases").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aFineTuneThatWinsItsTaskButForgetsWhatItsBaseKnewIsRegressedWhereThePolicyGatesTheLoss() throws Exception {
        String tenant = project();
        given().contentType(ContentType.JSON).body(Map.of("forgettingLossMargin", 0.3)).when().put("/registry/policy")
                .then().statusCode(200).body("forgettingLossMargin", equalTo(0.3f)).body("forgettingMargin", equalTo(0.1f));
        TopicProbe probe = new TopicProbe(kafka);
        String datasetId = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, datasetId);
        JsonPath eval = EvalFixtures.awaitFinished(finishJob(probe, tenant, datasetId, 4), TestIdentity.header(tenant, Scope.READ));
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals("CANDIDATE_BETTER", eval.getString("verdict"), "it wins its task");
        assertEquals("REGRESSED", eval.getString("outcome"), eval.prettify());
        assertEquals("NOT_PROMOTED", eval.getString("decision"));
        assertEquals(24, eval.getInt("forgetting.items"));
        assertTrue(eval.getDouble("forgetting.candidateLoss") > eval.getDouble("forgetting.baselineLoss") + 0.3, eval.prettify());
        List<String> reasons = eval.getList("reasons");
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("fail: forgetting guard, loss on 24 general-ability texts")),
                String.join("\n", reasons));
        given().when().get("/registry/aliases/champion").then().statusCode(404).body("code", equalTo("MODEL_ALIAS_NOT_FOUND"));
        // A margin of -1 stops gating on the loss again.
        given().contentType(ContentType.JSON).body(Map.of("forgettingLossMargin", -1)).when().put("/registry/policy")
                .then().statusCode(200).body("forgettingLossMargin", equalTo(null));
    }

    @Test
    void aTestSetThatAsksWhatTheModelWasTrainedOnIsRefusedNamingTheItemsAndLines() throws Exception {
        String tenant = project();
        String datasetId = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, datasetId);
        // The training split holds two of the test requests (spelled with other spacing and case) among others.
        List<List<String>> test = EvalFixtures.testItems();
        String train = String.join("\n",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Write a story about a dog named Rex.\"},{\"role\":\"assistant\",\"content\":\"Once upon a time.\"}]}",
                chat(test.get(2).get(0).toUpperCase(), "another reply"),
                chat("  " + test.get(5).get(0) + "  ", test.get(5).get(1))) + "\n";
        storage.put("datasets/" + datasetId + "/validated/train.jsonl", train.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/x-ndjson");
        JsonPath eval = EvalFixtures.awaitFinished(finishJob(new TopicProbe(kafka), tenant, datasetId, 1), TestIdentity.header(tenant, Scope.READ));
        assertEquals("FAILED", eval.getString("status"), eval.prettify());
        assertEquals("EVAL_TEST_SET_OVERLAP", eval.getString("failureCode"));
        assertTrue(eval.getString("failureReason").contains("test items 2, 5; training lines 2, 3"), eval.getString("failureReason"));
    }

    private static String chat(String user, String assistant) throws Exception {
        return JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", user),
                Map.of("role", "assistant", "content", assistant))));
    }

    /** A project of its own for the test: requests without a header act for it from here on. */
    private static String project() {
        String tenant = "registry-" + UUID.randomUUID().toString().substring(0, 8);
        TestIdentity.actAs(tenant);
        return tenant;
    }

    /** A job of {@code tenant} that trained an adapter for {@code epochs} epochs on the task and announced it. */
    private String finishJob(TopicProbe probe, String tenant, String datasetId, int epochs) {
        String jobId = EvalFixtures.jobId();
        String key = EvalFixtures.uploadAdapter(storage, jobId, epochs);
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.ofTenant(tenant, EvalFixtures.succeededV2(jobId, datasetId, "lora-adapter", key)), 2);
        return jobId;
    }

    private static JsonNode promotion(TopicProbe probe, String tenant, String versionId) throws Exception {
        return promotion(probe, tenant, versionId, "promote");
    }

    /** The model-promoted event that moved {@code tenant}'s champion to {@code versionId}, checked against its contract. */
    private static JsonNode promotion(TopicProbe probe, String tenant, String versionId, String action) throws Exception {
        ConsumerRecord<String, String> r = probe.await("model-promoted", rec -> (tenant + "/champion").equals(rec.key())
                && rec.value().contains(versionId) && rec.value().contains("\"action\":\"" + action + "\""), Duration.ofSeconds(20));
        ContractSchemas.assertValid("model-promoted", 2, r.value());
        assertEquals("refinery.model-promoted.v2", TopicProbe.header(r, "ce_type"));
        JsonNode event = JSON.readTree(r.value());
        assertEquals(versionId, event.path("modelVersionId").asText());
        return event;
    }


    private static JsonPath awaitVersionOf(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> versions = given().when().get("/registry/models").then().statusCode(200).extract().jsonPath().getList("$");
            for (Map<String, Object> v : versions) {
                if (jobId.equals(v.get("jobId"))) {
                    return given().when().get("/registry/models/" + v.get("id")).then().statusCode(200).extract().jsonPath();
                }
            }
            EvalFixtures.sleep();
        }
        throw new AssertionError("no model version for job " + jobId + " within 30 s");
    }
}
