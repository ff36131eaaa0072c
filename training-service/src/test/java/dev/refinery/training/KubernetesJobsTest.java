package dev.refinery.training;

import dev.refinery.testing.TestIdentity;
import dev.refinery.identity.Scope;
import dev.refinery.identity.IdentityTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kubernetes backend through the service, against fabric8's mock API server (CRUD mode): POST /jobs creates a
 * batch/v1 Job for our trainer image; the test plays the Job controller and the kubelet (pods, their states, the Job's
 * conditions) and the trainer (result.json and metrics.jsonl written to the bucket), and the job follows the same canonical
 * lifecycle as on every other backend.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(value = ProviderStubs.class, initArgs = @ResourceArg(name = ProviderStubs.TENANT_USD, value = "none")) // shares TwoStageJobsTest's start
@WithTestResource(KubernetesCluster.class)
class KubernetesJobsTest {

    private static final String MODEL = "meta-llama/Llama-3.2-1B-Instruct";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private TestStack stack;

    @BeforeEach
    void setUp() {
        stack = new TestStack(kafka, storage);
    }

    @Test
    void aJobRunsAsAKubernetesJobAndSucceedsWithTheCanonicalLifecycle() throws Exception {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        String id = submit(dataset, Map.of("epochs", 2, "batchSize", 4, "loraRank", 8)).then().statusCode(201)
                .body("status", equalTo("QUEUED")).body("backend", equalTo("kubernetes"))
                .body("hyperparameterSources.epochs", equalTo("user")).body("hyperparameterSources.learningRate", equalTo("provider_default"))
                .body("cost.estimateHighUsd", nullValue()).extract().path("id");

        Job created = awaitKubernetesJob(id);
        assertEquals(id, created.getMetadata().getLabels().get("refinery.dev/job-id"));
        var container = created.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(KubernetesCluster.IMAGE, container.getImage());
        assertEquals("1", container.getResources().getLimits().get("nvidia.com/gpu").getAmount());
        assertEquals(Map.of("gpu-pool", "h200"), created.getSpec().getTemplate().getSpec().getNodeSelector());
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("http://minio.storage:9000", env.get("REFINERY_S3_ENDPOINT").getValue());
        assertEquals("refinery-s3", env.get("REFINERY_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName());
        JsonNode spec = JSON.readTree(env.get("REFINERY_JOB_SPEC_JSON").getValue());
        assertEquals(id, spec.get("jobId").asText());
        assertEquals(MODEL, spec.get("baseModel").asText());
        assertEquals("datasets/" + dataset + "/validated/train.jsonl", spec.get("trainingFile").asText(), "the split is read in place");
        assertEquals("datasets/" + dataset + "/validated/validation.jsonl", spec.get("validationFile").asText());
        assertEquals(2, spec.at("/settings/epochs").asInt());
        assertEquals(8, spec.at("/settings/loraRank").asInt());
        awaitStatus(id, "QUEUED");
        assertEquals("job=Pending pod=none", given().when().get("/jobs/" + id).then().extract().path("provider.rawStatus"));

        // The kubelet starts the pod; the trainer logs its progress.
        String pod = podName(id);
        createPod(id, pod, "Running", running());
        serveLog(pod, "{\"event\":\"progress\",\"jobId\":\"" + id + "\",\"time\":\"2026-11-20T10:00:01.000+00:00\",\"step\":1,\"totalSteps\":2,"
                + "\"epoch\":1.0,\"loss\":2.5,\"learningRate\":0.0001,\"tokens\":900,\"tokensPerSecond\":450.0,\"etaSeconds\":2.0}");
        awaitStatus(id, "RUNNING");
        TestStack.await("progress from the pod's log", () -> Integer.valueOf(1).equals(given().when().get("/jobs/" + id).then()
                .extract().path("progress.step")), Duration.ofSeconds(20));

        // The trainer writes its outputs to the bucket and exits 0; the Job controller marks the Job Complete.
        trainerSucceeds(id, pod);

        JsonPath job = awaitFinished(id);
        assertEquals("SUCCEEDED", job.getString("status"), job.prettify());
        assertEquals(ProviderJobsTest.CANONICAL_SUCCESS, TestStack.states(id));
        assertEquals("jobs/" + id + "/adapter/", job.getString("result.artifact.key"));
        assertEquals(2, job.getInt("result.steps"));
        assertEquals("s3://refinery/jobs/" + id + "/adapter/", job.getString("provider.outputModel"));
        given().when().get("/jobs/" + id + "/metrics").then().statusCode(200)
                .body("steps.step", equalTo(List.of(1, 2))).body("steps[1].loss", equalTo(2.0f)).body("validation[0].loss", equalTo(2.2f));
        given().when().get("/jobs/" + id + "/checkpoints").then().statusCode(200)
                .body("reference", equalTo(List.of("s3://refinery/jobs/" + id + "/adapter/"))).body("kind", equalTo(List.of("Final Adapter")));
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
        JsonPath event = JsonPath.from(completed.value());
        assertEquals("kubernetes", event.getString("backend"));
        assertEquals("refinery", event.getString("artifact.bucket"));
        assertEquals("jobs/" + id + "/adapter/", event.getString("artifact.key"));
    }

    @Test
    void aPodThatCannotPullItsImageEndsTheJobFailedWithTheReasonAndFreesTheGpu() {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        String id = submit(dataset, Map.of("epochs", 1)).then().statusCode(201).extract().path("id");
        awaitKubernetesJob(id);
        createPod(id, podName(id), "Pending", new ContainerStatusBuilder().withName("trainer").withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"" + KubernetesCluster.IMAGE + "\"")
                .endWaiting().endState().build());

        JsonPath job = awaitFinished(id);
        assertEquals("FAILED", job.getString("status"));
        assertEquals("KUBERNETES_IMAGE_PULL_FAILED", job.getString("result.failureCode"));
        assertTrue(job.getString("result.failureReason").contains(KubernetesCluster.IMAGE), job.getString("result.failureReason"));
        assertEquals(List.of("QUEUED", "FAILED"), TestStack.states(id));
        assertNull(kubernetesJob(id), "the Job is deleted rather than left Pending until its deadline");
        ConsumerRecord<String, String> completed = stack.probe().await("job-completed", r -> id.equals(r.key()), Duration.ofSeconds(10));
        ContractSchemas.assertValid("job-completed", 2, completed.value());
    }

    @Test
    void cancelDeletesTheKubernetesJobAndEndsCancelledWithTheReason() {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        String id = submit(dataset, Map.of("epochs", 1)).then().statusCode(201).extract().path("id");
        awaitKubernetesJob(id);
        createPod(id, podName(id), "Running", running());
        awaitStatus(id, "RUNNING");

        given().queryParam("reason", "wrong base model").when().post("/jobs/" + id + "/cancel").then().statusCode(200);
        JsonPath job = awaitFinished(id);
        assertEquals("CANCELLED", job.getString("status"));
        assertEquals("wrong base model", job.getString("result.failureReason"));
        assertEquals(List.of("QUEUED", "RUNNING", "CANCELLING", "CANCELLED"), TestStack.states(id));
        assertNull(kubernetesJob(id), "the Job (and so its pods) is deleted");
        assertTrue(storage.exists("jobs/" + id + "/cancelled.json"), "the cancellation outlives the Job");
    }

    @Test
    void aDpoJobReachesTheTrainerWithItsSettings() throws Exception {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        Map<String, Object> dpo = new LinkedHashMap<>(body(dataset, Map.of("dpoVariant", "simpo", "simpoGamma", 0.5, "dpoBeta", 2.0)));
        dpo.put("method", "dpo");
        String id = post(dpo).then().statusCode(201).body("method", equalTo("dpo"))
                .body("hyperparameterSources.dpoBeta", equalTo("user")).body("hyperparameterSources.dpoNllWeight", equalTo("provider_default"))
                .extract().path("id");

        JsonNode spec = specOf(awaitKubernetesJob(id));
        assertEquals("DPO", spec.get("method").asText());
        assertEquals("SIMPO", spec.at("/settings/dpoVariant").asText());
        assertEquals(2.0, spec.at("/settings/dpoBeta").asDouble(), 1e-12);
        assertEquals(0.5, spec.at("/settings/simpoGamma").asDouble(), 1e-12);
        assertEquals(0.0, spec.at("/settings/dpoNllWeight").asDouble(), 1e-12, "the trainer's default, recorded");
        assertTrue(spec.at("/settings/trainOnInputs").isMissingNode(), "an SFT setting");
        assertTrue(spec.path("initAdapter").isMissingNode());
    }

    @Test
    void aSecondStageOnTheClusterStartsFromTheFirstStagesAdapter() throws Exception {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        String sft = submit(dataset, Map.of("epochs", 1)).then().statusCode(201).extract().path("id");
        awaitKubernetesJob(sft);
        String pod = podName(sft);
        createPod(sft, pod, "Running", running());
        trainerSucceeds(sft, pod);
        assertEquals("SUCCEEDED", awaitFinished(sft).getString("status"));

        // Only the tenant's own job can be continued: another tenant's reads as unknown.
        Map<String, Object> stage = new LinkedHashMap<>(body(dataset, Map.of("epochs", 1, "dpoBeta", 0.2)));
        stage.remove("baseModel");
        stage.put("method", "dpo");
        stage.put("fromJob", sft);
        given().contentType(ContentType.JSON).header(IdentityTokens.HEADER, TestIdentity.header("t-other", Scope.ADMIN)).body(stage).when().post("/jobs").then()
                .statusCode(400).body("code", equalTo("JOB_FROM_JOB_INVALID")).body("field", equalTo("fromJob"));
        // The adapter is trained further: its rank cannot change (the first stage's effective rank is the trainer's default).
        Map<String, Object> otherShape = new LinkedHashMap<>(stage);
        otherShape.put("hyperparameters", Map.of("epochs", 1, "loraRank", 64));
        post(otherShape).then().statusCode(400).body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("errors[0].field", equalTo("loraRank"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("must stay"));

        String dpo = post(stage).then().statusCode(201).body("method", equalTo("dpo")).body("fromJob", equalTo(sft))
                .body("baseModel", equalTo(MODEL)).extract().path("id");
        JsonNode spec = specOf(awaitKubernetesJob(dpo));
        assertEquals("DPO", spec.get("method").asText());
        assertEquals(MODEL, spec.get("baseModel").asText(), "the first stage's base model");
        assertEquals("s3://refinery/jobs/" + sft + "/adapter/", spec.get("initAdapter").asText(), "the first stage's adapter");
        assertEquals(0.2, spec.at("/settings/dpoBeta").asDouble(), 1e-12);
        assertTrue(spec.at("/settings/fromCheckpoint").isMissingNode());
    }

    @Test
    void whatTheTrainerCannotDoIsRefusedBeforeAnythingIsCreated() {
        String dataset = stack.validDataset("t-cluster", 12, 4);
        int before = KubernetesCluster.client.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).list().getItems().size();
        submit(dataset, Map.of("fromCheckpoint", "s3://refinery/jobs/someone-elses/adapter/")).then().statusCode(400)
                .body("code", equalTo("JOB_HYPERPARAMETERS_INVALID")).body("errors[0].field", equalTo("fromCheckpoint"));
        Map<String, Object> budget = new LinkedHashMap<>(body(dataset, Map.of()));
        budget.put("budgetUsd", 5);
        post(budget).then().statusCode(400).body("code", equalTo("JOB_FIELD_UNSUPPORTED")).body("field", equalTo("budgetUsd"));
        submit(dataset, Map.of("suffix", "mine")).then().statusCode(400).body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("field", equalTo("suffix")).body("errors[0].allowed", org.hamcrest.Matchers.containsString("loraRank"));
        submit(dataset, Map.of("trainingType", "managed")).then().statusCode(400).body("code", equalTo("JOB_HYPERPARAMETERS_INVALID"))
                .body("errors[0].field", equalTo("trainingType")).body("errors[0].allowed", equalTo("[lora, full]"));
        Map<String, Object> noModel = new LinkedHashMap<>(body(dataset, Map.of()));
        noModel.remove("baseModel");
        post(noModel).then().statusCode(400).body("code", equalTo("JOB_MODEL_UNKNOWN"));
        assertEquals(before, KubernetesCluster.client.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).list().getItems().size());
    }

