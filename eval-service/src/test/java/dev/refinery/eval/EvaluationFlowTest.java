package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.service.EvaluationWorker;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
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
import java.util.Map;
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
    private static final Duration EVALUATION_TIMEOUT = Duration.ofSeconds(120);

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

        JsonPath eval = awaitFinished(jobId);
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
        ContractSchemas.assertValid("eval-finished", event.value());
        assertEquals("refinery.eval-finished.v1", TopicProbe.header(event, "ce_type"));
        assertEquals("/refinery/eval-service", TopicProbe.header(event, "ce_source"));
        JsonNode payload = JSON.readTree(event.value());
        assertEquals("COMPLETED", payload.get("status").asText());
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

        JsonPath eval = awaitFinished(jobId);
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

        JsonPath eval = awaitFinished(jobId);
        assertEquals("FAILED", eval.getString("status"));
        assertEquals("EVAL_ADAPTER_MISSING", eval.getString("failureCode"));
        assertEquals("the job's adapter does not exist: no files under jobs/" + jobId + "/adapter/ in bucket refinery"
                + " (expected adapter_config.json and adapter_model.safetensors)", eval.getString("failureReason"));

        String id = eval.getString("id");
        ConsumerRecord<String, String> event = probe.await("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", event.value());
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

        awaitProcessed(ceId);
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

        awaitProcessed(ceId);
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
        awaitProcessed(marker);

        JsonPath eval = awaitFinished(jobId);
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
        assertEquals("EVAL_ADAPTER_MISSING", awaitFinished(jobId).getString("failureCode"));
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

        JsonPath noSplit = awaitFinished(noSplitJob);
        assertEquals("EVAL_TEST_SPLIT_MISSING", noSplit.getString("failureCode"));
        assertTrue(noSplit.getString("failureReason").contains("datasets/" + noSplitDataset + "/validated/test.jsonl"), noSplit.prettify());

        JsonPath broken = awaitFinished(brokenJob);
        assertEquals("EVAL_ADAPTER_UNREADABLE", broken.getString("failureCode"));
        assertTrue(broken.getString("failureReason").contains("PREFIX_TUNING"), broken.prettify());
    }

    @Test
    void evaluationsLeftRunningOrPendingByADeadProcessAreRunAgain() {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, jobId);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        // A process died while running one (its lease still looks valid), and another one's lease ran out.
        String abandoned = insertRunning(jobId, datasetId, adapterKey, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
        String otherJob = EvalFixtures.jobId();
        String expired = insertRunning(otherJob, EvalFixtures.datasetId(), EvalFixtures.uploadAdapter(storage, otherJob),
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));

        worker.sweep(); // takes only the expired lease
        worker.recoverAbandoned(); // the start-up pass: every RUNNING claim of another process

        JsonPath rerun = awaitFinished(jobId);
        assertEquals(abandoned, rerun.getString("id"));
        assertEquals("COMPLETED", rerun.getString("status"), rerun.prettify());
        assertEquals(2, rerun.getInt("attempts"), "the dead process's attempt and this one");
        assertEquals(EvalFixtures.TEST_ITEMS, rerun.getInt("items"));
        JsonPath other = awaitFinished(otherJob);
        assertEquals(expired, other.getString("id"));
        assertEquals("EVAL_TEST_SPLIT_MISSING", other.getString("failureCode"));
    }

    @Test
    void anEvaluationClaimedTooOftenIsGivenUp() {
        String jobId = EvalFixtures.jobId();
        String id = insertRunning(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter/", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
        QuarkusTransaction.requiringNew().run(() -> Evaluation.update("attempts = 3 where id = ?1", id));
        worker.sweep();
        JsonPath eval = awaitFinished(jobId);
        assertEquals("EVAL_GAVE_UP", eval.getString("failureCode"));
        assertTrue(eval.getString("failureReason").startsWith("gave up after 3 attempts"), eval.prettify());
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
        String id = insertRunning(jobId, EvalFixtures.datasetId(), "jobs/" + jobId + "/adapter/", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
        given().when().get("/evals/" + id + "/items")
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("EVAL_NOT_COMPLETED")).body("status", equalTo("RUNNING"));
        given().when().get("/evals/" + id).then().statusCode(200).body("status", equalTo("RUNNING"));
        QuarkusTransaction.requiringNew().run(() -> Evaluation.deleteById(id)); // keep it out of other tests' sweeps
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("object-storage"))
                .body(containsString("Database connections health check"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("refinery_eval_queued_evaluations"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/evals/{id}/items"));
    }

    /** Polls the API until the job's (only) evaluation is COMPLETED or FAILED. */
    private static JsonPath awaitFinished(String jobId) {
        long deadline = System.nanoTime() + EVALUATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath list = given().when().get("/evals?jobId=" + jobId).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> evals = list.getList("$");
            if (!evals.isEmpty() && List.of("COMPLETED", "FAILED").contains(String.valueOf(evals.get(0).get("status")))) {
                return given().when().get("/evals/" + evals.get(0).get("id")).then().statusCode(200).extract().jsonPath();
            }
            sleep();
        }
        throw new AssertionError("no finished evaluation for " + jobId + " within " + EVALUATION_TIMEOUT);
    }

    /** Waits until the consumer has recorded the event id in its inbox. */
    private void awaitProcessed(String ceId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long n = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "SELECT count(*) FROM processed_event WHERE consumer = 'eval-service' AND event_id = ?1")
                    .setParameter(1, ceId).getSingleResult()).longValue());
            if (n == 1) {
                return;
            }
            sleep();
        }
        throw new AssertionError("job-completed " + ceId + " was not processed within 30 s");
    }

    private static String insertRunning(String jobId, String datasetId, String adapterKey, OffsetDateTime leaseUntil) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Evaluation e = new Evaluation();
            e.id = "ev-" + UUID.randomUUID().toString().replace("-", "");
            e.jobId = jobId;
            e.datasetId = datasetId;
            e.baseModel = "stories260K";
            e.bucket = "refinery";
            e.adapterKey = adapterKey;
            e.sourceEventId = UUID.randomUUID().toString();
            e.status = EvaluationStatus.RUNNING;
            e.metric = "opening_match";
            e.maxTokens = 48;
            e.maxItems = 200;
            e.attempts = 1;
            e.workerId = "eval-deadbeef";
            e.leaseUntil = leaseUntil;
            e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            e.startedAt = e.createdAt;
            e.persist();
            return e.id;
        });
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
