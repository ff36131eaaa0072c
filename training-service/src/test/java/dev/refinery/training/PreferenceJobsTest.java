package dev.refinery.training;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DPO on the local engine, alone and as the second stage after SFT (fromJob), against the real broker, S3 and PostgreSQL. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class PreferenceJobsTest {

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
    void sftThenDpoFromTheSftAdapterOnTheLocalEngine() {
        String chats = stack.validDataset(24, 4);
        String sft = JobTrainingTest.submit(chats, Map.of("epochs", 1, "batchSize", 8, "learningRate", 0.005, "loraRank", 4));
        assertEquals("SUCCEEDED", JobTrainingTest.awaitFinished(sft).getString("status"));

        String pairs = stack.preferenceDataset(24, 4);
        String dpo = submit(Map.of("datasetId", pairs, "method", "dpo", "fromJob", sft,
                "hyperparameters", Map.of("epochs", 2, "batchSize", 4, "learningRate", 0.01, "dpoBeta", 0.5, "nEvals", 4)));
        JsonPath job = JobTrainingTest.awaitFinished(dpo);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals("dpo", job.getString("method"));
        assertEquals(sft, job.getString("fromJob"));
        assertEquals(4, job.getInt("hyperparameters.loraRank"), "the adapter keeps the SFT job's shape");
        assertEquals("from_job", job.getString("hyperparameterSources.loraRank"));
        assertEquals("user", job.getString("hyperparameterSources.dpoBeta"));
        assertEquals("provider_default", job.getString("hyperparameterSources.dpoVariant"));
        assertEquals("standard", job.getString("hyperparameters.dpoVariant"));
        assertEquals(ProviderJobsTest.CANONICAL_SUCCESS, TestStack.states(dpo), "the same canonical sequence as every SFT job");

        JsonPath metrics = given().when().get("/jobs/" + dpo + "/metrics").then().statusCode(200).extract().jsonPath();
        List<Float> losses = metrics.getList("steps.loss", Float.class);
        // The reference is the SFT adapter itself, so the first step is exactly -log sigmoid(0).
        assertEquals(Math.log(2), losses.get(0), 1e-3, metrics.prettify());
        assertTrue(losses.get(losses.size() - 1) < losses.get(0), "the DPO loss falls: " + losses);
        List<Float> accuracy = metrics.getList("steps.rewardAccuracy", Float.class);
        assertEquals(losses.size(), accuracy.size());
        assertTrue(accuracy.get(accuracy.size() - 1) > 0.5f, "the model comes to prefer the right hero's story: " + accuracy);
        assertFalse(metrics.getList("validation.loss").isEmpty());

        byte[] sftWeights = storage.read("jobs/" + sft + "/adapter/adapter_model.safetensors");
        byte[] dpoWeights = storage.read("jobs/" + dpo + "/adapter/adapter_model.safetensors");
        assertEquals(sftWeights.length, dpoWeights.length, "same adapter shape");
        assertFalse(Arrays.equals(sftWeights, dpoWeights), "DPO trained the SFT adapter further");

        // A re-run repeats the whole spec: method and fromJob included.
        given().when().post("/jobs/" + dpo + "/rerun").then().statusCode(201)
                .body("method", equalTo("dpo")).body("fromJob", equalTo(sft));
    }

    @Test
    void dpoOnAConversationDatasetFailsTheJobWithAClearCode() {
        String chats = stack.validDataset(8, 2);
        String id = submit(Map.of("datasetId", chats, "method", "dpo"));
        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("JOB_DATASET_METHOD_MISMATCH", job.getString("result.failureCode"), job.prettify());
        assertTrue(job.getString("result.failureReason").contains("preference pair"), job.getString("result.failureReason"));
    }

    @Test
    void badSecondStagesAndMisplacedSettingsAreRefusedUpFront() {
        String chats = stack.validDataset(8, 2);
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "hyperparameters", Map.of("dpoBeta", 0.2)))
                .when().post("/jobs").then().statusCode(400)
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("errors.field", hasItems("dpoBeta"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "method", "dpo",
                        "hyperparameters", Map.of("dpoBeta", 0, "simpoGamma", 0.5, "trainOnInputs", true)))
                .when().post("/jobs").then().statusCode(400)
                .body("errors.field", hasItems("dpoBeta", "simpoGamma", "trainOnInputs"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "method", "dpo", "fromJob", "ft-0123456789abcdef0123456789abcdef"))
                .when().post("/jobs").then().statusCode(400)
                .body("code", equalTo("JOB_FROM_JOB_INVALID"));

        String first = JobTrainingTest.submit(chats, Map.of("loraRank", 4, "batchSize", 8));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "method", "dpo", "fromJob", first))
                .when().post("/jobs").then().statusCode(409)
                .body("code", equalTo("JOB_FROM_JOB_INVALID"));
        assertEquals("SUCCEEDED", JobTrainingTest.awaitFinished(first).getString("status"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "method", "dpo", "fromJob", first,
                        "hyperparameters", Map.of("loraRank", 16)))
                .when().post("/jobs").then().statusCode(400)
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("detail", org.hamcrest.Matchers.containsString("loraRank must stay 4"));
        given().contentType(ContentType.JSON).body(Map.of("datasetId", chats, "method", "dpo", "fromJob", first, "baseModel", "stories15M"))
                .when().post("/jobs").then().statusCode(400)
                .body("code", equalTo("JOB_FROM_JOB_INVALID"));
    }

    private static String submit(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/jobs")
                .then().statusCode(201)
                .body("status", equalTo("QUEUED"))
                .extract().path("id");
    }
}
