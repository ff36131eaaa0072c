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
    void anUnknownCommandPrintsUsage() {
        Run r = run("frobnicate");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("usage: refinery"), r.err());
    }

    @Test
    void demoWithAFileIsTheDemoCommandNotAUsageError() {
        Run r = run("--gateway", "http://127.0.0.1:1", "demo", "some.jsonl");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file: some.jsonl") || r.err().contains("cannot reach the gateway"), r.err());
    }

    @Test
    void anUnreachableGatewayIsAClearError() {
        Run r = run("--gateway", "http://127.0.0.1:1", "fine-tunes", "list");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot reach the gateway"), r.err());
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
            Run promote = run("--gateway", gateway, "models", "promote", "mv-1", "--alias", "staging", "--reason", "passed review");
            assertEquals(0, promote.code(), promote.err());
            assertTrue(promote.out().contains("\"modelVersionId\" : \"mv-1\""), promote.out());
            Run rollback = run("--gateway", gateway, "models", "rollback", "--reason", "too terse");
            assertEquals(0, rollback.code(), rollback.err());
            assertEquals(java.util.List.of(
                    "PUT /v1/registry/aliases/staging {\"version\":\"mv-1\",\"reason\":\"passed review\"}",
                    "POST /v1/registry/aliases/champion/rollback {\"reason\":\"too terse\"}"), seen);
            Run unknown = run("--gateway", gateway, "models", "promote", "mv-1", "--because", "x");
            assertEquals(2, unknown.code());
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
}