    // --- the test plays the Job controller and the kubelet ---------------------------------------------------------

    /** The trainer writes its outputs to the bucket and exits 0; the Job controller marks the Job Complete. */
    private void trainerSucceeds(String id, String pod) {
        storage.put("jobs/" + id + "/metrics.jsonl", String.join("\n",
                "{\"kind\":\"train\",\"step\":1,\"loss\":2.5,\"learningRate\":0.0001}",
                "{\"kind\":\"train\",\"step\":2,\"loss\":2.0,\"learningRate\":0.00005}",
                "{\"kind\":\"validation\",\"step\":2,\"validationLoss\":2.2}").getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        storage.put("jobs/" + id + "/result.json", ("{\"status\":\"SUCCEEDED\",\"jobId\":\"" + id + "\",\"outputPrefix\":\"jobs/" + id
                + "/adapter/\",\"steps\":2}").getBytes(StandardCharsets.UTF_8), "application/json");
        finishPod(id, pod, "Succeeded", terminated(0, "Completed", "{\"event\":\"completed\",\"jobId\":\"" + id + "\",\"outputPrefix\":\"jobs/"
                + id + "/adapter/\",\"steps\":2}"));
        setJobCondition(id, "Complete", null, null);
    }

    private static JsonNode specOf(Job job) throws Exception {
        EnvVar env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("REFINERY_JOB_SPEC_JSON")).findFirst().orElseThrow();
        return JSON.readTree(env.getValue());
    }

