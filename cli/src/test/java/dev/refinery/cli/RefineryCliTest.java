package dev.refinery.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefineryCliTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RefineryCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownCommandIsOneLineWithTheNearestCommand() {
        Run r = run("frobnicate");
        assertEquals(64, r.code());
        assertTrue(r.err().startsWith("error: unknown command frobnicate"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        Run near = run("dataset", "list");
        assertEquals(64, near.code());
        assertTrue(near.err().contains("did you mean datasets?"), near.err());
        Run nearVerb = run("fine-tunes", "wach", "ft-1");
        assertEquals(64, nearVerb.code());
        assertTrue(nearVerb.err().contains("did you mean watch?"), nearVerb.err());
    }

    @Test
    void demoWithAFileIsTheDemoCommandNotAUsageError() {
        Run r = run("--gateway", "http://127.0.0.1:1", "demo", "some.jsonl");
        assertEquals(66, r.code(), "a missing FILE, before the gateway is asked anything");
        assertTrue(r.err().contains("no such file: some.jsonl"), r.err());
    }

    @Test
    void anUnreachableGatewayIsAClearError() {
        Run r = run("--gateway", "http://127.0.0.1:1", "fine-tunes", "list");
        assertEquals(69, r.code());
        assertTrue(r.err().contains("cannot reach the gateway at http://127.0.0.1:1/: connection refused"), r.err());
        assertTrue(r.err().contains("./refinery up"), r.err());
        assertEquals(1, r.err().lines().count(), "one line, no stack trace: " + r.err());
    }

    @Test
    void aProblemAnswerShowsItsCodeAndDetail() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/fine-tunes/ft-x", ex -> {
            byte[] body = "{\"status\":404,\"code\":\"JOB_NOT_FOUND\",\"detail\":\"no job ft-x\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/problem+json");
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            Run r = run("--gateway", "http://127.0.0.1:" + server.getAddress().getPort(), "fine-tunes", "get", "ft-x");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("404 JOB_NOT_FOUND: no job ft-x"), r.err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPromotionAndARollbackSendTheirMethodAliasAndReason() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/v1/registry/aliases/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"alias\":\"champion\",\"modelVersionId\":\"mv-1\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String gateway = "http://127.0.0.1:" + server.getAddress().getPort();
            Run promote = run("--gateway", gateway, "models", "promote", "mv-1", "--alias", "staging", "--reason", "passed review", "--json");
            assertEquals(0, promote.code(), promote.err());
            assertTrue(promote.out().contains("\"modelVersionId\" : \"mv-1\""), promote.out());
            Run rollback = run("--gateway", gateway, "models", "rollback", "--reason", "too terse");
            assertEquals(0, rollback.code(), rollback.err());
            assertEquals(java.util.List.of(
                    "PUT /v1/registry/aliases/staging {\"version\":\"mv-1\",\"reason\":\"passed review\"}",
                    "POST /v1/registry/aliases/champion/rollback {\"reason\":\"too terse\"}"), seen);
            Run unknown = run("--gateway", gateway, "models", "promote", "mv-1", "--because", "x");
            assertEquals(64, unknown.code());
            assertTrue(unknown.err().contains("unknown option --because"), unknown.err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServersModelIsRegisteredAndEvaluatedOnAFileUploadedAsATestSet() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String path : java.util.List.of("/v1/registry/models", "/v1/evals")) {
            server.createContext(path, ex -> {
                seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                        + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = "{\"id\":\"mv-1\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(201, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
        }
        server.start();
        try {
            String gateway = "http://127.0.0.1:" + server.getAddress().getPort();
            Run register = run("--gateway", gateway, "models", "register", "--endpoint", "lab-vllm", "--model", "story-lora",
                    "--base-model", "meta-llama/Llama-3.1-8B-Instruct");
            assertEquals(0, register.code(), register.err());
            Run evaluate = run("--gateway", gateway, "models", "evaluate", "mv-1", "--test-set", "ds-1");
            assertEquals(0, evaluate.code(), evaluate.err());
            assertEquals(java.util.List.of(
                    "POST /v1/registry/models {\"endpoint\":\"lab-vllm\",\"model\":\"story-lora\",\"baseModel\":\"meta-llama/Llama-3.1-8B-Instruct\"}",
                    "POST /v1/evals {\"candidate\":\"mv-1\",\"baseline\":null,\"datasetId\":null,\"testSet\":\"ds-1\",\"metric\":null,"
                            + "\"maxItems\":null,\"maxTokens\":null,\"stop\":null,\"metrics\":null}"), seen);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void captureSettingsChangeOnlyWhatTheirOptionsNameAndShowWithoutThem() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("PUT /v1/capture/settings", "{\"enabled\":true}")
                .on("GET /v1/capture/settings", "{\"enabled\":false}")) {
            Run r = run("--gateway", gateway.url(), "capture", "settings", "--enable", "--retention-days", "7", "--redact", "\\d{4}",
                    "--redact", "[a-z]+@[a-z.]+");
            assertEquals(0, r.code(), r.err());
            assertEquals("PUT /v1/capture/settings {\"enabled\":true,\"retentionDays\":7,\"redact\":[\"\\\\d{4}\",\"[a-z]+@[a-z.]+\"]}",
                    gateway.seen().get(0));
            assertEquals(0, run("--gateway", gateway.url(), "capture", "settings", "--disable").code());
            assertEquals("PUT /v1/capture/settings {\"enabled\":false}", gateway.seen().get(1));
            assertEquals(0, run("--gateway", gateway.url(), "capture", "settings").code());
            assertEquals("GET /v1/capture/settings", gateway.seen().get(2));
            Run bad = run("--gateway", gateway.url(), "capture", "settings", "--retention-days", "a week");
            assertEquals(64, bad.code());
            assertTrue(bad.err().contains("Invalid value for option '--retention-days': 'a week' is not an int"), bad.err());
            Run both = run("--gateway", gateway.url(), "capture", "settings", "--enable", "--disable");
            assertEquals(64, both.code());
            assertTrue(both.err().contains("mutually exclusive"), both.err());
            assertEquals(3, gateway.seen().size(), "nothing sent for a bad command line");
        }
    }

    @Test
    void feedbackSendsTheResponseIdWithWhatWasGiven() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("POST /v1/feedback", new FakeGateway.Answer(201, "{\"responseId\":\"chatcmpl-1\"}"))) {
            Run r = run("--gateway", gateway.url(), "feedback", "chatcmpl-1", "--thumbs", "down", "--correction", "Once upon a time.");
            assertEquals(0, r.code(), r.err());
            assertEquals("POST /v1/feedback {\"responseId\":\"chatcmpl-1\",\"thumbs\":\"down\",\"correction\":\"Once upon a time.\"}",
                    gateway.seen().get(0));
            assertEquals(0, run("--gateway", gateway.url(), "feedback", "chatcmpl-1", "--rating", "5").code());
            assertEquals("POST /v1/feedback {\"responseId\":\"chatcmpl-1\",\"rating\":5}", gateway.seen().get(1));
            Run none = run("--gateway", gateway.url(), "feedback", "chatcmpl-1");
            assertEquals(64, none.code());
            assertTrue(none.err().contains("at least one of"), none.err());
            assertEquals(0, run("--gateway", gateway.url(), "feedback", "chatcmpl-1", "--correction", "@mia wrote it").code());
            assertTrue(gateway.seen().get(2).endsWith("\"correction\":\"@mia wrote it\"}"), "an @word is text, not a file: " + gateway.seen());
        }
    }

    @Test
    void anExportGoesToStdoutToAFileOrUpIntoANewDataset() throws Exception {
        String jsonl = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/capture/export?kind=sft", jsonl)
                .on("GET /v1/capture/export?kind=preference&since=2026-12-01T00%3A00%3A00Z", "")
                .on("POST /v1/datasets?name=from-traffic", new FakeGateway.Answer(201, "{\"id\":\"ds-42\"}"))
                .on("POST /v1/collections/col-7/examples", "{\"accepted\":1,\"duplicates\":0,\"rejected\":0,\"results\":[]}")) {
            Run printed = run("--gateway", gateway.url(), "capture", "export", "--kind", "sft");
            assertEquals(0, printed.code(), printed.err());
            assertEquals(jsonl, printed.out());

            java.nio.file.Path file = java.nio.file.Files.createTempFile("capture", ".jsonl");
            Run saved = run("--gateway", gateway.url(), "capture", "export", "--kind", "sft", "--out", file.toString());
            assertEquals(0, saved.code(), saved.err());
            assertEquals(jsonl, java.nio.file.Files.readString(file));
            assertTrue(saved.out().startsWith("1 examples written to "), saved.out());

            Run uploaded = run("--gateway", gateway.url(), "capture", "export", "--kind", "sft", "--upload", "from-traffic");
            assertEquals(0, uploaded.code(), uploaded.err());
            assertEquals("ds-42", uploaded.out().strip(), "the new dataset's id");
            assertEquals("POST /v1/datasets?name=from-traffic " + jsonl, gateway.seen().get(gateway.seen().size() - 1));

            Run fed = run("--gateway", gateway.url(), "capture", "export", "--kind", "sft", "--to-collection", "col-7");
            assertEquals(0, fed.code(), fed.err());
            assertTrue(fed.out().startsWith("1 examples sent: 1 accepted"), fed.out());
            assertEquals("POST /v1/collections/col-7/examples [{\"producerId\":\"capture-sft\",\"idempotencyId\":\"" + sha256(jsonl.strip())
                    + "\",\"example\":" + jsonl.strip() + "}]", gateway.seen().get(gateway.seen().size() - 1), "fed into the collection");

            int requests = gateway.seen().size();
            Run empty = run("--gateway", gateway.url(), "capture", "export", "--kind", "preference", "--since", "2026-12-01T00:00:00Z",
                    "--upload", "from-traffic");
            assertEquals(2, empty.code());
            assertTrue(empty.err().contains("nothing to export"), empty.err());
            assertEquals(requests + 1, gateway.seen().size(), "no upload of an empty dataset");
            Run noKind = run("--gateway", gateway.url(), "capture", "export");
            assertEquals(64, noKind.code());
            assertTrue(noKind.err().contains("--kind sft or --kind preference"), noKind.err());
        }
    }

    @Test
    void aFilesLinesAreSentAsExamplesKeyedByTheirShaAndAPipelineIsCreatedOnTheCollection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("examples.jsonl");
        java.nio.file.Files.writeString(file, "{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n");
        try (FakeGateway gateway = new FakeGateway()
                .on("POST /v1/collections/col-1/examples", "{\"accepted\":1,\"duplicates\":1,\"rejected\":0,\"results\":[]}")
                .on("POST /v1/pipelines", "{\"id\":\"pl-1\"}").on("POST /v1/pipelines/pl-1/runs", "{\"id\":\"pr-1\"}")
                .on("PUT /v1/pipelines/pl-1", "{\"id\":\"pl-1\"}")) {
            Run send = run("--gateway", gateway.url(), "collections", "send", "col-1", file.toString(), "--producer", "crm");
            assertEquals(0, send.code(), send.err());
            assertTrue(send.out().contains("2 examples sent: 1 accepted, 1 duplicates, 0 rejected"), send.out());
            Run create = run("--gateway", gateway.url(), "pipelines", "create", "stories", "--collection", "col-1", "--continue-from",
                    "champion", "--hyperparameters", "{\"epochs\": 4}", "--budget-usd", "50", "--trigger", "drift", "--margin", "0.05",
                    "--metric", "token_f1", "--dpo-collection", "col-2");
            assertEquals(0, create.code(), create.err());
            Run byHand = run("--gateway", gateway.url(), "pipelines", "run", "pl-1", "--dataset", "ds-1");
            assertEquals(0, byHand.code(), byHand.err());
            assertEquals(java.util.List.of(
                    "POST /v1/collections/col-1/examples [{\"producerId\":\"crm\",\"idempotencyId\":\"" + sha256("{\"text\":\"one\"}")
                            + "\",\"example\":{\"text\":\"one\"}},{\"producerId\":\"crm\",\"idempotencyId\":\"" + sha256("{\"text\":\"two\"}")
                            + "\",\"example\":{\"text\":\"two\"}}]",
                    "POST /v1/pipelines {\"name\":\"stories\",\"collectionId\":\"col-1\",\"continueFrom\":\"champion\",\"template\":"
                            + "{\"hyperparameters\":{\"epochs\":4},\"evaluation\":{\"metric\":\"token_f1\"}},\"budget\":{\"usd\":50},"
                            + "\"trigger\":{\"on\":\"drift\",\"margin\":0.05},\"dpoStage\":{\"collectionId\":\"col-2\"}}",
                    "POST /v1/pipelines/pl-1/runs {\"datasetId\":\"ds-1\"}"), gateway.seen());
            Run update = run("--gateway", gateway.url(), "pipelines", "update", "pl-1", "stories-v2", "--trigger", "schedule", "--every", "P1D");
            assertEquals(0, update.code(), update.err());
            assertEquals("PUT /v1/pipelines/pl-1 {\"name\":\"stories-v2\",\"template\":{},\"trigger\":{\"on\":\"schedule\",\"every\":\"P1D\"}}",
                    gateway.seen().get(gateway.seen().size() - 1), "its settings replaced, no collection needed");
            Run shadow = run("--gateway", gateway.url(), "pipelines", "update", "pl-1", "stories-v3", "--shadow-share", "0.1",
                    "--shadow-pairs", "40", "--shadow-min-win-rate", "0.55", "--shadow-within", "PT12H", "--shadow-judge", "together:judge");
            assertEquals(0, shadow.code(), shadow.err());
            assertEquals("PUT /v1/pipelines/pl-1 {\"name\":\"stories-v3\",\"template\":{},\"shadow\":{\"share\":0.1,\"pairs\":40,"
                    + "\"minWinRate\":0.55,\"within\":\"PT12H\",\"judge\":\"together:judge\"}}",
                    gateway.seen().get(gateway.seen().size() - 1), "a shadow phase before each promotion");
        }
        Run missing = run("--gateway", "http://127.0.0.1:9", "pipelines", "create", "stories");
        assertEquals(64, missing.code());
        assertTrue(missing.err().contains("--collection is required"), missing.err());
    }

    @Test
    void aBatchRefusedForTheProducersRateIsSentAgainAfterRetryAfter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("examples.jsonl");
        java.nio.file.Files.writeString(file, "{\"text\":\"one\"}\n");
        try (FakeGateway gateway = new FakeGateway().on("POST /v1/collections/col-1/examples",
                new FakeGateway.Answer(429, "{\"status\":429,\"code\":\"EXAMPLE_RATE_LIMITED\",\"retryAfterSeconds\":1}"),
                FakeGateway.Answer.ok("{\"accepted\":1,\"duplicates\":0,\"rejected\":0,\"results\":[]}"))
                .on("POST /v1/collections", "{\"id\":\"col-2\"}")) {
            Run send = run("--gateway", gateway.url(), "collections", "send", "col-1", file.toString());
            assertEquals(0, send.code(), send.err());
            assertTrue(send.out().contains("sending the batch again in 1 s"), send.out());
            assertTrue(send.out().contains("1 examples sent: 1 accepted"), send.out());
            assertEquals(2, gateway.seen().size(), "the refused batch was sent once more");
            Run create = run("--gateway", gateway.url(), "collections", "create", "limited", "--seal-after", "PT6H", "--producer-rate", "0.5",
                    "--producer-burst", "10");
            assertEquals(0, create.code(), create.err());
            assertEquals("POST /v1/collections {\"name\":\"limited\",\"sealAfter\":\"PT6H\",\"producerRate\":\"0.5\",\"producerBurst\":\"10\"}",
                    gateway.seen().get(2));
        }
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
