package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job-completed consumer on the real broker: both versions' golden samples, transient failures, contract breaches, replay. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class JobCompletedConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    @Inject
    ScriptedEvaluationRequests requests;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void theV2GoldenSamplesAreReadAndEachArtifactIsEvaluatedOrAcknowledgedAsItsTypeSays() throws Exception {
        TopicProbe probe = new TopicProbe(kafka);
        String lora = send(probe, "job-completed", 2);
        String full = send(probe, "job-completed-full", 2);
        String provider = send(probe, "job-completed-provider", 2);
        String failed = send(probe, "job-completed-failed", 2);

        // A LoRA adapter in our bucket is evaluated as in v1; the sample's adapter was never stored, so it ends FAILED saying so.
        JsonPath adapter = EvalFixtures.awaitFinished(lora);
        assertEquals("lora-adapter", adapter.getString("artifactType"));
        assertEquals("jobs/" + lora + "/adapter/", adapter.getString("adapterKey"));
        assertEquals("EVAL_ADAPTER_MISSING", adapter.getString("failureCode"));
        // A whole model is fetched from its folder and evaluated against the base: here its folder is empty too.
        JsonPath model = EvalFixtures.awaitFinished(full);
        assertEquals("full-model", model.getString("artifactType"));
        assertEquals("jobs/" + full + "/model/", model.getString("artifactKey"));
        assertEquals("EVAL_MODEL_MISSING", model.getString("failureCode"));
        assertTrue(model.getString("failureReason").contains("no files under jobs/" + full + "/model/"), model.prettify());
        // Weights a provider keeps, and a failed job: acknowledged, nothing evaluated.
        for (String jobId : new String[]{provider, failed}) {
            assertTrue(EvalFixtures.evaluationsOf(jobId).isEmpty(), jobId);
        }
    }

    @Test
    void theEvaluationAJobAskedForIsTheOneRecordedAndAJobThatAskedForNoneIsRegisteredOnly() {
        TopicProbe probe = new TopicProbe(kafka);
        String asked = EvalFixtures.jobId();
        String testSet = EvalFixtures.datasetId();
        String withSpec = EvalFixtures.succeededV2(asked, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + asked + "/adapter/");
        withSpec = withSpec.substring(0, withSpec.length() - 1) + ",\"evaluation\":{\"metric\":\"token_f1\",\"metrics\":[\"rouge_l\"],"
                + "\"maxItems\":5,\"datasetId\":\"" + testSet + "\",\"promote\":false}}";
        ContractSchemas.assertValid("job-completed", 2, withSpec);
        EvalFixtures.sendJobCompleted(probe, asked, withSpec, 2);
        JsonPath e = EvalFixtures.awaitFinished(asked);
        assertEquals("token_f1", e.getString("metric"), "the job's metric, not the policy's");
        assertEquals(testSet, e.getString("datasetId"));
        assertEquals(5, e.getInt("maxItems"));
        assertEquals("token_f1", e.getString("policy.metric"), "the policy decides on the metric the job asked for");
        assertEquals(false, e.getBoolean("policy.autoPromote"), "and does not promote: the job asked to be decided only");

        String none = EvalFixtures.jobId();
        String off = EvalFixtures.succeededV2(none, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + none + "/adapter/");
        String ceId = EvalFixtures.sendJobCompleted(probe, none, off.substring(0, off.length() - 1) + ",\"evaluation\":{\"enabled\":false}}", 2);
        EvalFixtures.awaitProcessed(em, ceId);
        assertTrue(EvalFixtures.evaluationsOf(none).isEmpty(), "a stage on the way is not evaluated");
        assertTrue(given().when().get("/registry/models?limit=500").then().statusCode(200).extract().jsonPath().getList("jobId")
                .contains(none), "but it is a version in the registry");
    }

    @Test
    void aTransientFailureOfTheEffectIsWaitedOutAndTheEventAppliedOnceWithNothingDeadLettered() {
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        requests.faults().failTransiently(jobId, 3); // SQLTransientConnectionException in the effect's transaction, three times

        String ceId = EvalFixtures.sendJobCompleted(probe, jobId,
                EvalFixtures.succeededV2(jobId, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + jobId + "/adapter/"), 2);

        EvalFixtures.awaitProcessed(em, ceId);
        assertEquals("EVAL_ADAPTER_MISSING", EvalFixtures.awaitFinished(jobId).getString("failureCode"));
        assertEquals(4, requests.faults().calls(jobId), "three rolled-back tries, then the one that committed");
        assertEquals(1, EvalFixtures.evaluationsOf(jobId).size());
        assertTrue(probe.all("job-completed.dlq", r -> jobId.equals(r.key()), Duration.ofSeconds(5)).isEmpty(),
                "a valid event is never dead-lettered for the platform's own trouble");
    }

    @Test
    void aV2EventThatBreaksItsContractIsDeadLettered() {
        TopicProbe probe = new TopicProbe(kafka);
        String noArtifact = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(probe, noArtifact, """
                {"jobId":"%s","datasetId":"%s","baseModel":"stories260K","status":"SUCCEEDED","backend":"local",\
                "completedAt":"2026-12-07T15:31:10Z"}""".formatted(noArtifact, EvalFixtures.datasetId()), 2);
        String unknownType = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(probe, unknownType,
                EvalFixtures.succeededV2(unknownType, EvalFixtures.datasetId(), "onnx-export", "jobs/" + unknownType + "/onnx/"), 2);

        for (String jobId : new String[]{noArtifact, unknownType}) {
            probe.await("job-completed.dlq", r -> jobId.equals(r.key()), Duration.ofSeconds(30));
            assertTrue(EvalFixtures.evaluationsOf(jobId).isEmpty());
        }
    }

    @Test
    void aJobCompletedRefusedUntilAFixIsAppliedOnceItsDeadLetterIsReplayed() {
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        requests.faults().refuse(jobId); // its effect can never succeed, until the fix
        String ceId = EvalFixtures.sendJobCompleted(probe, jobId,
                EvalFixtures.succeededV2(jobId, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + jobId + "/adapter/"), 2);

        ConsumerRecord<String, String> dead = probe.await("job-completed.dlq", r -> jobId.equals(r.key()), Duration.ofSeconds(30));
        assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));
        assertTrue(EvalFixtures.evaluationsOf(jobId).isEmpty());

        requests.faults().fix(jobId);
        given().header(IdentityTokens.HEADER, operator()).when().post("/admin/dead-letters/job-completed/replay?limit=1000").then().statusCode(200)
                .body("topic", equalTo("job-completed"))
                .body("deadLetterTopic", equalTo("job-completed.dlq"))
                .body("replayed", greaterThanOrEqualTo(1));

        JsonPath eval = EvalFixtures.awaitFinished(jobId); // applied: an evaluation (its adapter was never stored)
        assertEquals("EVAL_ADAPTER_MISSING", eval.getString("failureCode"));
        List<ConsumerRecord<String, String>> delivered = probe.all("job-completed", r -> jobId.equals(r.key()), Duration.ofSeconds(4));
        assertEquals(2, delivered.size(), "the original and its replay");
        ConsumerRecord<String, String> replayed = delivered.get(1);
        assertEquals(ceId, TopicProbe.header(replayed, "ce_id"));
        assertEquals("refinery.job-completed.v2", TopicProbe.header(replayed, "ce_type"));
        assertNull(TopicProbe.header(replayed, "dead-letter-reason"));
        assertEquals(2, requests.faults().calls(jobId), "refused once, applied once");
    }

    @Test
    void onlyTheConsumedTopicsCanBeReplayedHere() {
        given().when().post("/admin/dead-letters/job-completed/replay").then().statusCode(403)
                .body("code", equalTo("IDENTITY_SERVICE_ONLY")); // a tenant's admin is not an operator
        given().header(IdentityTokens.HEADER, operator()).when().get("/admin/dead-letters").then().statusCode(200)
                .body("topic", containsInAnyOrder("job-completed", "dataset-validated"));
        given().header(IdentityTokens.HEADER, operator()).when().post("/admin/dead-letters/dataset-uploaded/replay").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_TOPIC_UNKNOWN"))
                .body("allowed", containsInAnyOrder("job-completed", "dataset-validated"));
    }

    /** Dead letters are for operators: Refinery's own services, never a tenant, even with an admin key. */
    private static String operator() {
        return TestIdentity.service("eval-service-operator");
    }

    /** Sends a golden sample as its version's event; returns its job id. */
    private static String send(TopicProbe probe, String sample, int version) throws Exception {
        String payload = ContractSchemas.sample(sample, version);
        ContractSchemas.assertValid("job-completed", version, payload);
        JsonNode json = JSON.readTree(payload);
        String jobId = json.get("jobId").asText();
        EvalFixtures.sendJobCompleted(probe, jobId, payload, version);
        return jobId;
    }
}
