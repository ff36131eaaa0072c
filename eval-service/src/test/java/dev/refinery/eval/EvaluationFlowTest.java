package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.service.EvaluationWorker;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eval-service against a real Kafka broker, S3 server and PostgreSQL (deploy/local), with a real
 * adapter trained by the engine and the example task's held-out requests.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class EvaluationFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @Inject
    EntityManager em;

    @Inject
    EvaluationWorker worker;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aSucceededJobIsEvaluatedAgainstItsBaseAndAnnounced() throws Exception {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, jobId);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        TopicProbe probe = new TopicProbe(kafka);
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.succeeded(jobId, datasetId, adapterKey));

        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        String id = eval.getString("id");
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertTrue(id.matches("ev-[0-9a-f]{32}"), id);
        assertEquals(EvalFixtures.TEST_ITEMS, eval.getInt("items"));
        assertEquals("opening_match", eval.getString("metric"));
        assertEquals("stories260K", eval.getString("baseline.model"));
        assertEquals("stories260K+" + jobId, eval.getString("candidate.model"));
        assertTrue(List.of("CANDIDATE_BETTER", "NO_SIGNIFICANT_DIFFERENCE", "CANDIDATE_WORSE").contains(eval.getString("verdict")));
        assertTrue(eval.getDouble("difference.ciLow") <= eval.getDouble("difference.mean")
                && eval.getDouble("difference.mean") <= eval.getDouble("difference.ciHigh"), eval.prettify());
        assertEquals(0.95, eval.getDouble("difference.confidence"), 1e-9);
        // Two epochs on 30 requests already teach the adapter the task's replies: their loss falls.
        assertTrue(eval.getDouble("candidate.heldOutLoss") < eval.getDouble("baseline.heldOutLoss"), eval.prettify());

        // One line per held-out item in S3, each with both answers.
        String itemsKey = "evals/" + id + "/items.jsonl";
        assertEquals(itemsKey, eval.getString("itemsKey"));
        List<String> lines = new String(storage.read(itemsKey), StandardCharsets.UTF_8).lines().toList();
        assertEquals(EvalFixtures.TEST_ITEMS, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("Write a story about a girl named Mia.", first.get("prompt").asText());
        assertTrue(first.get("reference").asText().startsWith("Once upon a time, there was a little girl named Mia."));
        assertTrue(first.has("baselineOutput") && first.has("candidateOutput") && first.has("baselineLoss"), lines.get(0));

        // The API pages through the same file.
        given().when().get("/evals/" + id + "/items?limit=5&offset=18")
                .then().statusCode(200)
                .body("total", equalTo(EvalFixtures.TEST_ITEMS))
                .body("items.size()", equalTo(2))
                .body("items[0].index", equalTo(18))
                .body("items[1].prompt", equalTo(JSON.readTree(lines.get(19)).get("prompt").asText()));
        given().when().get("/evals/" + id).then().statusCode(200).body("status", equalTo("COMPLETED")).body("jobId", equalTo(jobId));

        // Announced once, as the contract says, keyed by the evaluation.
        ConsumerRecord<String, String> event = probe.await("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, event.value());
        assertEquals("refinery.eval-finished.v3", TopicProbe.header(event, "ce_type"));
        assertEquals("/refinery/eval-service", TopicProbe.header(event, "ce_source"));
        JsonNode payload = JSON.readTree(event.value());
        assertEquals("COMPLETED", payload.get("status").asText());
        assertEquals("default", payload.get("tenant").asText(), "a job-completed without a tenant is the default tenant's");
        assertEquals(eval.getString("verdict"), payload.get("verdict").asText());
        assertEquals(eval.getDouble("candidate.metric"), payload.at("/candidate/metric").asDouble(), 1e-12);
        assertEquals(itemsKey, payload.get("itemsKey").asText());
        assertEquals(1, probe.all("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(3)).size());
    }

    @Test
    void aPreferenceTestSplitIsEvaluatedOnPreferenceAccuracy() throws Exception {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, jobId);
        EvalFixtures.uploadPreferenceTestSplit(storage, datasetId);
        EvalFixtures.sendJobCompleted(new TopicProbe(kafka), jobId, EvalFixtures.succeeded(jobId, datasetId, adapterKey));

        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals("preference_accuracy", eval.getString("metric"));
        assertEquals(EvalFixtures.TEST_ITEMS, eval.getInt("items"));
        // The adapter was trained on the stories the pairs prefer: it finds them likelier than the other hero's story
        // more often than the base does, and its held-out loss on them is lower.
        assertTrue(eval.getDouble("candidate.metric") > eval.getDouble("baseline.metric"), eval.prettify());
        assertTrue(eval.getDouble("candidate.heldOutLoss") < eval.getDouble("baseline.heldOutLoss"), eval.prettify());

        List<String> lines = new String(storage.read(eval.getString("itemsKey")), StandardCharsets.UTF_8).lines().toList();
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("Write a story about a girl named Mia.", first.get("prompt").asText());
        assertTrue(first.get("reference").asText().startsWith("Once upon a time, there was a little girl named Mia."), lines.get(0));
        assertTrue(first.hasNonNull("rejected") && !first.get("rejected").asText().equals(first.get("reference").asText()), lines.get(0));
        for (String line : lines) {
            double score = JSON.readTree(line).get("candidateScore").asDouble();
            assertTrue(score == 0.0 || score == 1.0, line);
        }
    }

    @Test
    void theGoldenSucceededSampleEndsFailedBecauseItsAdapterDoesNotExist() throws Exception {
        JsonNode sample = JSON.readTree(ContractSchemas.sample("job-completed"));
        String jobId = sample.get("jobId").asText();
        TopicProbe probe = new TopicProbe(kafka);
        EvalFixtures.sendJobCompleted(probe, jobId, ContractSchemas.sample("job-completed"));

        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        assertEquals("FAILED", eval.getString("status"));
        assertEquals("EVAL_ADAPTER_MISSING", eval.getString("failureCode"));
        assertEquals("the job's adapter does not exist: no files under jobs/" + jobId + "/adapter/ in bucket refinery"
                + " (expected adapter_config.json and adapter_model.safetensors)", eval.getString("failureReason"));

        String id = eval.getString("id");
        ConsumerRecord<String, String> event = probe.await("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, event.value());
        JsonNode payload = JSON.readTree(event.value());
        assertEquals("FAILED", payload.get("status").asText());
        assertEquals(eval.getString("failureReason"), payload.get("failureReason").asText());
        assertEquals(sample.get("datasetId").asText(), payload.get("datasetId").asText());
    }

    @Test
    void theGoldenFailedSampleIsProcessedWithoutAnEvaluation() throws Exception {
        String sample = ContractSchemas.sample("job-completed-failed");
        String jobId = JSON.readTree(sample).get("jobId").asText();
        String ceId = EvalFixtures.sendJobCompleted(new TopicProbe(kafka), jobId, sample);

        EvalFixtures.awaitProcessed(em, ceId);
        given().when().get("/evals?jobId=" + jobId).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aProviderTrainedJobIsProcessedWithoutAnEvaluation() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode sample = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(ContractSchemas.sample("job-completed"));
        String jobId = "ft-" + java.util.UUID.randomUUID().toString().replace("-", "");
        sample.put("jobId", jobId).put("backend", "together").put("outputModel", "acme/Meta-Llama-3.1-8B-Instruct-Reference-ft-1")
                .put("adapterKey", "together:acme/Meta-Llama-3.1-8B-Instruct-Reference-ft-1");
        ContractSchemas.assertValid("job-completed", sample.toString());
        String ceId = EvalFixtures.sendJobCompleted(new TopicProbe(kafka), jobId, sample.toString());

        EvalFixtures.awaitProcessed(em, ceId);
        given().when().get("/evals?jobId=" + jobId).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aDuplicateDeliveryEvaluatesOnce() throws Exception {
        String jobId = EvalFixtures.jobId();
        String payload = EvalFixtures.succeeded(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter/");
        TopicProbe probe = new TopicProbe(kafka);
        String ceId = UUID.randomUUID().toString();
        EvalFixtures.sendJobCompleted(probe, jobId, payload, ceId);
        EvalFixtures.sendJobCompleted(probe, jobId, payload, ceId);
        // Same key, same partition: once this later event is processed, both copies before it were too.
        String marker = EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.failed(jobId, EvalFixtures.datasetId()));
        EvalFixtures.awaitProcessed(em, marker);

        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        given().when().get("/evals?jobId=" + jobId).then().statusCode(200).body("size()", equalTo(1));
        String id = eval.getString("id");
        assertEquals(1, probe.all("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(3)).size());
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterTopicAndConsumptionContinues() throws Exception {
        TopicProbe probe = new TopicProbe(kafka);
        String garbage = "not an event " + UUID.randomUUID();
        probe.send("job-completed", "k", garbage);
        String badPayload = "{\"jobId\": \"" + UUID.randomUUID() + "\"";
        probe.send("job-completed", "k", badPayload, "ce_id", UUID.randomUUID().toString(), "ce_type", "refinery.job-completed.v1");

        probe.await("job-completed.dlq", r -> garbage.equals(r.value()), Duration.ofSeconds(30));
        probe.await("job-completed.dlq", r -> badPayload.equals(r.value()), Duration.ofSeconds(30));

        String jobId = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.succeeded(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter"));
        assertEquals("EVAL_ADAPTER_MISSING", EvalFixtures.awaitFinished(jobId).getString("failureCode"));
    }

    @Test
    void aMissingTestSplitOrAnUnreadableAdapterFailsWithAClearReason() throws Exception {
        TopicProbe probe = new TopicProbe(kafka);
        String noSplitJob = EvalFixtures.jobId();
        String noSplitDataset = EvalFixtures.datasetId();
        EvalFixtures.sendJobCompleted(probe, noSplitJob,
                EvalFixtures.succeeded(noSplitJob, noSplitDataset, EvalFixtures.uploadAdapter(storage, noSplitJob)));

        String brokenJob = EvalFixtures.jobId();
        String brokenDataset = EvalFixtures.datasetId();
        EvalFixtures.uploadTestSplit(storage, brokenDataset);
        storage.put("jobs/" + brokenJob + "/adapter/adapter_config.json", "{\"peft_type\": \"PREFIX_TUNING\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        EvalFixtures.sendJobCompleted(probe, brokenJob, EvalFixtures.succeeded(brokenJob, brokenDataset, "jobs/" + brokenJob + "/adapter/"));

        JsonPath noSplit = EvalFixtures.awaitFinished(noSplitJob);
        assertEquals("EVAL_TEST_SPLIT_MISSING", noSplit.getString("failureCode"));
        assertTrue(noSplit.getString("failureReason").contains("datasets/" + noSplitDataset + "/validated/test.jsonl"), noSplit.prettify());

        JsonPath broken = EvalFixtures.awaitFinished(brokenJob);
        assertEquals("EVAL_ADAPTER_UNREADABLE", broken.getString("failureCode"));
        assertTrue(broken.getString("failureReason").contains("PREFIX_TUNING"), broken.prettify());
    }

    @Test
    void evaluationsLeftRunningByADeadProcessAreRunAgainOnceTheirLeaseRunsOut() {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, jobId);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        // A process died while running one (its lease still looks valid for a few seconds), and another one's lease ran out.
        String abandoned = insertRunning(jobId, datasetId, adapterKey, "dead-process", "clock_timestamp() + interval '3 seconds'", 0);
        String otherJob = EvalFixtures.jobId();
        String expired = insertRunning(otherJob, EvalFixtures.datasetId(), EvalFixtures.uploadAdapter(storage, otherJob), "dead-process",
                "clock_timestamp() - interval '1 minute'", 0);

        worker.sweep(); // takes only the expired lease; the other is taken by a later sweep, once it has run out

        JsonPath rerun = EvalFixtures.awaitFinished(jobId);
        assertEquals(abandoned, rerun.getString("id"));
        assertEquals("COMPLETED", rerun.getString("status"), rerun.prettify());
        assertEquals(2, rerun.getInt("attempts"), "the dead process's attempt and this one");
        assertEquals(EvalFixtures.TEST_ITEMS, rerun.getInt("items"));
        JsonPath other = EvalFixtures.awaitFinished(otherJob);
        assertEquals(expired, other.getString("id"));
        assertEquals("EVAL_TEST_SPLIT_MISSING", other.getString("failureCode"));
        assertEquals(2, other.getInt("attempts"));
    }

    @Test
    void anEvaluationWhoseAttemptsAllDiedIsGivenUp() {
        String jobId = EvalFixtures.jobId();
        // Two attempts died already (max-attempts = 3), and the process running the third died too.
        insertRunning(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter/", "eval-deadbeef", "clock_timestamp() - interval '1 minute'", 2);
        worker.sweep();
        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        assertEquals("EVAL_GAVE_UP", eval.getString("failureCode"));
        assertTrue(eval.getString("failureReason").startsWith("gave up: failed 3 times"), eval.prettify());
        assertTrue(eval.getString("failureReason").contains("eval-deadbeef stopped without finishing"), eval.prettify());
    }

    @Test
    void errorsAreProblemResponsesWithStableCodes() {
        given().when().get("/evals/ev-00000000000000000000000000000000")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("EVAL_NOT_FOUND"));
        given().when().get("/evals/nope")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("EVAL_ID_INVALID"));
        given().when().get("/evals/nope/items")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("EVAL_ID_INVALID"));
        given().when().get("/evals?jobId=ft-xyz")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("JOB_ID_INVALID"));
        given().when().get("/evals/ev-00000000000000000000000000000000/items?limit=0")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("EVAL_PAGE_INVALID"));

        String jobId = EvalFixtures.jobId();
        // Held by a live replica for the next hour: RUNNING, and no sweep here touches it.
        String id = insertRunning(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter/", "live-replica",
                "clock_timestamp() + interval '1 hour'", 0);
        given().when().get("/evals/" + id + "/items")
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("EVAL_NOT_COMPLETED")).body("status", equalTo("RUNNING"));
        given().when().get("/evals/" + id).then().statusCode(200).body("status", equalTo("RUNNING"));
        QuarkusTransaction.requiringNew().run(() -> {
            Evaluation.deleteById(id);
            em.createNativeQuery("DELETE FROM work_lease WHERE work_id = ?1").setParameter(1, id).executeUpdate();
        });
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("object-storage"))
                .body(containsString("Database connections health check"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("refinery_eval_queued_evaluations"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/evals/{id}/items"));
    }

    /**
     * An evaluation RUNNING as a process left it, and its work lease held by {@code holder} until {@code heldUntil} (SQL), the
     * attempt 1 of {@code failures + 1}.
     */
    private String insertRunning(String jobId, String datasetId, String adapterKey, String holder, String heldUntil, int failures) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Evaluation e = new Evaluation();
            e.id = "ev-" + UUID.randomUUID().toString().replace("-", "");
            e.tenant = TestIdentity.DEFAULT_TENANT;
            e.jobId = jobId;
            e.datasetId = datasetId;
            e.baseModel = "stories260K";
            e.bucket = "refinery";
            e.artifactType = ArtifactType.LORA_ADAPTER;
            e.artifactKey = adapterKey;
            e.sourceEventId = UUID.randomUUID().toString();
            e.status = EvaluationStatus.RUNNING;
            e.metric = "opening_match";
            e.maxTokens = 48;
            e.maxItems = 200;
            e.attempts = 1;
            e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            e.startedAt = e.createdAt;
            e.persist();
            em.createNativeQuery("INSERT INTO work_lease (kind, work_id, state, attempt, failures, holder, held_until, next_at, created_at, "
                            + "updated_at) VALUES ('evaluation', ?1, 'HELD', ?2, ?3, ?4, " + heldUntil + ", clock_timestamp(), "
                            + "clock_timestamp(), clock_timestamp())")
                    .setParameter(1, e.id).setParameter(2, failures + 1).setParameter(3, failures).setParameter(4, holder).executeUpdate();
            return e.id;
        });
    }
}