    private static Map<String, Object> body(String dataset, Map<String, Object> hp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", dataset);
        body.put("backend", "kubernetes");
        body.put("baseModel", MODEL);
        body.put("hyperparameters", hp);
        return body;
    }

    private static io.restassured.response.Response submit(String dataset, Map<String, Object> hp) {
        return post(body(dataset, hp));
    }

    private static io.restassured.response.Response post(Map<String, Object> body) {
        TestIdentity.actAs("t-cluster"); // the rest of the test reads the job as its tenant
        return given().contentType(ContentType.JSON).body(body).when().post("/jobs");
    }

    private static Job kubernetesJob(String id) {
        return KubernetesCluster.client.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withLabel("refinery.dev/job-id", id)
                .list().getItems().stream().findFirst().orElse(null);
    }

    private static Job awaitKubernetesJob(String id) {
        return TestStack.await("the Kubernetes Job of " + id, () -> kubernetesJob(id), Duration.ofSeconds(20));
    }

    private static String podName(String id) {
        return kubernetesJob(id).getMetadata().getName() + "-abcde";
    }

    private static void createPod(String id, String name, String phase, ContainerStatus container) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(KubernetesCluster.NAMESPACE)
                .withCreationTimestamp("2026-11-20T09:58:00Z").withLabels(Map.of("refinery.dev/job-id", id)).endMetadata()
                .withNewSpec().addNewContainer().withName("trainer").withImage(KubernetesCluster.IMAGE).endContainer().endSpec()
                .withNewStatus().withPhase(phase).withContainerStatuses(container).endStatus().build();
        KubernetesCluster.client.pods().inNamespace(KubernetesCluster.NAMESPACE).resource(pod).create();
        KubernetesCluster.client.pods().inNamespace(KubernetesCluster.NAMESPACE).resource(pod).updateStatus();
    }

    private static void finishPod(String id, String name, String phase, ContainerStatus container) {
        Pod pod = KubernetesCluster.client.pods().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get();
        pod.getStatus().setPhase(phase);
        pod.getStatus().setContainerStatuses(List.of(container));
        KubernetesCluster.client.pods().inNamespace(KubernetesCluster.NAMESPACE).resource(pod).updateStatus();
    }

    private static void setJobCondition(String id, String type, String reason, String message) {
        Job job = kubernetesJob(id);
        job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType(type).withStatus("True")
                .withReason(reason).withMessage(message).withLastTransitionTime("2026-11-20T11:00:00Z").build()).build());
        KubernetesCluster.client.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).resource(job).updateStatus();
    }

    private static ContainerStatus running() {
        return new ContainerStatusBuilder().withName("trainer").withNewState().withNewRunning().withStartedAt("2026-11-20T09:59:10Z")
                .endRunning().endState().build();
    }

    private static ContainerStatus terminated(int exitCode, String reason, String message) {
        return new ContainerStatusBuilder().withName("trainer").withNewState().withNewTerminated().withExitCode(exitCode)
                .withReason(reason).withMessage(message).endTerminated().endState().build();
    }

    /** CRUD mode keeps no pod logs: expectations serve them, the tail and the whole log alike. */
    private static void serveLog(String pod, String text) {
        String path = "/api/v1/namespaces/" + KubernetesCluster.NAMESPACE + "/pods/" + pod + "/log";
        KubernetesCluster.server.expect().get().withPath(path + "?pretty=false").andReturn(200, text).always();
        KubernetesCluster.server.expect().get().withPath(path + "?pretty=false&tailLines=50").andReturn(200, text).always();
    }

    private static JsonPath awaitFinished(String id) {
        return TestStack.await("job " + id + " to finish", () -> {
            JsonPath job = given().when().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
            String status = job.getString("status");
            return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status) ? job : null;
        }, Duration.ofSeconds(30));
    }

    private static void awaitStatus(String id, String status) {
        TestStack.await("job " + id + " " + status, () -> status.equals(given().when().get("/jobs/" + id).then().extract().path("status")),
                Duration.ofSeconds(30));
    }
}
