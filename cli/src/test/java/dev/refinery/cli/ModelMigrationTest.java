package dev.refinery.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code models migrate} against a stand-in gateway: the calls it makes, in order, and what it prints or why it stops. */
class ModelMigrationTest {

    private static final String OLD_VERSION = "{\"id\":\"mv-old\",\"jobId\":\"ft-old\",\"datasetId\":\"ds-1\",\"baseModel\":\"gpt-4o-mini-2024-07-18\","
            + "\"backend\":\"openai\"}";
    private static final String TOGETHER_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";
    private static final String NEW_JOB = "{\"id\":\"ft-new\",\"backend\":\"together\",\"baseModel\":\"" + TOGETHER_MODEL + "\",\"status\":\"QUEUED\","
            + "\"rerunOf\":\"ft-old\"}";
    private static final String VERSIONS = "[{\"id\":\"mv-new\",\"jobId\":\"ft-new\"},{\"id\":\"mv-old\",\"jobId\":\"ft-old\"}]";
    private static final String COMPLETED = "{\"id\":\"ev-1\",\"status\":\"COMPLETED\",\"metric\":\"exact_match\",\"items\":40,"
            + "\"baseline\":{\"model\":\"openai:ft:gpt-4o-mini:org::abc\",\"metric\":0.6,\"heldOutLoss\":1.1},"
            + "\"candidate\":{\"model\":\"together:me/llama-ft\",\"metric\":0.625,\"heldOutLoss\":1.0},"
            + "\"difference\":{\"mean\":0.025,\"ciLow\":-0.05,\"ciHigh\":0.1,\"confidence\":0.95},"
            + "\"verdict\":\"NO_SIGNIFICANT_DIFFERENCE\",\"outcome\":\"NO_SIGNIFICANT_CHANGE\",\"decision\":\"NOT_APPLICABLE\","
            + "\"reasons\":[\"exact_match: lower bound -0.0500 does not clear 0\"]}";

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RefineryCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAliasIsRerunOnTheNewBackendThenEvaluatedAgainstItselfOnItsTestSplit() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/aliases/champion", "{\"alias\":\"champion\",\"modelVersionId\":\"mv-old\"}")
                    .on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(201, NEW_JOB))
                    .on("GET /v1/fine-tunes/ft-new", "{\"id\":\"ft-new\",\"status\":\"SUCCEEDED\"}")
                    .on("GET /v1/registry/models?limit=100", VERSIONS)
                    .on("POST /v1/evals", new FakeGateway.Answer(202, "{\"id\":\"ev-1\",\"status\":\"PENDING\"}"))
                    .on("GET /v1/evals/ev-1", COMPLETED);

            Run r = cli("--gateway", gateway.url(), "models", "migrate", "champion", "--to", "together", "--base-model", TOGETHER_MODEL);

            assertEquals(0, r.code(), r.err());
            assertEquals(List.of(
                    "GET /v1/registry/aliases/champion",
                    "GET /v1/registry/models/mv-old",
                    "POST /v1/fine-tunes/ft-old/rerun {\"backend\":\"together\",\"baseModel\":\"" + TOGETHER_MODEL + "\"}",
                    "GET /v1/fine-tunes/ft-new",
                    "GET /v1/registry/models?limit=100",
                    "POST /v1/evals {\"candidate\":\"mv-new\",\"baseline\":\"mv-old\",\"datasetId\":\"ds-1\"}",
                    "GET /v1/evals/ev-1"), gateway.seen());
            assertTrue(r.out().contains("job ft-new: the same spec, " + TOGETHER_MODEL + " on together"), r.out());
            assertTrue(r.out().contains("model mv-new registered for job ft-new"), r.out());
            assertTrue(r.out().contains("exact_match on 40 test items:"), r.out());
            assertTrue(r.out().contains("  old mv-old  0.6000  (openai:ft:gpt-4o-mini:org::abc)"), r.out());
            assertTrue(r.out().contains("  new mv-new  0.6250  (together:me/llama-ft)"), r.out());
            assertTrue(r.out().contains("new - old +0.0250, 95% interval [-0.0500, +0.1000]: NO_SIGNIFICANT_DIFFERENCE"), r.out());
            assertTrue(r.out().contains("outcome: NO_SIGNIFICANT_CHANGE"), r.out());
        }
    }

    @Test
    void itWaitsThroughTheJobTheRegistryAndTheEvaluationShowingTheJobsProgress() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(201, NEW_JOB))
                    .on("GET /v1/fine-tunes/ft-new", "{\"status\":\"QUEUED\"}",
                            "{\"status\":\"RUNNING\",\"progress\":{\"step\":1,\"totalSteps\":4}}",
                            "{\"status\":\"RUNNING\",\"progress\":{\"step\":1,\"totalSteps\":4}}",
                            "{\"status\":\"RUNNING\",\"progress\":{\"step\":3,\"totalSteps\":4}}",
                            "{\"status\":\"SUCCEEDED\"}")
                    .on("GET /v1/registry/models?limit=100", "[{\"id\":\"mv-old\",\"jobId\":\"ft-old\"}]", VERSIONS)
                    .on("POST /v1/evals", new FakeGateway.Answer(202, "{\"id\":\"ev-1\",\"status\":\"PENDING\"}"))
                    .on("GET /v1/evals/ev-1", new FakeGateway.Answer(503, "{\"status\":503,\"code\":\"UPSTREAM_UNAVAILABLE\"}"),
                            FakeGateway.Answer.ok("{\"id\":\"ev-1\",\"status\":\"RUNNING\"}"), FakeGateway.Answer.ok(COMPLETED));
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            new ModelMigration(new GatewayClient(gateway.url(), null), new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofMillis(1))
                    .run(new ModelMigration.Request("mv-old", "together", null, Duration.ofMinutes(5)));

            List<String> seen = gateway.seen();
            assertEquals("POST /v1/fine-tunes/ft-old/rerun {\"backend\":\"together\"}", seen.get(1), "no base model: the old one stays");
            assertEquals(5, seen.stream().filter(s -> s.equals("GET /v1/fine-tunes/ft-new")).count(), seen.toString());
            assertEquals(2, seen.stream().filter(s -> s.equals("GET /v1/registry/models?limit=100")).count(), seen.toString());
            assertEquals(3, seen.stream().filter(s -> s.equals("GET /v1/evals/ev-1")).count(), "a 503 is asked again: " + seen);
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("job ft-new QUEUED\njob ft-new RUNNING step 1/4\njob ft-new RUNNING step 3/4\njob ft-new SUCCEEDED\n"),
                    "each change once: " + printed);
            assertTrue(printed.contains("outcome: NO_SIGNIFICANT_CHANGE"), printed);
        }
    }

    @Test
    void aFailedJobEndsWithExitCode2AndItsReasonAndNothingIsEvaluated() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(201, NEW_JOB))
                    .on("GET /v1/fine-tunes/ft-new", "{\"id\":\"ft-new\",\"status\":\"FAILED\",\"result\":{\"failureCode\":\"PROVIDER_JOB_FAILED\","
                            + "\"failureReason\":\"together: the training file has too few examples\"}}");

            Run r = cli("--gateway", gateway.url(), "models", "migrate", "mv-old", "--to", "together", "--base-model", TOGETHER_MODEL);

            assertEquals(2, r.code(), r.out());
            assertTrue(r.err().contains("job ft-new FAILED: PROVIDER_JOB_FAILED: together: the training file has too few examples"), r.err());
            assertTrue(gateway.seen().stream().noneMatch(s -> s.contains("/v1/evals") || s.contains("/v1/registry/models?")), gateway.seen().toString());
        }
    }

    @Test
    void aFailedEvaluationEndsWithExitCode2AndItsReason() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(201, NEW_JOB))
                    .on("GET /v1/fine-tunes/ft-new", "{\"id\":\"ft-new\",\"status\":\"SUCCEEDED\"}")
                    .on("GET /v1/registry/models?limit=100", VERSIONS)
                    .on("POST /v1/evals", new FakeGateway.Answer(202, "{\"id\":\"ev-1\",\"status\":\"PENDING\"}"))
                    .on("GET /v1/evals/ev-1", "{\"id\":\"ev-1\",\"status\":\"FAILED\",\"failureCode\":\"MODEL_RETIRED\","
                            + "\"failureReason\":\"OpenAI stopped serving fine-tunes of gpt-4o-mini on 2027-01-14\"}");

            Run r = cli("--gateway", gateway.url(), "models", "migrate", "mv-old", "--to", "together", "--base-model", TOGETHER_MODEL);

            assertEquals(2, r.code(), r.out());
            assertTrue(r.err().contains("evaluation ev-1 FAILED: MODEL_RETIRED: OpenAI stopped serving fine-tunes of gpt-4o-mini on 2027-01-14"),
                    r.err());
        }
    }

    @Test
    void aRefusedRerunShowsTheServicesCodeAndDetail() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(400, "{\"status\":400,\"code\":\"JOB_MODEL_UNKNOWN\","
                            + "\"detail\":\"1 problem(s) with the request for the job on together: gpt-4o-mini-2024-07-18 is not a together model\","
                            + "\"field\":\"baseModel\"}"));

            Run r = cli("--gateway", gateway.url(), "models", "migrate", "mv-old", "--to", "together");

            assertEquals(2, r.code(), r.out());
            assertTrue(r.err().contains("400 JOB_MODEL_UNKNOWN: 1 problem(s) with the request"), r.err());
        }
    }

    @Test
    void aWaitThatRunsOutSaysWhatGoesOnAndHowToFollowIt() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.on("GET /v1/registry/models/mv-old", OLD_VERSION)
                    .on("POST /v1/fine-tunes/ft-old/rerun", new FakeGateway.Answer(201, NEW_JOB))
                    .on("GET /v1/fine-tunes/ft-new", "{\"id\":\"ft-new\",\"status\":\"RUNNING\"}");
            ModelMigration migration = new ModelMigration(new GatewayClient(gateway.url(), null), new PrintStream(new ByteArrayOutputStream(),
                    true, StandardCharsets.UTF_8), Duration.ofMillis(20));

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> migration.run(new ModelMigration.Request("mv-old", "together", TOGETHER_MODEL, Duration.ofSeconds(1))));

            assertTrue(e.getMessage().contains("job ft-new did not end within 1s; it goes on without us (follow it with: refinery fine-tunes get ft-new)"),
                    e.getMessage());
        }
    }

    @Test
    void theCommandLineIsCheckedBeforeAnythingIsAsked() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            Run noTarget = cli("--gateway", gateway.url(), "models", "migrate", "mv-old");
            assertEquals(64, noTarget.code());
            assertTrue(noTarget.err().contains("missing --to BACKEND"), noTarget.err());
            Run badWait = cli("--gateway", gateway.url(), "models", "migrate", "mv-old", "--to", "together", "--wait", "an hour");
            assertEquals(64, badWait.code());
            assertTrue(badWait.err().contains("'--wait'"), badWait.err());
            assertTrue(badWait.err().contains("a wait such as 90s, 60m or 2h is needed, got 'an hour'"), badWait.err());
            Run noModel = cli("--gateway", gateway.url(), "models", "migrate", "--to", "together");
            assertEquals(64, noModel.code());
            assertTrue(noModel.err().contains("Missing required parameter: 'MODEL'"), noModel.err());
            assertEquals(List.of(), gateway.seen());
        }
    }
}
