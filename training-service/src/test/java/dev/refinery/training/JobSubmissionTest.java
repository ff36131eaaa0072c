package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import dev.refinery.training.repository.Job;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /jobs: what is refused (and leaves no trace), what is accepted, and idempotency. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class JobSubmissionTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void connect() {
        stack = new TestStack(kafka, storage);
    }

    @Test
    void aDatasetThatExistsNowhereIs404AndLeavesNoTrace() {
        String id = TestStack.newDatasetId();
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id))
                .when().post("/jobs")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("JOB_DATASET_NOT_FOUND"))
                .body("field", equalTo("datasetId"))
                .body("detail", containsString("never uploaded"));
        assertNothingRecordedFor(id);
    }

    /**
     * training-service hears of a validation one event after validation-service made it: a job asked for in between is not
     * told the dataset does not exist. It waits a moment for the verdict, then answers 409 with Retry-After; once the
     * verdict is in, the same request is accepted.
     */
    @Test
    void aDatasetWhoseVerdictHasNotArrivedYetIs409WithRetryAfterNot404() {
        String id = TestStack.newDatasetId();
        storage.put("datasets/" + id + "/raw/data.jsonl", TestStack.exampleLines("train.jsonl", 20), "application/x-ndjson");
        storage.put("datasets/" + id + "/validated/train.jsonl", TestStack.exampleLines("train.jsonl", 20), "application/x-ndjson");
        storage.put("datasets/" + id + "/validated/report.json", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id))
                .when().post("/jobs")
                .then().statusCode(409)
                .header("Retry-After", equalTo("2"))
                .body("code", equalTo("JOB_DATASET_NOT_READY"))
                .body("validated", equalTo(true))
                .body("retryAfterSeconds", equalTo(2))
                .body("detail", containsString("has not reached training-service yet"));
        assertNothingRecordedFor(id);

        stack.announceValid(id, 20, 0);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id, "hyperparameters", Map.of("epochs", 1)))
                .when().post("/jobs").then().statusCode(201);
    }

    @Test
    void aDatasetThatIsNotValidIs409WithItsStatusAndLeavesNoTrace() {
        String id = stack.invalidDataset();
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id))
                .when().post("/jobs")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("JOB_DATASET_NOT_VALID"))
                .body("datasetStatus", equalTo("INVALID"))
                .body("detail", containsString("INVALID"));
        assertNothingRecordedFor(id);
    }

    @Test
    void everyOutOfRangeHyperparameterIsListedWithItsAllowedRange() {
        String id = TestStack.newDatasetId();
        given().contentType(ContentType.JSON)
                .body(Map.of("datasetId", id, "hyperparameters", Map.of("epochs", 0, "learningRate", 5, "loraRank", 0,
                        "loraDropout", 1.5, "maxSeqLen", 100000, "trainingType", "qlora", "learning_rate", 0.1)))
                .when().post("/jobs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("errors", hasSize(7))
                .body("errors.field", hasItem("epochs"))
                .body("errors.field", hasItem("learningRate"))
                .body("errors.field", hasItem("loraRank"))
                .body("errors.field", hasItem("loraDropout"))
                .body("errors.field", hasItem("maxSeqLen"))
                .body("errors.field", hasItem("trainingType"))
                .body("errors.field", hasItem("learning_rate"))
                .body("errors.find { it.field == 'epochs' }.allowed", equalTo("an integer from 1 to 100"))
                .body("errors.find { it.field == 'maxSeqLen' }.allowed", equalTo("an integer from 1 to 512"))
                .body("errors.find { it.field == 'learningRate' }.value", equalTo(5))
                .body("errors.find { it.field == 'learningRate' }.allowed", equalTo("a number > 0 and <= 1"))
                .body("errors.find { it.field == 'learning_rate' }.allowed", containsString("learningRate"))
                .body("backend", equalTo("local"));
        assertNothingRecordedFor(id);
    }

    @Test
    void anUnsupportedBackendAndAnUnknownModelAreRefusedWithWhatIsAvailable() {
        String id = TestStack.newDatasetId();
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id, "backend", "slurm"))
                .when().post("/jobs")
                .then().statusCode(400)
                .body("code", equalTo("JOB_BACKEND_UNSUPPORTED"))
                .body("supported", equalTo(List.of("local", "together", "fireworks", "openai", "kubernetes")));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id, "baseModel", "gpt-9"))
                .when().post("/jobs")
                .then().statusCode(400)
                .body("code", equalTo("JOB_MODEL_UNKNOWN"))
                .body("catalog", hasItem("stories260K"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", "nope"))
                .when().post("/jobs")
                .then().statusCode(400)
                .body("code", equalTo("JOB_DATASET_ID_INVALID"));
        assertNothingRecordedFor(id);
    }

    @Test
    void theKubernetesBackendIsOffByDefaultAndTheServiceNeedsNoCluster() {
        String id = TestStack.newDatasetId();
        given().contentType(ContentType.JSON).body(Map.of("datasetId", id, "backend", "kubernetes", "baseModel", "meta-llama/Llama-3.2-1B-Instruct"))
                .when().post("/jobs")
                .then().statusCode(422)
                .body("code", equalTo("JOB_BACKEND_NOT_CONFIGURED"))
                .body("setting", equalTo("refinery.training.kubernetes.enabled"))
                .body("detail", containsString("REFINERY_TRAINING_KUBERNETES_ENABLED"));
        assertNothingRecordedFor(id);
        // No cluster here: the service started, and its health has no Kubernetes check to fail.
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.not(hasItem(containsString("ubernetes"))));
    }

    @Test
    void anEvaluationSpecIsCheckedFieldByFieldWhenTheJobIsSubmitted() {
        String dataset = stack.validDataset(24, 4);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", dataset, "evaluation", Map.of("metric", "accuracy",
                        "metrics", java.util.List.of("token_f1", "grader:has space"), "maxItems", 1, "datasetId", TestStack.newDatasetId())))
                .when().post("/jobs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("evaluation.metric"))
                .body("errors.field", hasItem("evaluation.metrics[1]"))
                .body("errors.field", hasItem("evaluation.maxItems"))
                .body("errors.field", hasItem("evaluation.datasetId"))
                .body("errors.find { it.field == 'evaluation.metric' }.message", containsString("token_f1"));
        assertNothingRecordedFor(dataset);
        // What the promotion policy decides on is an admin's to change: a write key may ask for more metrics, not another one.
        String writer = TestIdentity.header(TestIdentity.DEFAULT_TENANT, dev.refinery.identity.Scope.WRITE);
        given().header(dev.refinery.identity.IdentityTokens.HEADER, writer).contentType(ContentType.JSON)
                .body(Map.of("datasetId", dataset, "evaluation", Map.of("metric", "token_f1")))
                .when().post("/jobs").then().statusCode(403).body("code", equalTo("IDENTITY_SCOPE_INSUFFICIENT"));
        assertNothingRecordedFor(dataset);
        given().header(dev.refinery.identity.IdentityTokens.HEADER, writer).contentType(ContentType.JSON)
                .body(Map.of("datasetId", dataset, "hyperparameters", Map.of("epochs", 1), "evaluation", Map.of("metrics",
                        java.util.List.of("rouge_l"), "maxItems", 20)))
                .when().post("/jobs").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", dataset, "hyperparameters", Map.of("epochs", 1),
                        "evaluation", Map.of("metric", "grader:tone@2", "metrics", java.util.List.of("rouge_l"), "maxItems", 20)))
                .when().post("/jobs")
                .then().statusCode(201)
                .body("status", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void anUnknownMethodIsRefusedWithTheMethodsThereAre() {
        String dataset = stack.validDataset(24, 4);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", dataset, "method", "ppo"))
                .when().post("/jobs")
                .then().statusCode(400)
                .body("code", equalTo("JOB_METHOD_INVALID"))
                .body("field", equalTo("method"))
                .body("allowed", equalTo(java.util.List.of("sft", "dpo")));
        assertNothingRecordedFor(dataset);
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameJobAndOneEvent() {
        String dataset = stack.validDataset(24, 4);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("datasetId", dataset, "hyperparameters", Map.of("epochs", 1, "learningRate", 0.005));
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/jobs")
                .then().statusCode(201)
                .header("Location", containsString("/jobs/ft-"))
                .body("status", equalTo("QUEUED"))
                .body("hyperparameterSources.learningRate", equalTo("user"))
                .body("hyperparameterSources.batchSize", equalTo("provider_default"))
                .extract().path("id");
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/jobs")
                .then().statusCode(200)
                .extract().path("id");
        assertEquals(first, second);

        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("datasetId", dataset, "hyperparameters", Map.of("epochs", 2)))
                .when().post("/jobs")
                .then().statusCode(422)
                .body("code", equalTo("JOB_IDEMPOTENCY_KEY_REUSED"))
                .body("jobId", org.hamcrest.Matchers.nullValue())                  // the refusal names no job: a key may be
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(first))); // in several hands

        assertEquals(1L, QuarkusTransaction.requiringNew().call(() -> Job.count("datasetId", dataset)));
        assertEquals(1, stack.probe().all("job-submitted", r -> first.equals(r.key()), Duration.ofSeconds(4)).size(),
                "one job-submitted event for the job");
    }

    @Test
    void jobsAndModelsCanBeListedAndBadIdsAreExplained() {
        given().when().get("/models").then().statusCode(200)
                .body("find { it.id == 'stories260K' }.contextLength", equalTo(512))
                .body("find { it.id == 'stories260K' }.format", equalTo("llama2.c"));
        given().when().get("/jobs?limit=5").then().statusCode(200).body("$", notNullValue());
        given().when().get("/jobs?status=DONE").then().statusCode(400).body("code", equalTo("JOB_STATUS_INVALID"));
        given().when().get("/jobs/ft-00000000000000000000000000000000").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("JOB_NOT_FOUND"));
        given().when().get("/jobs/nope/metrics").then().statusCode(400).body("code", equalTo("JOB_ID_INVALID"));
        given().when().get("/jobs/ft-00000000000000000000000000000000/events").then().statusCode(404);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().contentType(ContentType.JSON).body(Map.of("datasetId", TestStack.newDatasetId())).when().post("/jobs").then().statusCode(404);
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("object-storage"))
                .body(containsString("dataset-validated"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("refinery_training_jobs_refused_total"))
                .body(containsString("refinery_training_jobs_held"));
        given().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/jobs/{id}/metrics"))
                .body(containsString("Submit a fine-tuning job"));
    }

    private void assertNothingRecordedFor(String datasetId) {
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> Job.count("datasetId", datasetId)), "no job recorded");
        assertEquals(List.of(), stack.probe().all("job-submitted", r -> r.value().contains(datasetId), Duration.ofSeconds(2)),
                "no job-submitted event");
    }
}
