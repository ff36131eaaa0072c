package dev.refinery.training;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatJsonl;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.training.backend.local.EngineSpec;
import dev.refinery.training.backend.local.LocalEngineBackend;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
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
 * A restart in the middle of a job, simulated: the job's row is left as a process that is gone left it, with its work
 * lease held by that process (not renewed any more) or open (the hand-over after its commit lost), and the sweeper must
 * finish it; a lease held by a live process elsewhere is left alone.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class JobRecoveryTest {

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
        String id = orphan(newJobId(), dataset, JobStatus.RUNNING, 1, 0, "{\"epochs\": 1}", Lease.EXPIRED);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(2, job.getInt("attempts"));
        List<String> messages = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("message");
        assertTrue(messages.stream().anyMatch(m -> m.contains("attempt 2: training started over")), messages.toString());
        assertEquals(List.of(1, 2, 3), given().when().get("/jobs/" + id + "/metrics").then().extract().path("steps.step"));
        assertTrue(storage.exists("jobs/" + id + "/adapter/adapter_model.safetensors"));
    }

    @Test
    void aRunningJobResumesFromItsNewestCompleteCheckpoint() throws Exception {
        String dataset = stack.validDataset(30, 4);
        String spec = "{\"epochs\": 1, \"checkpointEvery\": 1}";
        String id = newJobId();
        Path checkpoint = checkpointAfterTwoSteps(dataset, spec);
        for (String file : List.of("optimizer_and_params.bin", "trainer_state.json", "COMPLETE")) {
            storage.put("jobs/" + id + "/checkpoints/step-2/" + file, Files.readAllBytes(checkpoint.resolve(file)), "application/octet-stream");
        }
        // A newer checkpoint whose upload never finished (no COMPLETE marker) must be ignored.
        storage.put("jobs/" + id + "/checkpoints/step-3/trainer_state.json", "{\"step\": 3}".getBytes(StandardCharsets.UTF_8), "application/json");
        orphan(id, dataset, JobStatus.RUNNING, 1, 0, spec, Lease.EXPIRED);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(4, job.getInt("result.steps"));
        assertEquals(List.of(3, 4), given().when().get("/jobs/" + id + "/metrics").then().extract().path("steps.step"),
                "steps 1 and 2 came from the checkpoint, not from a new run");
        List<String> messages = given().when().get("/jobs/" + id + "/events").then().statusCode(200).extract().path("message");
        assertTrue(messages.stream().anyMatch(m -> m.contains("resumed from the checkpoint of step 2")), messages.toString());
        assertTrue(storage.exists("jobs/" + id + "/adapter/adapter_config.json"));
        assertEquals(List.of(), storage.list("jobs/" + id + "/checkpoints/step-3/"), "the incomplete checkpoint was pruned with the old ones");
    }

    @Test
    void aQueuedJobWhoseHandOverWasLostIsPickedUp() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(newJobId(), dataset, JobStatus.QUEUED, 0, 0, "{}", Lease.OPEN);
        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(1, job.getInt("attempts"));
    }

    /**
     * A job whose process died three times in a row (its lease never given back) fails: it must not loop forever. Only a
     * death counts: a service that stops gives its jobs back uncounted, and a database or storage outage is waited out
     * (see the outage test on the local stack, and the kit's LeasedWorkersTest).
     */
    @Test
    void aJobWhoseProcessDiedThreeTimesFails() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(newJobId(), dataset, JobStatus.RUNNING, 3, 2, "{}", Lease.EXPIRED);

        JsonPath job = JobTrainingTest.awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("JOB_INTERRUPTED", job.getString("result.failureCode"));
        assertTrue(job.getString("result.failureReason").contains("failed 3 times"), job.getString("result.failureReason"));
        assertTrue(job.getString("result.failureReason").contains("stopped without finishing"), job.getString("result.failureReason"));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        assertEquals("FAILED", JsonPath.from(completed.value()).getString("status"));
    }

    @Test
    void aJobHeldByALiveWorkerElsewhereIsLeftAlone() throws Exception {
        String dataset = stack.validDataset(20, 4);
        String id = orphan(newJobId(), dataset, JobStatus.RUNNING, 1, 0, "{}", Lease.LIVE_ELSEWHERE);
        Thread.sleep(3000); // three sweeps
        Job job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id));
        assertEquals(JobStatus.RUNNING, job.status);
        assertEquals(1, job.attempts, "not taken over while the other worker's claim is fresh");
        QuarkusTransaction.requiringNew().run(() -> {
            Job.getEntityManager().createNativeQuery("DELETE FROM work_lease WHERE work_id = ?1").setParameter(1, id).executeUpdate();
            Job.deleteById(id);
        });
    }

    private static String newJobId() {
        return "ft-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** How the job's lease was left. */
    private enum Lease { OPEN, EXPIRED, LIVE_ELSEWHERE }

    /** A job row, and its lease, as a process that died (or is alive elsewhere) would have left them. */
    private String orphan(String id, String dataset, JobStatus status, int attempt, int failures, String values, Lease lease) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        QuarkusTransaction.requiringNew().run(() -> {
            Job j = new Job();
            j.id = id;
            j.datasetId = dataset;
            j.baseModel = "stories260K";
            j.backend = LocalEngineBackend.NAME;
            j.status = status;
            j.effectiveSpec = "{\"values\": " + values + ", \"sources\": {}}";
            j.request = "{\"datasetId\": \"" + dataset + "\"}";
            j.attempts = attempt;
            j.createdAt = now.minusMinutes(11);
            if (status == JobStatus.RUNNING) {
                j.providerJobId = id; // created at the engine, under its own id
                j.startedAt = j.createdAt;
            }
            j.persist();
            String sql = switch (lease) {
                case OPEN -> "INSERT INTO work_lease (kind, work_id, state, attempt, failures, next_at, created_at, updated_at) "
                        + "VALUES ('training-job', ?1, 'OPEN', ?2, ?3, now(), now(), now())";
                case EXPIRED -> "INSERT INTO work_lease (kind, work_id, state, attempt, failures, holder, held_until, next_at, created_at, updated_at) "
                        + "VALUES ('training-job', ?1, 'HELD', ?2, ?3, 'gone-host/0000', now() - interval '10 minutes', now(), now(), now())";
                case LIVE_ELSEWHERE -> "INSERT INTO work_lease (kind, work_id, state, attempt, failures, holder, held_until, next_at, created_at, "
                        + "updated_at) VALUES ('training-job', ?1, 'HELD', ?2, ?3, 'live-host/0000', now() + interval '10 minutes', now(), now(), now())";
            };
            Job.getEntityManager().createNativeQuery(sql).setParameter(1, id).setParameter(2, attempt).setParameter(3, failures).executeUpdate();
        });
        return id;
    }

    /** What a worker would have left in its work folder: the engine's checkpoint after step 2 of this job's run. */
    private Path checkpointAfterTwoSteps(String dataset, String values) throws IOException {
        LanguageModel model = LanguageModel.load(TestStack.modelsDir().resolve("stories260K"));
        List<TrainingExample> train = encode(model, storage.read("datasets/" + dataset + "/validated/train.jsonl"));
        List<TrainingExample> validation = encode(model, storage.read("datasets/" + dataset + "/validated/validation.jsonl"));
        Path root = temp.resolve("checkpoints");
        EffectiveSpec spec = SpecJson.effectiveSpec("{\"values\": " + values + ", \"sources\": {}}", "stories260K", TrainingMethod.SFT,
                DatasetRefs.trainingOnly(new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, java.io.InputStream::nullInputStream)));
        new Trainer(model.weights(), EngineSpec.trainingConfig(spec)).train(train, validation, new TrainingListener() {
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
