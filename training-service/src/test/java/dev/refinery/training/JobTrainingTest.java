package dev.refinery.training;

import dev.refinery.testing.TestIdentity;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.service.JobRunner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jobs trained end to end by the worker on the local engine, against the real broker, S3 and PostgreSQL. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class JobTrainingTest {

    static final Duration TRAINING = Duration.ofSeconds(90);

    @Inject
    ObjectStorage storage;

    @Inject
    EntityManager em;

    @Inject
    JobRunner runner;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void connect() {
        stack = new TestStack(kafka, storage);
    }

    @Test
    void aJobOnASmallValidDatasetTrainsToSucceededAndIsAnnounced() {
        String dataset = stack.validDataset(30, 8);
        String id = submit(dataset, Map.of("epochs", 1, "batchSize", 8, "learningRate", 0.005, "checkpointEvery", 2, "nEvals", 2));

        JsonPath job = awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals("jobs/" + id + "/adapter/", job.getString("result.artifact.key"));
        assertEquals("refinery", job.getString("result.artifact.bucket"));
        assertEquals("lora-adapter", job.getString("result.artifact.type"));
        assertEquals(4, job.getInt("result.steps"), "30 examples in batches of 8");
        assertTrue(job.getDouble("result.finalTrainLoss") > 0);
        assertTrue(job.getDouble("result.finalValidationLoss") > 0);
        assertEquals(4, job.getInt("progress.step"));
        assertEquals(4, job.getInt("progress.totalSteps"));
        assertEquals(4, job.getInt("progress.checkpointStep"));
        assertEquals(1, job.getInt("attempts"));
        assertEquals("user", job.getString("hyperparameterSources.checkpointEvery"));
        assertEquals("provider_default", job.getString("hyperparameterSources.loraRank"), "the engine's own default");
        assertEquals(8, job.getInt("hyperparameters.loraRank"));

        List<String> adapter = storage.list("jobs/" + id + "/adapter/");
        assertTrue(adapter.contains("jobs/" + id + "/adapter/adapter_config.json"), adapter.toString());
        assertTrue(adapter.contains("jobs/" + id + "/adapter/adapter_model.safetensors"), adapter.toString());
        assertTrue(storage.read("jobs/" + id + "/adapter/adapter_config.json").length > 0);
        assertEquals(List.of("jobs/" + id + "/checkpoints/step-4/COMPLETE", "jobs/" + id + "/checkpoints/step-4/optimizer_and_params.bin",
                        "jobs/" + id + "/checkpoints/step-4/trainer_state.json"),
                storage.list("jobs/" + id + "/checkpoints/").stream().sorted().toList(), "only the newest complete checkpoint is kept");

        JsonPath metrics = given().when().get("/jobs/" + id + "/metrics").then().statusCode(200)
                .body("steps", hasSize(4))
                .body("steps.step", equalTo(List.of(1, 2, 3, 4)))
                .body("validation.step", equalTo(List.of(2, 4)))
                .extract().jsonPath();
        assertTrue(metrics.getDouble("steps[0].learningRate") > metrics.getDouble("steps[3].learningRate"), "the cosine schedule decays");
        for (int i = 0; i < 4; i++) {
            String step = "steps[" + i + "].";
            assertTrue(metrics.getDouble(step + "learningRate") >= 0 && metrics.getDouble(step + "learningRate") <= 0.005, metrics.prettify());
            assertTrue(metrics.getDouble(step + "loss") > 0 && metrics.getDouble(step + "gradNorm") > 0, metrics.prettify());
            assertTrue(metrics.getDouble(step + "tokensPerSecond") > 0 && metrics.getInt(step + "tokens") > 0, metrics.prettify());
            assertEquals(0.25 * (i + 1), metrics.getDouble(step + "epoch"), 1e-9);
        }
        List<String> history = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("type");
        assertEquals(List.of("QUEUED", "STARTED", "CHECKPOINT", "CHECKPOINT", "SUCCEEDED"), history);
        // The canonical lifecycle every backend shares (ProviderJobsTest checks the providers give the same one).
        assertEquals(ProviderJobsTest.CANONICAL_SUCCESS, TestStack.states(id));

        ConsumerRecord<String, String> submitted = stack.probe().await("job-submitted", r -> id.equals(r.key()), Duration.ofSeconds(10));
        assertEquals("refinery.job-submitted.v1", TopicProbe.header(submitted, "ce_type"));
        assertEquals("/refinery/training-service", TopicProbe.header(submitted, "ce_source"));
        ContractSchemas.assertValid("job-submitted", submitted.value());
        JsonPath submittedJson = JsonPath.from(submitted.value());
        assertEquals(dataset, submittedJson.getString("datasetId"));
        assertEquals(0.005f, submittedJson.getFloat("hyperparameters.learningRate"));
        assertEquals(16.0f, submittedJson.getFloat("hyperparameters.loraAlpha"), "the defaults travel too");

        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        assertEquals("refinery.job-completed.v2", TopicProbe.header(completed, "ce_type"));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        JsonPath completedJson = JsonPath.from(completed.value());
        assertEquals("SUCCEEDED", completedJson.getString("status"));
        assertEquals("jobs/" + id + "/adapter/", completedJson.getString("artifact.key"));
        assertEquals("lora-adapter", completedJson.getString("artifact.type"));
        assertEquals(4, completedJson.getInt("steps"));

        given().when().get("/jobs?status=SUCCEEDED").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id));

        // What reconciliation asks for: finished in a window, narrowed to artifacts in our bucket; and the event again.
        java.time.Instant finished = java.time.OffsetDateTime.parse(job.getString("finishedAt")).toInstant();
        assertEquals(List.of(id), given().queryParam("status", "SUCCEEDED").queryParam("artifactType", "lora-adapter,full-model")
                .queryParam("since", finished.toString()).queryParam("until", finished.plusMillis(1).toString())
                .when().get("/jobs").then().statusCode(200).extract().jsonPath().getList("id", String.class));
        assertEquals(List.of(), given().queryParam("artifactType", "provider-model").queryParam("since", finished.toString())
                .queryParam("until", finished.plusMillis(1).toString()).when().get("/jobs").then().statusCode(200)
                .extract().jsonPath().getList("id", String.class));
        given().queryParam("artifactType", "gguf").when().get("/jobs").then().statusCode(400)
                .body("code", equalTo("JOB_ARTIFACT_TYPE_INVALID")).body("field", equalTo("artifactType"));
        // Announcing again is for Refinery's services (reconciliation), not for tenants.
        given().when().post("/jobs/" + id + "/announce").then().statusCode(403).body("code", equalTo("IDENTITY_SERVICE_ONLY"));
        given().header(IdentityTokens.HEADER, TestIdentity.service("eval-service")).when().post("/jobs/" + id + "/announce")
                .then().statusCode(202).body("topic", equalTo("job-completed"));
        List<ConsumerRecord<String, String>> announced = stack.probe().all("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(5));
        assertEquals(2, announced.size(), "the job's end, then its repeat");
        assertEquals(announced.get(0).value(), announced.get(1).value());
    }

    /** The commit's hand-over and the sweeper (here: five sweeps at once) may name one job many times: its lease lets one attempt run. */
    @Test
    void aJobHandedOverManyTimesAtOnceTrainsOnce() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = submit(dataset, Map.of("epochs", 1));
        java.util.concurrent.ExecutorService sweeps = java.util.concurrent.Executors.newFixedThreadPool(5);
        for (int i = 0; i < 5; i++) {
            sweeps.submit(runner::sweep);
        }
        sweeps.shutdown();
        assertEquals("SUCCEEDED", awaitFinished(id).getString("status"));

        Job job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id));
        assertEquals(1, job.attempts, "trained by one attempt");
        long starts = QuarkusTransaction.requiringNew().call(() -> JobEvent.count("jobId = ?1 and type in ?2", id, List.of("STARTED", "RESUMED")));
        assertEquals(1L, starts);
        assertEquals(1, stack.probe().all("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(3)).size(), "one job-completed");
    }

    /** Full fine-tuning on the engine: every weight trained, the whole model stored, and job-completed v2 says so. */
    @Test
    void aFullFineTuneStoresTheWholeModelAndAnnouncesIt() {
        String dataset = stack.validDataset(24, 4);
        String id = submit(dataset, Map.of("trainingType", "full", "epochs", 1, "learningRate", 0.001));
        JsonPath job = awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals("full-model", job.getString("result.artifact.type"));
        assertEquals("jobs/" + id + "/model/", job.getString("result.artifact.key"));
        assertEquals("full", job.getString("hyperparameters.trainingType"));
        assertTrue(job.getMap("hyperparameters").get("loraRank") == null, "no LoRA setting on a full fine-tune");
        List<String> model = storage.list("jobs/" + id + "/model/");
        assertTrue(model.contains("jobs/" + id + "/model/config.json") && model.contains("jobs/" + id + "/model/model.safetensors"), model.toString());
        assertEquals(List.of(), storage.list("jobs/" + id + "/adapter/"));

        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        JsonPath event = JsonPath.from(completed.value());
        assertEquals("full-model", event.getString("artifact.type"));
        assertEquals("jobs/" + id + "/model/", event.getString("artifact.key"));
    }

    @Test
    void anEngineErrorFailsTheJobWithTheEnginesCode() {
        String dataset = stack.validDataset(20, 4);
        String id = submit(dataset, Map.of("maxSeqLen", 8));

        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("ENGINE_CONTEXT_TOO_LONG", job.getString("result.failureCode"));
        assertTrue(job.getString("result.failureReason").contains("more than the limit of 8"), job.getString("result.failureReason"));
        List<String> history = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("type");
        assertEquals("FAILED", history.get(history.size() - 1));

        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        assertEquals("ENGINE_CONTEXT_TOO_LONG", JsonPath.from(completed.value()).getString("failureCode"));
    }

    @Test
    void aSplitMissingFromStorageFailsTheJobAtOnce() {
        String dataset = TestStack.newDatasetId();
        stack.announceValid(dataset, 20, 4);
        String id = submit(dataset, Map.of());
        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("JOB_DATASET_SPLIT_MISSING", job.getString("result.failureCode"));
        assertEquals(1, job.getInt("attempts"), "not retried: the data will not come back by itself");
    }

    @Test
    void aRunningLocalJobCancelledByRequestStopsAtTheNextStepAndEndsCancelled() {
        String dataset = stack.validDataset(30, 2);
        // batch 1 for 40 epochs: 1,200 steps, far more than the test waits for.
        String id = submit(dataset, Map.of("epochs", 40, "batchSize", 1, "checkpointEvery", 1000));
        TestStack.await("job " + id + " to take steps", () -> {
            JsonPath job = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
            Integer step = job.get("progress.step");
            return step != null && step > 2 ? job : null;
        }, TRAINING);

        given().queryParam("reason", "wrong learning rate").when().post("/jobs/" + id + "/cancel")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.oneOf("CANCELLING", "CANCELLED"));
        given().when().post("/jobs/" + id + "/cancel").then().statusCode(org.hamcrest.Matchers.oneOf(200, 409));

        JsonPath job = TestStack.await("job " + id + " to end", () -> {
            JsonPath j = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
            return "CANCELLED".equals(j.getString("status")) ? j : null;
        }, TRAINING);
        assertEquals("JOB_CANCELLED", job.getString("result.failureCode"), job.prettify());
        assertEquals("wrong learning rate", job.getString("result.failureReason"));
        assertTrue(job.getInt("progress.step") < 1200, "it stopped early: " + job.getInt("progress.step"));
        assertEquals(List.of("QUEUED", "RUNNING", "CANCELLING", "CANCELLED"), TestStack.states(id));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        assertEquals("CANCELLED", JsonPath.from(completed.value()).getString("status"));
        given().when().post("/jobs/" + id + "/cancel").then().statusCode(409).body("code", equalTo("JOB_ALREADY_FINISHED"));
    }

    static String submit(String dataset, Map<String, Object> hyperparameters) {
        return given().contentType(ContentType.JSON).body(Map.of("datasetId", dataset, "hyperparameters", hyperparameters))
                .when().post("/jobs")
                .then().statusCode(201)
                .body("status", equalTo("QUEUED"))
                .body("backend", equalTo("local"))
                .body("baseModel", equalTo("stories260K"))
                .extract().path("id");
    }

    static JsonPath awaitFinished(String id) {
        return TestStack.await("job " + id + " to finish", () -> {
            JsonPath job = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
            String status = job.getString("status");
            return "SUCCEEDED".equals(status) || "FAILED".equals(status) ? job : null;
        }, TRAINING);
    }

    boolean processed(String consumer, String ceId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                        "SELECT count(*) FROM processed_event WHERE consumer = ?1 AND event_id = ?2")
                .setParameter(1, consumer).setParameter(2, ceId).getSingleResult()).longValue() == 1);
    }
}
