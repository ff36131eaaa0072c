package dev.refinery.eval;

import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead letters of job-completed replayed through the admin endpoint, on the real broker. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class DeadLetterReplayTest {

    @Inject
    ScriptedEvaluationRequests requests;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aJobCompletedRefusedUntilAFixIsAppliedOnceItsDeadLetterIsReplayed() {
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        requests.refuse(jobId); // its effect can never succeed, until the fix
        String ceId = EvalFixtures.sendJobCompleted(probe, jobId,
                EvalFixtures.succeededV2(jobId, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + jobId + "/adapter/"), 2);

        ConsumerRecord<String, String> dead = probe.await("job-completed.dlq", r -> jobId.equals(r.key()), Duration.ofSeconds(30));
        assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));
        assertTrue(EvalFixtures.evaluationsOf(jobId).isEmpty());

        requests.fix(jobId);
        given().when().post("/admin/dead-letters/job-completed/replay?limit=1000").then().statusCode(200)
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
        assertEquals(2, requests.calls(jobId), "refused once, applied once");
    }

    @Test
    void onlyJobCompletedCanBeReplayedHere() {
        given().when().get("/admin/dead-letters").then().statusCode(200).body("topic", contains("job-completed"));
        given().when().post("/admin/dead-letters/dataset-uploaded/replay").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("DEAD_LETTER_TOPIC_UNKNOWN"))
                .body("allowed", contains("job-completed"));
    }
}
