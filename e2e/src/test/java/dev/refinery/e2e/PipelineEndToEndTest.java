package dev.refinery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.cli.DemoPipeline;
import dev.refinery.cli.GatewayClient;
import dev.refinery.localstack.LocalStack;
import dev.refinery.testing.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole platform as it runs: Kafka, S3 and PostgreSQL from deploy/local, the five services as
 * their packaged applications, everything driven through the gateway's public API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    /** The OpenAI-compatible server eval-service knows in the end-to-end stack (the isolation matrix registers a model of it). */
    static final String MATRIX_SERVER = "lab";

    private static final Path ROOT = repoRoot();
    private static final Path EXAMPLES = ROOT.resolve("examples/named-stories");

    private LocalStack stack;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private GatewayClient gateway;
    private TopicProbe kafka;
    private Path work;
    private TogetherChatStub together;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @BeforeAll
    void startEverything() throws Exception {
        work = Files.createDirectories(ROOT.resolve("e2e/target/e2e-run"));
        stack = LocalStack.start();
        Map<String, String> common = new HashMap<>(stack.quarkusConfig());
        common.put("refinery.engine.models-dir", ROOT.resolve("models").toString());
        // A killed training-service's jobs are taken over once their lease expires: short here, so the restart test is quick.
        common.put("refinery.training.claim-lease", "PT20S");
        // The same for an evaluation or a validation whose service is killed in the middle (production: 2 min and 60 s).
        common.put("refinery.eval.lease", "20s");
        common.put("refinery.validation.worker.lease", "20s");
        common.put("refinery.training.sweep-interval", "2s");
        // Lost events are looked for every 2 s (in production: 5 min) among items older than the production grace of 10
        // minutes, longer than any outage here: only the lost-event test, which runs last, shortens it.
        common.put("refinery.reconcile.interval", "2s");
        together = TogetherChatStub.start();
        Map<String, String> upstreamOf = Map.of("validation-service", "ingest-service", "eval-service", "training-service");
        // inference-service before eval-service: eval-service asks hosted models at its door. training-service, started
        // before it, asks eval-service to score drift pipelines' champions: its port is chosen now.
        int evalPort = ServiceProcess.freePort();
        int inferencePort = ServiceProcess.freePort(); // training-service opens pipelines' shadow trials there
        for (String name : List.of("ingest-service", "validation-service", "training-service", "inference-service", "eval-service")) {
            Map<String, String> config = new HashMap<>(common);
            if (upstreamOf.containsKey(name)) {
                config.put("refinery.reconcile.upstream-url", services.get(upstreamOf.get(name)).url());
            }
            if (name.equals("eval-service")) {
                // A server models can be registered from. Nothing listens at this URL: eval-service asks the server's models at
                // inference-service's door, which knows the server by the same name.
                config.put("refinery.eval.endpoints." + MATRIX_SERVER + ".url", "http://127.0.0.1:9/v1");
                config.put("refinery.eval.inference-url", services.get("inference-service").url());
            }
            if (name.equals("training-service")) {
                // Projects' provider keys are stored (encrypted) here, and Together's chat API is the stub's.
                config.put("refinery.training.secrets.key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
                config.put("refinery.training.providers.together.inference-url", together.baseUrl());
                // Pipelines are created only on the project's own collections, asked of ingest-service.
                config.put("refinery.training.pipelines.ingest-url", services.get("ingest-service").url());
                config.put("refinery.training.pipelines.eval-url", "http://127.0.0.1:" + evalPort);
                config.put("refinery.training.pipelines.inference-url", "http://127.0.0.1:" + inferencePort);
            }
            if (name.equals("inference-service")) {
                config.put("refinery.inference.training-url", services.get("training-service").url());
                // The operator's server "lab": the stub's OpenAI-compatible API, with its key.
                config.put("refinery.inference.servers." + MATRIX_SERVER + ".url", together.baseUrl());
                config.put("refinery.inference.servers." + MATRIX_SERVER + ".api-key", TogetherChatStub.TENANT_KEY);
            }
            services.put(name, (name.equals("eval-service") ? new ServiceProcess(ROOT, name, evalPort, config, work.resolve("logs"))
                    : name.equals("inference-service") ? new ServiceProcess(ROOT, name, inferencePort, config, work.resolve("logs"))
                    : new ServiceProcess(ROOT, name, config, work.resolve("logs"))).start());
        }
        Map<String, String> gatewayConfig = new HashMap<>(common);
        gatewayConfig.put("refinery.gateway.ingest-url", services.get("ingest-service").url());
        gatewayConfig.put("refinery.gateway.validation-url", services.get("validation-service").url());
        gatewayConfig.put("refinery.gateway.training-url", services.get("training-service").url());
        gatewayConfig.put("refinery.gateway.eval-url", services.get("eval-service").url());
        gatewayConfig.put("refinery.gateway.inference-url", services.get("inference-service").url());
        services.put("gateway", new ServiceProcess(ROOT, "gateway", gatewayConfig, work.resolve("logs")).start());
        for (ServiceProcess s : services.values()) {
            s.awaitReady(Duration.ofSeconds(180));
        }
        gateway = new GatewayClient(services.get("gateway").url(), stack.adminKey());
        kafka = new TopicProbe(stack.quarkusConfig().get("kafka.bootstrap.servers"));
    }

    @AfterAll
    void stopEverything() throws Exception {
        List<ServiceProcess> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        for (ServiceProcess s : reversed) {
            s.close();
        }
        if (together != null) {
            together.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aValidDatasetGoesAllTheWayToAnEvaluationThatBeatsTheBase() throws Exception {
        Path dataset = concat(work.resolve("named-stories.jsonl"), "train.jsonl", "validation.jsonl", "test.jsonl");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ObjectNode result = new DemoPipeline(gateway, new PrintStream(log, true, StandardCharsets.UTF_8), Duration.ofMinutes(5))
                .run(dataset, "stories260K", DemoPipeline.demoHyperparameters());
        String printed = log.toString(StandardCharsets.UTF_8);
        assertEquals("VALID", result.path("validation").asText(), printed);
        assertEquals("SUCCEEDED", result.path("jobStatus").asText(), printed);
        assertEquals("COMPLETED", result.path("evalStatus").asText(), printed);
        JsonNode metrics = result.path("metrics");
        assertEquals("CANDIDATE_BETTER", result.path("verdict").asText(), printed);
        assertTrue(metrics.path("candidate").path("metric").asDouble() > metrics.path("baseline").path("metric").asDouble(), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("RESULT {")), printed);

        String jobId = result.path("jobId").asText();
        assertEquals(1, kafka.all("job-completed", r -> jobId.equals(r.key()), Duration.ofSeconds(2)).size(), "one job-completed per job");

        // The fine-tune is a version in the registry, judged by the project's policy (the reasons say why); promoted, it is
        // the champion and model-promoted says so. (Not promoted when an earlier test's fine-tune is the better champion.)
        String versionId = result.path("modelVersionId").asText();
        assertEquals(jobId, gateway.get("v1/registry/models/" + versionId).path("jobId").asText());
        assertTrue(List.of("PROMOTED", "NOT_PROMOTED").contains(result.path("decision").asText()), printed);
        assertTrue(printed.contains("promotion policy: "), printed);
        if ("PROMOTED".equals(result.path("decision").asText())) {
            assertEquals(versionId, gateway.get("v1/registry/aliases/champion").path("modelVersionId").asText());
            assertFalse(kafka.all("model-promoted", r -> "default/champion".equals(r.key()) && r.value().contains(versionId),
                    Duration.ofSeconds(10)).isEmpty());
        }

        // The demo's last step asked the fine-tune through /v1/chat/completions; it answers in the task's format.
        assertTrue(result.path("servedAnswer").asText().startsWith("Once upon a time, there was a little girl named"), printed);

        // Served: the official OpenAI client, pointed at the gateway with a Refinery key, lists the model and chats with it.
        OpenAiClientCheck openAi = new OpenAiClientCheck(services.get("gateway").url() + "/v1", stack.adminKey());
        String answer = openAi.awaitListedThenAsk(versionId, DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60));
        assertTrue(answer.startsWith("Once upon a time, there was a little girl named"), answer);
        assertEquals(answer, openAi.askStreaming(versionId, DemoPipeline.STORY_REQUEST), "the streamed answer is the whole one");
        if ("PROMOTED".equals(result.path("decision").asText())) {
            assertEquals(answer, openAi.awaitListedThenAsk("champion", DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60)));
        }
    }

    @Test
    void sftThenDpoFromItsAdapterThroughTheWholeStack() throws Exception {
        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        Path chats = concat(work.resolve("sft.jsonl"), "train.jsonl", "validation.jsonl");
        String chatsId = gateway.uploadDataset(chats, "sft", null).path("id").asText();
        await(() -> gateway.get("v1/datasets/" + chatsId), d -> d.path("validation").path("status").asText().equals("VALID"));
        Map<String, Object> hp = new HashMap<>(DemoPipeline.demoHyperparameters());
        hp.put("epochs", 2);
        String sftId = pipeline.submitJob(chatsId, "stories260K", hp, null).path("id").asText();
        JsonNode sft = await(() -> gateway.get("v1/fine-tunes/" + sftId), j -> List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", sft.path("status").asText(), sft.toString());

        // Preference pairs as a user would upload them (chosen/rejected), validated for the local engine (the default target).
        Path pairs = preferencePairs(work.resolve("pairs.jsonl"));
        String pairsId = gateway.uploadDataset(pairs, "pairs", null).path("id").asText();
        JsonNode validated = await(() -> gateway.get("v1/datasets/" + pairsId),
                d -> List.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        assertEquals("VALID", validated.path("validation").path("status").asText(), validated.toString());

        String dpoId = pipeline.submitJob(Map.of("datasetId", pairsId, "method", "dpo", "fromJob", sftId,
                "hyperparameters", Map.of("epochs", 1, "batchSize", 8, "learningRate", 0.005)), null).path("id").asText();
        JsonNode dpo = await(() -> gateway.get("v1/fine-tunes/" + dpoId), j -> List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", dpo.path("status").asText(), dpo.toString());
        assertEquals("from_job", dpo.path("hyperparameterSources").path("loraRank").asText(), dpo.toString());
        JsonNode metrics = gateway.get("v1/fine-tunes/" + dpoId + "/metrics");
        assertTrue(metrics.path("steps").get(0).path("rewardAccuracy").isNumber(), metrics.toString());

        JsonNode evals = await(() -> gateway.get("v1/evals?jobId=" + dpoId),
                list -> list.isArray() && list.size() > 0 && List.of("COMPLETED", "FAILED").contains(list.get(0).path("status").asText()));
        JsonNode eval = evals.get(0);
        assertEquals("COMPLETED", eval.path("status").asText(), eval.toString());
        assertEquals("preference_accuracy", eval.path("metric").asText(), eval.toString());
    }

    @Test
    void aFullFineTuneOfStories260kIsTrainedStoredAndEvaluatedAgainstItsBase() throws Exception {
        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        Path dataset = concat(work.resolve("full.jsonl"), "train.jsonl", "validation.jsonl", "test.jsonl");
        String datasetId = gateway.uploadDataset(dataset, "full", null).path("id").asText();
        await(() -> gateway.get("v1/datasets/" + datasetId), d -> d.path("validation").path("status").asText().equals("VALID"));

        String jobId = pipeline.submitJob(Map.of("datasetId", datasetId, "baseModel", "stories260K",
                "hyperparameters", Map.of("trainingType", "full", "epochs", 3, "learningRate", 0.001)), null).path("id").asText();
        JsonNode job = await(() -> gateway.get("v1/fine-tunes/" + jobId), j -> List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", job.path("status").asText(), job.toString());
        assertEquals("full", job.path("hyperparameters").path("trainingType").asText(), job.toString());

        JsonNode completed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                kafka.all("job-completed", r -> jobId.equals(r.key()), Duration.ofSeconds(5)).get(0).value());
        assertEquals("full-model", completed.path("artifact").path("type").asText(), completed.toString());

        JsonNode evals = await(() -> gateway.get("v1/evals?jobId=" + jobId),
                list -> list.isArray() && list.size() > 0 && List.of("COMPLETED", "FAILED").contains(list.get(0).path("status").asText()));
        JsonNode eval = evals.get(0);
        assertEquals("COMPLETED", eval.path("status").asText(), eval.toString());
        assertEquals("CANDIDATE_BETTER", eval.path("verdict").asText(), eval.toString());
    }

    /** The example's requests with their own story preferred to another hero's, in the chosen/rejected shape. */
    private static Path preferencePairs(Path target) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (String file : List.of("train.jsonl", "validation.jsonl", "test.jsonl")) {
            lines.addAll(Files.readAllLines(EXAMPLES.resolve(file)));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode chat = json.readTree(lines.get(i)).get("messages");
            String chosen = chat.get(1).get("content").asText();
            String rejected = chosen;
            for (int k = 1; rejected.equals(chosen); k++) {
                rejected = json.readTree(lines.get((i + 7 * k) % lines.size())).get("messages").get(1).get("content").asText();
            }
            out.add(json.writeValueAsString(Map.of("prompt", chat.get(0).get("content").asText(), "chosen", chosen, "rejected", rejected)));
        }
        return Files.write(target, out);
    }

    @Test
    void anInvalidDatasetEndsInvalidWithItsLineNumbersAndAJobForItIsRefused() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(EXAMPLES.resolve("validation.jsonl")).subList(0, 6));
        lines.set(1, "{\"messages\": [{\"role\": \"user\", \"content\": \"no answer\"}]}");
        lines.set(4, "this is not json");
        Path bad = Files.write(work.resolve("bad.jsonl"), lines);
        String datasetId = gateway.uploadDataset(bad, "bad", null).path("id").asText();

        JsonNode dataset = await(() -> gateway.get("v1/datasets/" + datasetId), d -> d.path("validation").path("status").asText().equals("INVALID"));
        assertEquals(2, dataset.path("validation").path("invalidRecords").asInt(), dataset.toString());
        JsonNode problems = gateway.get("v1/datasets/" + datasetId + "/problems");
        String text = problems.toString();
        assertTrue(text.contains("\"line\":2") && text.contains("\"line\":5"), text);

        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(1));
        GatewayClient.ApiError refused = assertThrows(GatewayClient.ApiError.class,
                () -> pipeline.submitJob(datasetId, "stories260K", Map.of("epochs", 1), null));
        assertEquals(409, refused.status());
        assertEquals("JOB_DATASET_NOT_VALID", refused.problem().path("code").asText());
    }

    @Test
    void killingTrainingServiceMidJobLosesNothingAndDuplicatesNothing() throws Exception {
        Path dataset = concat(work.resolve("restart.jsonl"), "train.jsonl", "validation.jsonl");
        String datasetId = gateway.uploadDataset(dataset, "restart", null).path("id").asText();
        await(() -> gateway.get("v1/datasets/" + datasetId), d -> d.path("validation").path("status").asText().equals("VALID"));

        Map<String, Object> hp = new HashMap<>(DemoPipeline.demoHyperparameters());
        hp.put("epochs", 6);
        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        String jobId = pipeline.submitJob(datasetId, "stories260K", hp, "restart-" + datasetId).path("id").asText();
        await(() -> gateway.get("v1/fine-tunes/" + jobId), j -> j.path("progress").path("step").asInt() >= 20);

        ServiceProcess training = services.get("training-service");
        training.kill();
        training.start().awaitReady(Duration.ofSeconds(180));

        JsonNode done = await(() -> gateway.get("v1/fine-tunes/" + jobId),
                j -> List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", done.path("status").asText(), done.toString());
        // The same submission again (same Idempotency-Key) is the same job, not a second one.
        String again = pipeline.submitJob(datasetId, "stories260K", hp, "restart-" + datasetId).path("id").asText();
        assertEquals(jobId, again);
        assertEquals(1, kafka.all("job-submitted", r -> jobId.equals(r.key()), Duration.ofSeconds(2)).size(), "one job-submitted");
        assertEquals(1, kafka.all("job-completed", r -> jobId.equals(r.key()), Duration.ofSeconds(2)).size(), "one job-completed");
        assertEquals(1, kafka.all("dataset-uploaded", r -> datasetId.equals(r.key()), Duration.ofSeconds(2)).size(), "one dataset-uploaded");
    }

    /**
     * Issue 13's capture, end to end: the project turns capture on, the base model answers three of the task's requests, each
     * answer gets the story it should have told as a correction, and the export of the captured traffic is uploaded as a
     * dataset, validated like any upload and fine-tuned on.
     */
    @Test
    void aCapturedConversationWithACorrectionIsExportedAsADatasetThatValidatesAndFineTunes() throws Exception {
        JsonNode settings = gateway.putJson("v1/capture/settings", Map.of("enabled", true, "retentionDays", 30,
                "redact", List.of("[\\w.+-]+@[\\w-]+\\.[\\w.]+")));
        assertTrue(settings.path("enabled").asBoolean(), settings.toString());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, String> corrections = new LinkedHashMap<>();
        for (String line : Files.readAllLines(EXAMPLES.resolve("train.jsonl")).subList(0, 3)) {
            JsonNode chat = json.readTree(line).get("messages");
            JsonNode answer = gateway.postJson("v1/chat/completions", Map.of("model", "stories260K", "temperature", 0, "max_tokens", 24,
                    "messages", List.of(Map.of("role", "user", "content", chat.get(0).get("content").asText()))), null);
            corrections.put(answer.path("id").asText(), chat.get(1).get("content").asText());
        }
        // Captured after each answer was sent, on a thread of its own: wait until all three are there.
        await(() -> gateway.get("v1/capture/records?limit=100"), records -> records.findValuesAsText("id").containsAll(corrections.keySet()));
        for (Map.Entry<String, String> c : corrections.entrySet()) {
            JsonNode feedback = gateway.postJson("v1/feedback", Map.of("responseId", c.getKey(), "thumbs", "down", "correction", c.getValue()),
                    null);
            assertEquals(c.getValue(), feedback.path("correction").asText(), feedback.toString());
        }

        Path exported = work.resolve("captured-sft.jsonl");
        try (java.io.OutputStream out = Files.newOutputStream(exported)) {
            gateway.download("v1/capture/export?kind=sft", out);
        }
        List<String> examples = Files.readAllLines(exported);
        for (String correction : corrections.values()) {
            String quoted = json.writeValueAsString(correction);
            assertTrue(examples.stream().anyMatch(l -> l.contains(quoted)), "exported: " + correction);
        }
        String datasetId = gateway.uploadDataset(exported, "captured-traffic", null).path("id").asText();
        JsonNode dataset = await(() -> gateway.get("v1/datasets/" + datasetId),
                d -> List.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        assertEquals("VALID", dataset.path("validation").path("status").asText(), dataset.toString());

        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        String jobId = pipeline.submitJob(datasetId, "stories260K", DemoPipeline.demoHyperparameters(), null).path("id").asText();
        JsonNode job = await(() -> gateway.get("v1/fine-tunes/" + jobId), j -> List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", job.path("status").asText(), job.toString());
    }

    /** Every route of the gateway's OpenAPI document, four ways: see {@link IsolationMatrix}. */
    @Test
    void aModelTogetherKeepsIsServedThroughTogethersApiWithTheProjectsOwnKey() throws Exception {
        gateway.putJson("v1/tenants/default/secrets/together", Map.of("apiKey", TogetherChatStub.TENANT_KEY));
        // eval-service announces the version of a job Together ran (no Together job runs here: the event stands in for it).
        String version = "mv-" + java.util.UUID.randomUUID().toString().replace("-", "");
        String payload = """
            {"tenant":"default","modelVersionId":"%s","name":"x","jobId":"ft-%s","baseModel":"meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",\
            "backend":"together","artifact":{"type":"provider-model","providerModel":"%s"},"registeredAt":"%s"}"""
                .formatted(version, java.util.UUID.randomUUID().toString().replace("-", ""), TogetherChatStub.MODEL, java.time.Instant.now());
        dev.refinery.testing.ContractSchemas.assertValid("model-registered", 1, payload);
        kafka.send("model-registered", version, payload, "ce_specversion", "1.0", "ce_id", java.util.UUID.randomUUID().toString(),
                "ce_type", "refinery.model-registered.v1", "ce_source", "/refinery/eval-service", "ce_subject", version,
                "ce_time", java.time.Instant.now().toString(), "content-type", "application/json");

        int askedBefore = together.requestsWithTheTenantsKey(); // the stub also plays an operator's server in another test
        OpenAiClientCheck openAi = new OpenAiClientCheck(services.get("gateway").url() + "/v1", stack.adminKey());
        assertEquals(TogetherChatStub.ANSWER, openAi.awaitListedThenAsk(version, DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60)));
        assertEquals(TogetherChatStub.ANSWER, openAi.askStreaming(version, DemoPipeline.STORY_REQUEST), "streamed through two relays");
        assertEquals(askedBefore + 2, together.requestsWithTheTenantsKey(), "both asked Together with the project's key, as Together's model");
    }

    /**
     * One inference path: eval-service asks a model of the operator's server, and its base model on the same server, at
     * inference-service's door as the project, as an application asks them (eval-service's own URL for the server leads
     * nowhere), and the evaluation completes on their answers.
     */
    @Test
    void aServersModelIsEvaluatedAgainstItsBaseThroughInferenceServicesDoor() throws Exception {
        Path file = concat(work.resolve("door-stories.jsonl"), "train.jsonl", "validation.jsonl", "test.jsonl");
        String datasetId = gateway.uploadDataset(file, "door-stories", null).path("id").asText();
        JsonNode dataset = await(() -> gateway.get("v1/datasets/" + datasetId),
                d -> List.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        assertEquals("VALID", dataset.path("validation").path("status").asText(), dataset.toString());
        String version = gateway.postJson("v1/registry/models", Map.of("endpoint", MATRIX_SERVER, "model", TogetherChatStub.MODEL,
                "baseModel", TogetherChatStub.BASE), null).path("id").asText();
        int candidateAsked = together.requestsFor(TogetherChatStub.MODEL);
        int baseAsked = together.requestsFor(TogetherChatStub.BASE);

        String evalId = gateway.postJson("v1/evals", Map.of("candidate", version, "datasetId", datasetId, "maxItems", 4), null)
                .path("id").asText();
        JsonNode eval = await(() -> gateway.get("v1/evals/" + evalId), e -> List.of("COMPLETED", "FAILED").contains(e.path("status").asText()));
        assertEquals("COMPLETED", eval.path("status").asText(), eval.toString());
        assertTrue(together.requestsFor(TogetherChatStub.MODEL) > candidateAsked, "the candidate answered through the door");
        assertTrue(together.requestsFor(TogetherChatStub.BASE) > baseAsked, "its base model too, on the same server");
    }

    /**
     * Continuous fine-tuning, end to end, in a project of its own (its champion is its own): a producer sends the example
     * task's records to the examples topic, some invalid (they are in the rejection log with their rule); the collection
     * seals a version every 120 valid examples; the pipeline trains each version on the engine, eval-service evaluates it
     * against the base model and the champion, the first becomes the champion; the second version runs on its own, from the
     * champion's job, while training-service is killed and started again mid-run (the run still ends once, with one job and
     * one evaluation), is evaluated on the same frozen test items, and is promoted or not by the policy; `champion` serves
     * whichever won.
     */
    @Test
    void producersExamplesAreSealedIntoVersionsThatAPipelineTrainsEvaluatesAndPromotesOnItsOwn() throws Exception {
        String project = "continuous-" + System.nanoTime();
        String key = newProject(project);
        GatewayClient team = new GatewayClient(services.get("gateway").url(), key);
        String collection = team.postJson("v1/collections", Map.of("name", "stories-stream", "sealEvery", 120), null).path("id").asText();
        Map<String, Object> hp = new HashMap<>(DemoPipeline.demoHyperparameters());
        hp.put("epochs", 12); // long enough (tens of seconds) for training-service to be killed while the second job trains
        String pipeline = team.postJson("v1/pipelines", Map.of("name", "stories", "collectionId", collection, "continueFrom", "champion",
                "template", Map.of("baseModel", "stories260K", "backend", "local", "hyperparameters", hp)), null).path("id").asText();

        List<String> records = new ArrayList<>();
        for (String file : List.of("train.jsonl", "validation.jsonl", "test.jsonl")) {
            records.addAll(Files.readAllLines(EXAMPLES.resolve(file)));
        }
        String robot = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"},{\"role\":\"robot\",\"content\":\"Beep.\"}]}";
        for (int i = 0; i < 120; i++) {
            produce(project, collection, "story-" + i, records.get(i));
            if (i % 40 == 0) {
                produce(project, collection, "broken-" + i, robot);
            }
        }
        JsonNode rejections = await(() -> team.get("v1/collections/" + collection + "/rejections"), r -> r.size() == 3);
        for (JsonNode r : rejections) {
            assertEquals("DATASET_ROLE_UNKNOWN", r.path("problems").path(0).path("code").asText(), r.toString());
            assertTrue(r.path("idempotencyId").asText().startsWith("broken-"), r.toString());
        }

        JsonNode first = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> r.size() == 1 && finished(r.get(0))).get(0);
        assertEquals("SUCCEEDED", first.path("status").asText(), first.toString());
        assertEquals("PROMOTED", first.path("decision").asText(), first.toString());
        assertEquals(first.path("modelVersionId").asText(), team.get("v1/registry/aliases/champion").path("modelVersionId").asText());
        assertTrue(first.path("fromJobId").isMissingNode() || first.path("fromJobId").isNull(), "the first run starts from the base model");

        for (int i = 120; i < 240; i++) { // more examples arrive: the next version seals, and its run starts on its own
            produce(project, collection, "story-" + i, records.get(i));
        }
        // training-service, which runs pipelines, is killed while the second run's job trains, and started again.
        String secondJob = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"),
                r -> r.size() == 2 && !r.get(0).path("jobId").asText("").isEmpty()).get(0).path("jobId").asText();
        await(() -> team.get("v1/fine-tunes/" + secondJob), j -> j.path("progress").path("step").asInt() >= 3
                || List.of("SUCCEEDED", "FAILED").contains(j.path("status").asText()));
        ServiceProcess training = services.get("training-service");
        training.kill();
        training.start().awaitReady(Duration.ofSeconds(180));
        JsonNode second = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> r.size() == 2 && finished(r.get(0))).get(0);
        assertEquals(secondJob, second.path("jobId").asText(), "the job it had, finished after the restart");
        assertEquals(2, team.get("v1/fine-tunes").size(), "one job per run, none made twice");
        assertEquals(1, team.get("v1/evals?jobId=" + secondJob).size(), "one evaluation of it");
        assertEquals("SUCCEEDED", second.path("status").asText(), second.toString());
        assertEquals("version", second.path("trigger").asText());
        assertEquals(first.path("jobId").asText(), second.path("fromJobId").asText(), "continued from the champion's job");
        assertTrue(second.path("championScore").isNumber(), "evaluated against the champion: " + second);
        assertTrue(List.of("PROMOTED", "NOT_PROMOTED").contains(second.path("decision").asText()), second.toString());
        assertEquals(prompts(team, first.path("evalId").asText()), prompts(team, second.path("evalId").asText()),
                "both runs were scored on the same frozen test items");
        String champion = "PROMOTED".equals(second.path("decision").asText()) ? second.path("modelVersionId").asText()
                : first.path("modelVersionId").asText();
        assertEquals(champion, team.get("v1/registry/aliases/champion").path("modelVersionId").asText());

        OpenAiClientCheck openAi = new OpenAiClientCheck(services.get("gateway").url() + "/v1", key);
        String served = openAi.awaitListedThenAsk("champion", DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60));
        assertEquals(openAi.awaitListedThenAsk(champion, DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60)), served,
                "champion serves the version the policy chose");
        assertEquals(2, kafka.all("pipeline-run-finished", r -> pipeline.equals(r.key()), Duration.ofSeconds(5)).size(),
                "each run announced once");
    }

    /**
     * The drift trigger and "killing any service during a run", on the real services: examples are consumed while
     * ingest-service is killed and started again (each stored once); the first version runs (no champion yet) while
     * eval-service is killed mid-evaluation and started again (one evaluation, one promotion); a version whose replies the
     * champion cannot match is validated while validation-service is killed and started again; eval-service scores the
     * champion on it, the score falls below the promotion score by more than the margin, and a run starts on its own.
     */
    @Test
    void aDriftPipelineRetrainsWhenItsChampionFallsBehindAndEveryServiceKilledOnTheWayFinishesItsPartOnce() throws Exception {
        String project = "drift-" + System.nanoTime();
        GatewayClient team = new GatewayClient(services.get("gateway").url(), newProject(project));
        String collection = team.postJson("v1/collections", Map.of("name", "stories-drift"), null).path("id").asText();
        String pipeline = team.postJson("v1/pipelines", Map.of("name", "stories-drift", "collectionId", collection,
                "template", Map.of("baseModel", "stories260K", "backend", "local", "hyperparameters", DemoPipeline.demoHyperparameters()),
                "trigger", Map.of("on", "drift", "margin", 0.05)), null).path("id").asText();

        List<String> records = new ArrayList<>();
        for (String file : List.of("train.jsonl", "validation.jsonl", "test.jsonl")) {
            records.addAll(Files.readAllLines(EXAMPLES.resolve(file)));
        }
        for (int i = 0; i < 120; i++) {
            produce(project, collection, "story-" + i, records.get(i));
            if (i == 40) { // ingest-service killed while it consumes them, and started again
                restart("ingest-service");
            }
        }
        await(() -> team.get("v1/collections/" + collection), c -> c.path("examples").asInt() >= 120);
        assertEquals(120, team.get("v1/collections/" + collection).path("examples").asInt(), "each example stored once");
        team.postJson("v1/collections/" + collection + "/seal", Map.of(), null);

        JsonNode evaluating = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"),
                r -> r.size() == 1 && "EVALUATING".equals(r.get(0).path("status").asText())).get(0);
        assertEquals("version", evaluating.path("trigger").asText(), "no champion yet: the first version runs");
        restart("eval-service"); // killed while it evaluates the run's job
        JsonNode first = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> finished(r.get(0))).get(0);
        assertEquals("PROMOTED", first.path("decision").asText(), first.toString());
        assertEquals(1, team.get("v1/evals?jobId=" + first.path("jobId").asText()).size(), "one evaluation of the job");
        assertEquals(1, team.get("v1/registry/aliases/champion").path("history").size(), "one promotion");
        double promoted = first.path("candidateScore").asDouble();
        assertTrue(promoted > 0.1, "the champion must score something for a fall to show: " + first);

        // The task changes: the same kind of request, answered in a way the champion never learned.
        for (int i = 120; i < 180; i++) {
            JsonNode example = JSON.readTree(records.get(i));
            String request = example.path("messages").path(0).path("content").asText();
            produce(project, collection, "changed-" + i, JSON.writeValueAsString(Map.of("messages", List.of(
                    Map.of("role", "user", "content", request),
                    Map.of("role", "assistant", "content", "Request " + i + " is logged; a person will answer within a day.")))));
        }
        await(() -> team.get("v1/collections/" + collection), c -> c.path("examples").asInt() >= 180);
        String changed = team.postJson("v1/collections/" + collection + "/seal", Map.of(), null).path("datasetId").asText();
        restart("validation-service"); // killed while it validates the version, and started again

        JsonNode check = await(() -> team.get("v1/pipelines/" + pipeline), p -> List.of("DRIFTED", "STEADY", "FAILED")
                .contains(p.path("lastDriftCheck").path("status").asText())).path("lastDriftCheck");
        assertEquals("DRIFTED", check.path("status").asText(), check.toString());
        assertEquals(changed, check.path("datasetId").asText());
        assertEquals(first.path("modelVersionId").asText(), check.path("championVersionId").asText());
        assertEquals(promoted, check.path("promotionScore").asDouble(), 1e-9);
        assertTrue(check.path("freshScore").asDouble() < promoted - 0.05, check.toString());
        JsonNode scoring = team.get("v1/evals/" + check.path("evalId").asText());
        assertEquals(changed, scoring.path("datasetId").asText(), "scored on the new version's examples");

        JsonNode second = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> r.size() == 2 && finished(r.get(0))).get(0);
        assertEquals("drift", second.path("trigger").asText());
        assertEquals(changed, second.path("datasetId").asText());
        assertEquals("SUCCEEDED", second.path("status").asText(), second.toString());
        assertEquals(first.path("jobId").asText(), second.path("fromJobId").asText(), "the retrain continues from the champion");
        assertEquals(2, team.get("v1/fine-tunes").size(), "one job per run");
        assertEquals(2, kafka.all("pipeline-run-finished", r -> pipeline.equals(r.key()), Duration.ofSeconds(5)).size(),
                "each run announced once");
    }

    @Test
    void aChallengerIsTriedOnTheChampionsLiveTrafficAndPromotedOnlyOnceAJudgePrefersItsAnswers() throws Exception {
        String project = "shadow-" + System.nanoTime();
        String key = newProject(project);
        GatewayClient team = new GatewayClient(services.get("gateway").url(), key);
        team.putJson("v1/tenants/" + project + "/secrets/together", Map.of("apiKey", TogetherChatStub.TENANT_KEY)); // the judge's
        List<String> records = new ArrayList<>();
        for (String file : List.of("train.jsonl", "validation.jsonl", "test.jsonl")) {
            records.addAll(Files.readAllLines(EXAMPLES.resolve(file)));
        }
        // A poor champion, promoted by hand: it learned to answer every story request with a ticket reply.
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String request = JSON.readTree(records.get(i)).path("messages").path(0).path("content").asText();
            tickets.add(JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", request),
                    Map.of("role", "assistant", "content", TogetherChatStub.TICKET_REPLY_START + i + " is logged; a person will answer.")))));
        }
        Path ticketFile = Files.write(work.resolve(project + "-tickets.jsonl"), tickets);
        String poor = new DemoPipeline(team, System.out, Duration.ofMinutes(5)).run(ticketFile, "stories260K",
                DemoPipeline.demoHyperparameters()).path("modelVersionId").asText();
        team.putJson("v1/registry/aliases/champion", Map.of("version", poor, "reason", "the ticket bot, for now"));

        String collection = team.postJson("v1/collections", Map.of("name", "stories-shadow"), null).path("id").asText();
        String pipeline = team.postJson("v1/pipelines", Map.of("name", "stories-shadow", "collectionId", collection,
                "template", Map.of("baseModel", "stories260K", "backend", "local", "hyperparameters", DemoPipeline.demoHyperparameters()),
                "shadow", Map.of("share", 1.0, "pairs", 3, "minWinRate", 0.6, "within", "PT10M",
                        "judge", "together:" + TogetherChatStub.JUDGE)), null).path("id").asText();
        for (int i = 0; i < 120; i++) {
            produce(project, collection, "story-" + i, records.get(i));
        }
        await(() -> team.get("v1/collections/" + collection), c -> c.path("examples").asInt() >= 120);
        team.postJson("v1/collections/" + collection + "/seal", Map.of(), null);

        JsonNode shadowing = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> r.size() == 1
                && (finished(r.get(0)) || r.get(0).path("shadow").path("startedAt").isTextual())).get(0);
        assertEquals("SHADOW", shadowing.path("status").asText(), "it beat the poor champion on the test set: " + shadowing);
        String challenger = shadowing.path("modelVersionId").asText();
        assertEquals(poor, team.get("v1/registry/aliases/champion").path("modelVersionId").asText(), "the champion keeps serving meanwhile");

        int judged = together.requestsFor(TogetherChatStub.JUDGE);
        OpenAiClientCheck openAi = new OpenAiClientCheck(services.get("gateway").url() + "/v1", key);
        for (int i = 0; i < 3; i++) { // live requests: answered by the champion, and by the challenger behind it
            String answer = openAi.awaitListedThenAsk("champion", DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60));
            assertTrue(answer.startsWith(TogetherChatStub.TICKET_REPLY_START), "the caller gets the champion's answer: " + answer);
        }
        JsonNode decided = await(() -> team.get("v1/pipelines/" + pipeline + "/runs"), r -> finished(r.get(0))).get(0);
        assertEquals("PROMOTED", decided.path("decision").asText(), decided.toString());
        assertEquals(3, decided.path("shadow").path("wins").asInt(), decided.toString());
        assertEquals(1.0, decided.path("shadow").path("winRate").asDouble(), 1e-9);
        assertEquals(judged + 6, together.requestsFor(TogetherChatStub.JUDGE), "each pair judged both ways, with the project's key");
        JsonNode alias = team.get("v1/registry/aliases/champion");
        assertEquals(challenger, alias.path("modelVersionId").asText(), "promoted after its shadow phase");
        assertEquals(2, alias.path("history").size(), "one promotion by the pipeline");
        String challengersAnswer = openAi.awaitListedThenAsk(challenger, DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60));
        assertEquals(challengersAnswer, await(() -> JSON.getNodeFactory().textNode(askQuietly(openAi, "champion")),
                a -> a.asText().equals(challengersAnswer)).asText(), "the model served as champion follows");
    }

    private static String askQuietly(OpenAiClientCheck openAi, String model) {
        try {
            return openAi.awaitListedThenAsk(model, DemoPipeline.STORY_REQUEST, Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A project of its own (in an organization of its own), and an admin key of it. */
    private String newProject(String project) {
        gateway.postJson("v1/projects", Map.of("id", project, "organization", project + "-org"), null);
        return gateway.postJson("v1/keys", Map.of("name", project, "scope", "admin", "project", project), null).path("key").asText();
    }

    private void restart(String service) throws Exception {
        ServiceProcess process = services.get(service);
        process.kill();
        process.start().awaitReady(Duration.ofSeconds(180));
    }

    private void produce(String project, String collection, String idempotencyId, String example) {
        String envelope = "{\"tenant\":\"" + project + "\",\"collectionId\":\"" + collection + "\",\"producerId\":\"e2e-producer\","
                + "\"idempotencyId\":\"" + idempotencyId + "\",\"example\":" + example + "}";
        dev.refinery.testing.ContractSchemas.assertValid("examples", 1, envelope);
        kafka.send("examples", collection, envelope);
    }

    private static boolean finished(JsonNode run) {
        return List.of("SUCCEEDED", "FAILED", "SKIPPED").contains(run.path("status").asText());
    }

    /** The prompts an evaluation scored, in order. */
    private static List<String> prompts(GatewayClient client, String evalId) {
        List<String> prompts = new ArrayList<>();
        client.get("v1/evals/" + evalId + "/items?limit=500").path("items").forEach(i -> prompts.add(i.path("prompt").asText()));
        assertFalse(prompts.isEmpty(), "evaluation " + evalId + " scored no items");
        return prompts;
    }

    @Test
    @Order(Integer.MAX_VALUE - 1) // after the others: it aims another tenant's key at what they made
    void noRouteLetsATenantReadChangeOrSpendWhatBelongsToAnother() throws Exception {
        new IsolationMatrix(services.get("gateway").url(), stack.adminKey()).run();
    }

    /**
     * An event lost for good (here: the consumer group's offsets moved past it while the service was down, as an operator's
     * reset or an expired dead letter would) is found by reconciliation with the owner: the dataset is validated and the
     * job evaluated, once each.
     */
    @Test
    @Order(Integer.MAX_VALUE) // last: it leaves validation and eval with a short reconciliation grace
    void lostEventsAreFoundByReconciliationAndTheirWorkIsDoneOnce() throws Exception {
        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        Path data = concat(work.resolve("lost.jsonl"), "train.jsonl", "validation.jsonl", "test.jsonl");
        String valid = gateway.uploadDataset(data, "lost-base", null).path("id").asText();
        await(() -> gateway.get("v1/datasets/" + valid), d -> d.path("validation").path("status").asText().equals("VALID"));

        ServiceProcess validation = services.get("validation-service");
        ServiceProcess eval = services.get("eval-service");
        validation.close();
        eval.close();
        validation.configure("refinery.reconcile.grace", "PT10S");
        eval.configure("refinery.reconcile.grace", "PT10S");
        String lostUpload = gateway.uploadDataset(concat(work.resolve("lost-upload.jsonl"), "validation.jsonl"), "lost-upload", null)
                .path("id").asText();
        String job = pipeline.submitJob(valid, "stories260K", Map.of("epochs", 1, "learningRate", 0.005), null).path("id").asText();
        await(() -> gateway.get("v1/fine-tunes/" + job), j -> j.path("status").asText().equals("SUCCEEDED"));
        kafka.await("dataset-uploaded", r -> lostUpload.equals(r.key()), Duration.ofSeconds(30));
        kafka.await("job-completed", r -> job.equals(r.key()), Duration.ofSeconds(30));
        kafka.skipToEnd("validation-service", "dataset-uploaded");
        kafka.skipToEnd("eval-service", "job-completed");
        validation.start();
        eval.start();
        validation.awaitReady(Duration.ofSeconds(180));
        eval.awaitReady(Duration.ofSeconds(180));

        JsonNode upload = await(() -> gateway.get("v1/datasets/" + lostUpload),
                d -> List.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        assertEquals("VALID", upload.path("validation").path("status").asText(), upload.toString());
        JsonNode evals = await(() -> gateway.get("v1/evals?jobId=" + job),
                list -> list.isArray() && list.size() > 0 && List.of("COMPLETED", "FAILED").contains(list.get(0).path("status").asText()));
        assertEquals("COMPLETED", evals.get(0).path("status").asText(), evals.toString());
        assertEquals(1, evals.size(), "one evaluation");
        // Announced, then again (more than once if a repeat waited longer than the grace for the restarted consumer).
        assertTrue(kafka.all("dataset-uploaded", r -> lostUpload.equals(r.key()), Duration.ofSeconds(2)).size() >= 2, "announced again");
        assertEquals(1, kafka.all("dataset-validated", r -> lostUpload.equals(r.key()), Duration.ofSeconds(2)).size(), "validated once");
    }

    /**
     * PostgreSQL stopped for 60 seconds while a job trains, an evaluation runs and an upload is being validated: when it is
     * back, all three complete, each once, and no event is dead-lettered (a transient failure is waited out, never the
     * work's fault).
     */
    @Test
    void aPostgresOutageInTheMiddleOfTrainingValidationAndEvaluationLosesAndDuplicatesNothing() throws Exception {
        outageInTheMiddleOfEverything("postgres", () -> stack.postgres().suspend(), () -> stack.postgres().resume());
    }

    /** The same with the Kafka broker stopped for 60 seconds: events wait in the outboxes and flow once it is back. */
    @Test
    void aKafkaOutageInTheMiddleOfTrainingValidationAndEvaluationLosesAndDuplicatesNothing() throws Exception {
        outageInTheMiddleOfEverything("kafka", () -> stack.kafka().suspend(), () -> stack.kafka().resume());
    }

    private void outageInTheMiddleOfEverything(String what, Runnable stop, Runnable start) throws Exception {
        DemoPipeline pipeline = new DemoPipeline(gateway, System.out, Duration.ofMinutes(5));
        Path data = concat(work.resolve(what + "-outage.jsonl"), "train.jsonl", "validation.jsonl", "test.jsonl");
        String datasetId = gateway.uploadDataset(data, what + "-outage", null).path("id").asText();
        await(() -> gateway.get("v1/datasets/" + datasetId), d -> d.path("validation").path("status").asText().equals("VALID"));

        // The engine trains one job at a time: the short one first, the long one right behind it. The moment the short one
        // succeeds, its evaluation starts and the long one begins training; an upload then starts a validation, and the
        // outage begins with all three in flight.
        String shortJob = pipeline.submitJob(datasetId, "stories260K", Map.of("epochs", 1, "learningRate", 0.005), null).path("id").asText();
        String longJob = pipeline.submitJob(datasetId, "stories260K", Map.of("epochs", 12, "learningRate", 0.005), null).path("id").asText();
        await(() -> gateway.get("v1/fine-tunes/" + shortJob), j -> j.path("status").asText().equals("SUCCEEDED"));
        System.out.printf("%s outage begins: long job %s, evaluations of the short one %s%n", what,
                gateway.get("v1/fine-tunes/" + longJob).path("progress"), gateway.get("v1/evals?jobId=" + shortJob));
        String uploadId = gateway.uploadDataset(concat(work.resolve(what + "-upload.jsonl"), "validation.jsonl"), what + "-upload", null)
                .path("id").asText();
        stop.run();
        Thread.sleep(Duration.ofSeconds(60).toMillis());
        start.run();

        JsonNode upload = await(() -> gateway.get("v1/datasets/" + uploadId),
                d -> List.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        assertEquals("VALID", upload.path("validation").path("status").asText(), upload.toString());
        JsonNode trained = await(() -> gateway.get("v1/fine-tunes/" + longJob),
                j -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.path("status").asText()));
        assertEquals("SUCCEEDED", trained.path("status").asText(), trained.toString());
        JsonNode evals = await(() -> gateway.get("v1/evals?jobId=" + shortJob),
                list -> list.isArray() && list.size() > 0 && List.of("COMPLETED", "FAILED").contains(list.get(0).path("status").asText()));
        assertEquals("COMPLETED", evals.get(0).path("status").asText(), evals.toString());
        assertEquals(1, evals.size(), "one evaluation of the job");

        String evalId = evals.get(0).path("id").asText();
        assertEquals(1, kafka.all("dataset-validated", r -> uploadId.equals(r.key()), Duration.ofSeconds(3)).size(), "validated once");
        assertEquals(1, kafka.all("job-completed", r -> longJob.equals(r.key()), Duration.ofSeconds(2)).size(), "one job-completed");
        assertEquals(1, kafka.all("eval-finished", r -> evalId.equals(r.key()), Duration.ofSeconds(2)).size(), "one eval-finished");
        for (String topic : List.of("dataset-uploaded", "dataset-validated", "job-completed", "eval-finished")) {
            assertEquals(List.of(), kafka.all(topic + ".dlq", r -> true, Duration.ofSeconds(2)), "nothing dead-lettered on " + topic);
        }
    }

    private interface Fetch {
        JsonNode get();
    }

    private static JsonNode await(Fetch fetch, java.util.function.Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = fetch.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (GatewayClient.ApiError e) {
                if (e.status() != 404 && e.status() != 503) {
                    throw e;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("condition not reached; last answer: " + last);
    }

    private static Path concat(Path out, String... files) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            sb.append(Files.readString(EXAMPLES.resolve(f)));
        }
        return Files.writeString(out, sb.toString());
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models/stories260K"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root");
        }
        return p;
    }
}
