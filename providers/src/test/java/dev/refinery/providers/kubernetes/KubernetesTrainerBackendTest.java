package dev.refinery.providers.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecException;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.UploadedFile;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Against the fabric8 mock API server in CRUD mode: the cluster's controllers are played by the test. */
@EnableKubernetesMockClient(crud = true)
class KubernetesTrainerBackendTest {

    static final String NS = "training";
    static final String JOB_ID = "job-42";
    static final String POD = "refinery-train-job-42-abcde";
    static final ObjectMapper JSON = new ObjectMapper();

    KubernetesMockServer server;
    KubernetesClient client;
    InMemoryTrainerStorage storage;
    KubernetesTrainerBackend backend;
    KubernetesTrainerConfig config;

    @BeforeEach
    void setUp() {
        storage = new InMemoryTrainerStorage();
        config = new KubernetesTrainerConfig(NS, "registry.example/refinery-trainer:0.1.0", 1, "http://minio.storage:9000",
                "refinery", "refinery-s3", 2, Duration.ofHours(6), Duration.ofHours(12), "refinery-trainer",
                Map.of("gpu-pool", "h200"), "64Gi");
        backend = new KubernetesTrainerBackend(client, config, storage);
    }

    // --- create ---

    @Test
    void theCreatedJobCarriesTheSpecTheGpuTheSecretReferencesAndItsLimits() throws Exception {
        UploadedFile training = backend.upload(file("train.jsonl", "{\"messages\":[]}\n"));
        ProviderJob job = backend.create(loraSpec(), training, null, JOB_ID);

        assertEquals(JobState.QUEUED, job.state());
        assertEquals("job=Pending pod=none", job.rawStatus());
        assertEquals(JOB_ID, job.id());
        assertTrue(storage.objects.containsKey(training.id()), "the dataset is in the bucket the trainer reads");

        Job created = client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").get();
        assertEquals(JOB_ID, created.getMetadata().getLabels().get("refinery.dev/job-id"));
        assertEquals("refinery-training-service", created.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals(2, created.getSpec().getBackoffLimit());
        assertEquals(6 * 3600L, created.getSpec().getActiveDeadlineSeconds());
        assertEquals(12 * 3600, created.getSpec().getTtlSecondsAfterFinished());
        PodFailurePolicyRule failFast = created.getSpec().getPodFailurePolicy().getRules().get(0);
        assertEquals("FailJob", failFast.getAction());
        assertEquals(List.of(2), failFast.getOnExitCodes().getValues());

        var pod = created.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(JOB_ID, created.getSpec().getTemplate().getMetadata().getLabels().get("refinery.dev/job-id"));
        assertEquals(Map.of("gpu-pool", "h200"), pod.getNodeSelector());
        var container = pod.getContainers().get(0);
        assertEquals("registry.example/refinery-trainer:0.1.0", container.getImage());
        assertEquals("1", container.getResources().getLimits().get("nvidia.com/gpu").getAmount());
        assertEquals("64", container.getResources().getLimits().get("memory").getAmount());

        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertNull(env.get("REFINERY_S3_ACCESS_KEY").getValue(), "keys are never inline");
        assertEquals("refinery-s3", env.get("REFINERY_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName());
        assertEquals("secret-key", env.get("REFINERY_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getKey());
        assertEquals(Boolean.TRUE, env.get("HF_TOKEN").getValueFrom().getSecretKeyRef().getOptional());
        assertEquals("http://minio.storage:9000", env.get("REFINERY_S3_ENDPOINT").getValue());

        JsonNode spec = JSON.readTree(env.get("REFINERY_JOB_SPEC_JSON").getValue());
        assertEquals(JOB_ID, spec.get("jobId").asText());
        assertEquals("SFT", spec.get("method").asText());
        assertEquals(training.id(), spec.get("trainingFile").asText());
        assertEquals(16, spec.at("/settings/loraRank").asInt());
        assertEquals(4, spec.at("/settings/batchSize").asInt());
        assertEquals("COSINE", spec.at("/settings/lrScheduler").asText(), "the trainer's default, recorded");
        assertEquals("q_proj", spec.at("/settings/loraTargetModules/0").asText());
    }

    @Test
    void creatingTheSameJobTwiceStartsOneJob() {
        UploadedFile training = backend.upload(file("train.jsonl", "{}\n"));
        backend.create(loraSpec(), training, null, JOB_ID);
        ProviderJob again = backend.create(loraSpec(), training, null, JOB_ID);
        assertEquals(JOB_ID, again.id());
        assertEquals(1, client.batch().v1().jobs().inNamespace(NS).list().getItems().size());
    }

    @Test
    void whatTheTrainerCannotRunIsRefusedBeforeAnythingIsCreated() {
        UploadedFile training = new UploadedFile("kubernetes", "datasets/ds-1/train.jsonl", "train.jsonl", 3);
        // The trainer's default variant is STANDARD, so a SimPO margin alone contradicts it (the trainer would exit 2).
        SpecException gamma = assertThrows(SpecException.class, () -> backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.DPO)
                .set(SpecField.SIMPO_GAMMA, 0.5).build(), SpecValues.EMPTY));
        assertEquals("simpoGamma", gamma.field());
        ProviderException e;

        EffectiveSpec max = backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.SFT).batchSize(BatchSize.MAX).build(), SpecValues.EMPTY);
        e = assertThrows(ProviderException.class, () -> backend.create(max, training, null, "job-max"));
        assertEquals("batchSize", e.param());

        EffectiveSpec suffix = backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.SFT).suffix("mine").build(), SpecValues.EMPTY);
        e = assertThrows(ProviderException.class, () -> backend.create(suffix, training, null, "job-suffix"));
        assertEquals("suffix", e.param());
        assertTrue(client.batch().v1().jobs().inNamespace(NS).list().getItems().isEmpty());
    }

    @Test
    void aDpoJobCarriesItsVariantBetaAndNllWeightAndTheTrainersDefaults() throws Exception {
        UploadedFile training = backend.upload(file("train.jsonl", "{}\n"));
        EffectiveSpec spec = backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.DPO)
                .dpo(DpoVariant.LENGTH_NORMALIZED, null, 0.5, null).build(), SpecValues.EMPTY);
        assertEquals(ValueSource.PROVIDER_DEFAULT, spec.source(SpecField.DPO_BETA).orElseThrow());
        backend.create(spec, training, null, "job-dpo");

        JsonNode document = specDocument("job-dpo");
        assertEquals("DPO", document.get("method").asText());
        assertEquals("LENGTH_NORMALIZED", document.at("/settings/dpoVariant").asText());
        assertEquals(0.1, document.at("/settings/dpoBeta").asDouble(), 1e-12, "Together's beta, the trainer's default");
        assertEquals(0.5, document.at("/settings/dpoNllWeight").asDouble(), 1e-12);
        assertTrue(document.at("/settings/simpoGamma").isMissingNode(), "a SimPO margin only with SIMPO");
        assertTrue(document.at("/settings/trainOnInputs").isMissingNode(), "an SFT setting, not sent with DPO");
        assertFalse(document.has("initAdapter"));

        EffectiveSpec simpo = backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.DPO)
                .dpo(DpoVariant.SIMPO, 2.0, null, null).build(), SpecValues.EMPTY);
        backend.create(simpo, training, null, "job-simpo");
        assertEquals(0.0, specDocument("job-simpo").at("/settings/simpoGamma").asDouble(), 1e-12);
    }

    @Test
    void aSecondStageStartsFromTheFirstStagesAdapter() throws Exception {
        UploadedFile training = backend.upload(file("train.jsonl", "{}\n"));
        String firstStage = "s3://refinery/jobs/job-sft/adapter/";
        EffectiveSpec spec = backend.resolve(JobSpec.builder(refs(), "tiny", TrainingMethod.DPO).fromCheckpoint(firstStage).build(),
                SpecValues.EMPTY);
        backend.create(spec, training, null, "job-stage-2");

        JsonNode document = specDocument("job-stage-2");
        assertEquals(firstStage, document.get("initAdapter").asText());
        assertTrue(document.at("/settings/fromCheckpoint").isMissingNode(), "an input, not a setting");
        assertEquals("DPO", document.get("method").asText());
    }

    private JsonNode specDocument(String jobId) throws Exception {
        Job created = client.batch().v1().jobs().inNamespace(NS).withName(TrainerJobIds.jobName(jobId)).get();
        EnvVar env = created.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("REFINERY_JOB_SPEC_JSON")).findFirst().orElseThrow();
        return JSON.readTree(env.getValue());
    }

    // --- status ---

    @Test
    void aPodWaitingForAGpuNodeIsQueuedWithTheSchedulersReason() {
        createJob();
        createPod(POD, "Pending", null, new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.").build());
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.QUEUED, job.state());
        assertTrue(job.stateNote().contains("Insufficient nvidia.com/gpu"), job.stateNote());
        assertEquals("job=Pending pod=Pending", job.rawStatus());
    }

    @Test
    void aRunningPodReportsStepTokensAndEtaFromItsLog() {
        createJob();
        createPod(POD, "Running", running(), null);
        serveLog(POD, String.join("\n",
                "{\"event\":\"started\",\"jobId\":\"job-42\",\"time\":\"2026-11-20T10:00:00.000+00:00\",\"totalSteps\":40,\"examples\":160,\"device\":\"cuda\"}",
                "some library warning",
                progressLine(11, 1.5, 2000, 58.0),
                progressLine(12, 1.4, 2200, 56.0)));
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.RUNNING, job.state());
        assertEquals(12L, job.stepsCompleted());
        assertEquals(40L, job.totalSteps());
        assertEquals(24000L, job.trainedTokens());
        assertEquals("step 12/40 · loss 1.4000 · 2,200 tokens/s · ETA 56s", job.stateNote());
        assertEquals(56.0, backend.progress(JOB_ID).orElseThrow().etaSeconds());
    }

    @Test
    void aCompleteJobSucceedsWithItsAdapterAsTheOutput() {
        createJob();
        createPod(POD, "Succeeded", terminated(0, "Completed",
                "{\"event\":\"completed\",\"jobId\":\"job-42\",\"outputPrefix\":\"jobs/job-42/adapter/\",\"steps\":40}"), null);
        setJobCondition("Complete", null, null);
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals("s3://refinery/jobs/job-42/adapter/", job.outputModel());
        assertEquals(40L, job.stepsCompleted());
        List<ProviderCheckpoint> checkpoints = backend.checkpoints(JOB_ID);
        assertEquals(1, checkpoints.size());
        assertEquals("Final Adapter", checkpoints.get(0).kind());
    }

    @Test
    void badDataFailsTheJobWithTheTrainersCodeAndField() {
        createJob();
        createPod(POD, "Failed", terminated(2, "Error",
                "{\"event\":\"error\",\"code\":\"SPEC_FIELD_INVALID\",\"message\":\"the job spec has 1 invalid field(s): settings.epochs\","
                        + "\"where\":{\"violations\":[{\"field\":\"settings.epochs\"}]}}"), null);
        setJobCondition("Failed", "PodFailurePolicy", "Container trainer for pod training/" + POD + " failed with exit code 2");
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.FAILED, job.state());
        assertEquals("SPEC_FIELD_INVALID", job.error().code());
        assertEquals("settings.epochs", job.error().param());
        assertEquals("job=Failed/PodFailurePolicy pod=Failed/Error", job.rawStatus());
    }

    @Test
    void aJobPastItsDeadlineSaysSo() {
        createJob();
        setJobCondition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.FAILED, job.state());
        assertEquals("KUBERNETES_DEADLINE_EXCEEDED", job.error().code());
    }

    @Test
    void aCrashedAttemptThatKubernetesRetriesIsStillRunningAndSaysWhy() {
        createJob();
        createPod(POD, "Failed", terminated(137, "OOMKilled", null), null);
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.RUNNING, job.state());
        assertTrue(job.stateNote().startsWith("attempt 1 failed (TRAINER_OUT_OF_MEMORY"), job.stateNote());
    }

    @Test
    void aPodThatCannotPullItsImageFailsAtOnceAndFreesTheGpu() {
        createJob();
        createPod(POD, "Pending", waiting("ImagePullBackOff",
                "Back-off pulling image \"registry.example/refinery-trainer:0.1.0\""), null);
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.FAILED, job.state(), "not stuck in QUEUED or RUNNING");
        assertEquals("KUBERNETES_IMAGE_PULL_FAILED", job.error().code());
        assertTrue(job.error().message().contains("registry.example/refinery-trainer:0.1.0"), job.error().message());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").get(), "the Job is deleted");

        ProviderJob later = backend.get(JOB_ID);
        assertEquals(JobState.FAILED, later.state(), "known from result.json once the Job is gone");
        assertEquals("KUBERNETES_IMAGE_PULL_FAILED", later.error().code());
    }

    @Test
    void suspendedIsPausedAndAnUnknownPhaseIsNeverTerminal() {
        createJob();
        setJobCondition("Suspended", "JobSuspended", "Job suspended");
        assertEquals(JobState.PAUSED, backend.get(JOB_ID).state());

        client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").delete();
        createJob();
        createPod(POD, "Hibernating", null, null);
        ProviderJob job = backend.get(JOB_ID);
        assertEquals(JobState.RUNNING, job.state());
        assertTrue(job.stateNote().contains("unknown pod phase 'Hibernating'"));
    }

    // --- cancel, reattach ---

    @Test
    void cancelDeletesTheJobAndTheCancellationOutlivesIt() {
        createJob();
        createPod(POD, "Running", running(), null);
        ProviderJob cancelled = backend.cancel(JOB_ID);
        assertTrue(cancelled.state() == JobState.CANCELLING || cancelled.state() == JobState.CANCELLED, cancelled.state().name());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").get());
        assertEquals(JobState.CANCELLED, backend.get(JOB_ID).state());
    }

    @Test
    void cancellingAFinishedJobLeavesIt() {
        createJob();
        setJobCondition("Complete", null, null);
        assertEquals(JobState.SUCCEEDED, backend.cancel(JOB_ID).state());
        assertNotNull(client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").get());
    }

    @Test
    void aRestartedServiceFindsItsJobsByLabel() {
        String oddId = "Tenant A/job #7 with a name far longer than any Kubernetes label may be";
        UploadedFile training = backend.upload(file("train.jsonl", "{}\n"));
        backend.create(loraSpec(), training, null, JOB_ID);
        backend.create(loraSpec(), training, null, oddId);

        KubernetesTrainerBackend restarted = new KubernetesTrainerBackend(client, config, storage);
        assertEquals(JOB_ID, restarted.findByJobId(JOB_ID).orElseThrow().id());
        assertEquals(oddId, restarted.findByJobId(oddId).orElseThrow().id());
        assertTrue(restarted.findByJobId("job-never-created").isEmpty());
        Page<ProviderJob> all = restarted.list(null);
        assertEquals(2, all.items().size());
        assertTrue(TrainerJobIds.jobName(oddId).length() <= 57, TrainerJobIds.jobName(oddId));
    }

    @Test
    void anUnknownJobIsNotFound() {
        ProviderException e = assertThrows(ProviderException.class, () -> backend.get("job-nobody-made"));
        assertEquals(ErrorCode.PROVIDER_NOT_FOUND, e.code());
    }

    // --- metrics and events ---

    @Test
    void metricsComeFromTheStoredFileAndJoinValidationLossesByStep() {
        storage.putText("jobs/job-42/metrics.jsonl", String.join("\n",
                "{\"kind\":\"train\",\"step\":1,\"loss\":2.5,\"learningRate\":0.0001}",
                "{\"kind\":\"train\",\"step\":2,\"loss\":2.0,\"learningRate\":0.0001}",
                "{\"kind\":\"validation\",\"step\":2,\"validationLoss\":2.2}"));
        List<MetricPoint> points = backend.metrics(JOB_ID);
        assertEquals(2, points.size());
        assertEquals(2.0, points.get(1).trainLoss());
        assertEquals(2.2, points.get(1).evalLoss());
        assertNull(points.get(0).evalLoss());
    }

    @Test
    void metricsFallBackToTheRunningPodsLog() {
        createJob();
        createPod(POD, "Running", running(), null);
        serveLog(POD, progressLine(1, 3.0, 1000, null) + "\n" + progressLine(2, 2.5, 1000, 30.0));
        List<MetricPoint> points = backend.metrics(JOB_ID);
        assertEquals(List.of(1L, 2L), points.stream().map(MetricPoint::step).toList());
        assertEquals(2.5, points.get(1).trainLoss());
    }

    @Test
    void eventsInterleaveKubernetesAndTrainerLinesAndTheCursorReturnsOnlyNewerOnes() {
        createJob();
        createPod(POD, "Running", running(), null);
        client.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("e1").withUid("uid-1").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(POD).endInvolvedObject()
                .withType("Normal").withReason("Pulled").withMessage("Successfully pulled image")
                .withLastTimestamp("2026-11-20T09:59:00Z").build()).create();
        client.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("e2").withUid("uid-2").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName("someone-elses-pod").endInvolvedObject()
                .withType("Warning").withReason("BackOff").withMessage("not ours").withLastTimestamp("2026-11-20T09:59:30Z").build()).create();
        // The mock answers expectations in the order they were made: the first log is served once, then the longer one.
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + POD + "/log?pretty=false").andReturn(200, String.join("\n",
                "{\"event\":\"started\",\"time\":\"2026-11-20T10:00:00.000+00:00\",\"totalSteps\":40,\"examples\":160,\"device\":\"cuda\"}",
                progressLine(1, 3.0, 1000, null))).once();

        Page<ProviderEvent> first = backend.events(JOB_ID, null);
        assertEquals(List.of("kubernetes.pulled", "trainer.started", "trainer.progress"), first.items().stream().map(ProviderEvent::type).toList());
        assertEquals(EventLevel.INFO, first.items().get(0).level());
        assertEquals(1L, first.items().get(2).step());

        serveLog(POD, String.join("\n",
                "{\"event\":\"started\",\"time\":\"2026-11-20T10:00:00.000+00:00\",\"totalSteps\":40,\"examples\":160,\"device\":\"cuda\"}",
                progressLine(1, 3.0, 1000, null),
                progressLine(2, 2.0, 1000, 38.0)));
        Page<ProviderEvent> next = backend.events(JOB_ID, first.nextCursor());
        assertEquals(1, next.items().size());
        assertTrue(next.items().get(0).message().contains("ETA 38s"), next.items().get(0).message());
    }

    // --- helpers: the test plays the Job controller and the kubelet ---

    private EffectiveSpec loraSpec() {
        JobSpec spec = JobSpec.builder(refs(), "meta-llama/Llama-3.2-1B-Instruct", TrainingMethod.SFT)
                .lora(16, 32.0, 0.05, List.of("q_proj", "v_proj")).epochs(3).learningRate(2e-4).batchSize(BatchSize.of(4)).build();
        EffectiveSpec effective = backend.resolve(spec, SpecValues.EMPTY);
        assertEquals(ValueSource.PROVIDER_DEFAULT, effective.source(SpecField.LR_SCHEDULER).orElseThrow());
        return effective;
    }

    private static DatasetRefs refs() {
        return DatasetRefs.trainingOnly(file("train.jsonl", "{}\n"));
    }

    private static DatasetFile file(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new DatasetFile(name, DatasetFormat.JSONL, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private void createJob() {
        UploadedFile training = new UploadedFile("kubernetes", "datasets/ds-1/train.jsonl", "train.jsonl", 3);
        backend.create(loraSpec(), training, null, JOB_ID);
    }

    private void setJobCondition(String type, String reason, String message) {
        Job job = client.batch().v1().jobs().inNamespace(NS).withName("refinery-train-job-42").get();
        job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType(type).withStatus("True")
                .withReason(reason).withMessage(message).withLastTransitionTime("2026-11-20T11:00:00Z").build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
    }

    private void createPod(String name, String phase, ContainerStatus container, PodCondition condition) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withCreationTimestamp("2026-11-20T09:58:00Z")
                .withLabels(TrainerJobManifest.labels(JOB_ID)).endMetadata()
                .withNewSpec().addNewContainer().withName("trainer").withImage("x").endContainer().endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
        if (container != null) {
            pod.getStatus().setContainerStatuses(List.of(container));
        }
        if (condition != null) {
            pod.getStatus().setConditions(List.of(condition));
        }
        client.pods().inNamespace(NS).resource(pod).create();
        client.pods().inNamespace(NS).resource(pod).updateStatus();
    }

    private static ContainerStatus running() {
        return new ContainerStatusBuilder().withName("trainer").withNewState().withNewRunning().withStartedAt("2026-11-20T09:59:10Z")
                .endRunning().endState().build();
    }

    private static ContainerStatus waiting(String reason, String message) {
        return new ContainerStatusBuilder().withName("trainer").withNewState().withNewWaiting().withReason(reason).withMessage(message)
                .endWaiting().endState().build();
    }

    private static ContainerStatus terminated(int exitCode, String reason, String message) {
        return new ContainerStatusBuilder().withName("trainer").withNewState().withNewTerminated().withExitCode(exitCode)
                .withReason(reason).withMessage(message).endTerminated().endState().build();
    }

    private static String progressLine(int step, double loss, double tokensPerSecond, Double eta) {
        return "{\"event\":\"progress\",\"jobId\":\"job-42\",\"time\":\"2026-11-20T10:00:" + String.format("%02d", step)
                + ".000+00:00\",\"step\":" + step + ",\"totalSteps\":40,\"epoch\":0.3,\"loss\":" + loss + ",\"learningRate\":0.0002,"
                + "\"tokens\":" + (step * 2000) + ",\"tokensPerSecond\":" + tokensPerSecond + (eta == null ? "" : ",\"etaSeconds\":" + eta) + "}";
    }

    /** The mock's CRUD mode has no pod logs; expectations serve them, for the tail and the whole log alike. */
    private void serveLog(String pod, String text) {
        String path = "/api/v1/namespaces/" + NS + "/pods/" + pod + "/log";
        server.expect().get().withPath(path + "?pretty=false").andReturn(200, text).always();
        server.expect().get().withPath(path + "?pretty=false&tailLines=50").andReturn(200, text).always();
    }
}
