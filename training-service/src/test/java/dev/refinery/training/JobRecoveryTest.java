package dev.refinery.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.training.mapping.HyperparameterJson;
import dev.refinery.training.mapping.TrainingConfigMapper;
import dev.refinery.training.repository.Job;
import dev.refinery.training.service.HyperparameterValidator;
import dev.refinery.training.service.Hyperparameters;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart in the middle of a job, simulated: the job's row is left RUNNING with the claim of a
 * process that is gone (or QUEUED with its event lost), and the sweeper must finish it.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class JobRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @TempDir
    Path temp;

    private TestStack stack;

    @BeforeEach
    void connect() {
        stack = new TestStack(kafka, storage);
    }

    @Test
    void aRunningJobWithoutCheckpointIsStartedOverAndSucceeds() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(dataset, "RUNNING", 1, hyperparameters("{\"epochs\": 1}"), 10);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(2, job.getInt("attempts"));
        List<String> messages = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("message");
        assertTrue(messages.get(0).contains("attempt 2 of 3: training started over"), messages.toString());
        assertEquals(List.of(1, 2, 3), given().when().get("/jobs/" + id + "/metrics").then().extract().path("steps.step"));
        assertTrue(storage.exists("jobs/" + id + "/adapter/adapter_model.safetensors"));
    }

    @Test
    void aRunningJobResumesFromItsNewestCompleteCheckpoint() throws Exception {
        String dataset = stack.validDataset(30, 4);
        Hyperparameters h = hyperparameters("{\"epochs\": 1, \"checkpointEvery\": 1}");
        String id = newJobId();
        Path checkpoint = checkpointAfterTwoSteps(dataset, h);
        for (String file : List.of("optimizer_and_params.bin", "trainer_state.json", "COMPLETE")) {
            storage.put("jobs/" + id + "/checkpoints/step-2/" + file, Files.readAllBytes(checkpoint.resolve(file)), "application/octet-stream");
        }
        // A newer checkpoint whose upload never finished (no COMPLETE marker) must be ignored.
        storage.put("jobs/" + id + "/checkpoints/step-3/trainer_state.json", "{\"step\": 3}".getBytes(StandardCharsets.UTF_8), "application/json");
        orphan(id, dataset, "RUNNING", 1, h, 10);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(4, job.getInt("result.steps"));
        assertEquals(List.of(3, 4), given().when().get("/jobs/" + id + "/metrics").then().extract().path("steps.step"),
                "steps 1 and 2 came from the checkpoint, not from a new run");
        List<String> messages = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("message");
        assertTrue(messages.get(0).contains("resumed from the checkpoint of step 2"), messages.toString());
        assertTrue(storage.exists("jobs/" + id + "/adapter/adapter_config.json"));
        assertEquals(List.of(), storage.list("jobs/" + id + "/checkpoints/step-3/"), "the incomplete checkpoint was pruned with the old ones");
    }

    @Test
    void aQueuedJobWhoseEventWasLostIsPickedUp() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(dataset, "QUEUED", 0, hyperparameters("{}"), 10);
        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(1, job.getInt("attempts"));
    }

    @Test
    void aJobInterruptedThreeTimesFails() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(dataset, "RUNNING", 3, hyperparameters("{}"), 10);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("JOB_INTERRUPTED", job.getString("result.failureCode"));
        assertTrue(job.getString("result.failureReason").startsWith("interrupted 3 times"), job.getString("result.failureReason"));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", completed.value());
        assertEquals("FAILED", JsonPath.from(completed.value()).getString("status"));
    }

    @Test
    void aJobHeldByALiveWorkerElsewhereIsLeftAlone() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(dataset, "RUNNING", 1, hyperparameters("{}"), 0);
        Thread.sleep(3000); // three sweeps
        Job job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id));
        assertEquals("RUNNING", job.status);
        assertEquals(1, job.attempts, "not taken over while the other worker's claim is fresh");
        QuarkusTransaction.requiringNew().run(() -> Job.deleteById(id)); // before its claim expires and it is taken over
    }

    private static Hyperparameters hyperparameters(String json) throws IOException {
        return HyperparameterValidator.resolve(JSON.readTree(json), 512).hyperparameters();
    }

    private static String newJobId() {
        return "ft-" + UUID.randomUUID().toString().replace("-", "");
    }

    private String orphan(String dataset, String status, int attempts, Hyperparameters h, int heartbeatMinutesAgo) {
        return orphan(newJobId(), dataset, status, attempts, h, heartbeatMinutesAgo);
    }

    /** A job row as a process that died (or is elsewhere) would have left it. */
    private String orphan(String id, String dataset, String status, int attempts, Hyperparameters h, int heartbeatMinutesAgo) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        QuarkusTransaction.requiringNew().run(() -> {
            Job j = new Job();
            j.id = id;
            j.datasetId = dataset;
            j.baseModel = "stories260K";
            j.backend = "local";
            j.status = status;
            j.hyperparameters = HyperparameterJson.values(h);
            j.hyperparameterSources = HyperparameterJson.sources(h);
            j.attempts = attempts;
            j.createdAt = now.minusMinutes(heartbeatMinutesAgo + 1);
            if ("RUNNING".equals(status)) {
                j.claimedBy = "gone-host/" + UUID.randomUUID().toString().substring(0, 8);
                j.heartbeatAt = now.minusMinutes(heartbeatMinutesAgo);
                j.startedAt = j.createdAt;
            }
            j.persist();
        });
        return id;
    }

    /** What a worker would have left in its work folder: the engine's checkpoint after step 2 of this job's run. */
    private Path checkpointAfterTwoSteps(String dataset, Hyperparameters h) throws IOException {
        LanguageModel model = LanguageModel.load(TestStack.modelsDir().resolve("stories260K"));
        List<TrainingExample> train = encode(model, storage.read("datasets/" + dataset + "/validated/train.jsonl"));
        List<TrainingExample> validation = encode(model, storage.read("datasets/" + dataset + "/validated/validation.jsonl"));
        Path root = temp.resolve("checkpoints");
        new Trainer(model.weights(), TrainingConfigMapper.toEngine(h)).train(train, validation, new TrainingListener() {
            int steps;

            @Override
            public void onStep(StepMetrics metrics) {
                steps++;
            }

            @Override
            public boolean cancelRequested() {
                return steps >= 2;
            }
        }, root);
        Path step2 = root.resolve("step-2");
        assertTrue(Files.exists(step2.resolve("COMPLETE")), "the engine wrote the checkpoint of step 2");
        return step2;
    }

    private static List<TrainingExample> encode(LanguageModel model, byte[] jsonl) {
        List<TrainingExample> out = new ArrayList<>();
        String[] lines = new String(jsonl, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                out.add(TrainingExample.of(model.template().encodeForTraining(ChatJsonl.parseLine(lines[i], i + 1))));
            }
        }
        return out;
    }
}
