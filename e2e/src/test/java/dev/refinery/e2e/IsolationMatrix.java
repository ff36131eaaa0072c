package dev.refinery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every route of the gateway's OpenAPI document, called four ways against the real services: without a key, with a
 * revoked key, with a read-only key, and with another tenant's admin key aimed at the first tenant's resources. Each
 * route needs an entry in {@link #ROUTES} saying what it needs and what it touches; a route added without one fails.
 */
final class IsolationMatrix {

    /** What a route acts on, which decides what another tenant's key must get. */
    enum Reach {
        /** A resource of the first tenant named in the path: another tenant gets 404, exactly like an unknown id. */
        OWNED,
        /** The tenant named in the path: another tenant gets 404. */
        TENANT_PATH,
        /** A create that names the first tenant's dataset in its body: another tenant gets 404. */
        REFERENCES_DATASET,
        /** A pipeline that names the first tenant's collection in its body: another tenant gets 404. */
        REFERENCES_COLLECTION,
        /** An evaluation or promotion that names the first tenant's model version in its body: another tenant gets 404. */
        REFERENCES_MODEL,
        /** Feedback that names the first tenant's captured answer (its response id) in its body: another tenant gets 404. */
        REFERENCES_RESPONSE,
        /** A list or the caller's own view: another tenant gets 2xx and none of the first tenant's ids. */
        OWN_VIEW,
        /** Creates something of the caller's own (nothing of the first tenant is named): another tenant gets 2xx. */
        OWN_CREATE,
        /** The operator's (the bootstrap project's admins): another tenant gets 403. */
        OPERATOR
    }

    record Route(String scope, Reach reach) {
    }

    /** Every public route: the scope it needs and its reach. The test fails for a route of the document missing here. */
    static final Map<String, Route> ROUTES = Map.ofEntries(
            Map.entry("POST /v1/datasets", new Route("write", Reach.OWN_CREATE)),
            Map.entry("GET /v1/datasets", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/datasets/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/datasets/{id}/problems", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/datasets/{id}/clean-version", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/collections", new Route("write", Reach.OWN_CREATE)),
            Map.entry("GET /v1/collections", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/collections/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/collections/{id}/rejections", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/collections/{id}/examples", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/collections/{id}/seal", new Route("write", Reach.OWNED)),
            Map.entry("GET /v1/collections/{id}/versions", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/pipelines", new Route("write", Reach.REFERENCES_COLLECTION)),
            Map.entry("GET /v1/pipelines", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/pipelines/{id}", new Route("read", Reach.OWNED)),
            Map.entry("PUT /v1/pipelines/{id}", new Route("write", Reach.OWNED)),
            Map.entry("GET /v1/pipelines/{id}/runs", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/pipelines/{id}/runs", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/pipelines/{id}/pause", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/pipelines/{id}/resume", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/estimates", new Route("write", Reach.REFERENCES_DATASET)),
            Map.entry("POST /v1/fine-tunes", new Route("write", Reach.REFERENCES_DATASET)),
            Map.entry("GET /v1/fine-tunes", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/fine-tunes/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/fine-tunes/{id}/metrics", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/fine-tunes/{id}/events", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/fine-tunes/{id}/checkpoints", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/fine-tunes/{id}/cancel", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/fine-tunes/{id}/pause", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/fine-tunes/{id}/resume", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/fine-tunes/{id}/download", new Route("write", Reach.OWNED)),
            Map.entry("POST /v1/fine-tunes/{id}/rerun", new Route("write", Reach.OWNED)),
            Map.entry("PUT /v1/tenants/{tenant}/secrets/{provider}", new Route("admin", Reach.TENANT_PATH)),
            Map.entry("GET /v1/tenants/{tenant}/secrets/{provider}", new Route("admin", Reach.TENANT_PATH)),
            Map.entry("DELETE /v1/tenants/{tenant}/secrets/{provider}", new Route("admin", Reach.TENANT_PATH)),
            Map.entry("GET /v1/evals", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/evals/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/evals/{id}/items", new Route("read", Reach.OWNED)),
            Map.entry("POST /v1/evals", new Route("write", Reach.REFERENCES_MODEL)),
            Map.entry("GET /v1/registry/models", new Route("read", Reach.OWN_VIEW)),
            Map.entry("POST /v1/registry/models", new Route("write", Reach.OWN_CREATE)),
            Map.entry("GET /v1/registry/models/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/registry/aliases", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/registry/aliases/{alias}", new Route("read", Reach.OWNED)),
            Map.entry("PUT /v1/registry/aliases/{alias}", new Route("write", Reach.REFERENCES_MODEL)),
            Map.entry("POST /v1/registry/aliases/{alias}/rollback", new Route("write", Reach.OWNED)),
            Map.entry("GET /v1/registry/policy", new Route("read", Reach.OWN_VIEW)),
            Map.entry("PUT /v1/registry/policy", new Route("admin", Reach.OWN_CREATE)),
            Map.entry("POST /v1/graders", new Route("write", Reach.OWN_CREATE)),
            Map.entry("GET /v1/graders", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/graders/{name}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/events", new Route("read", Reach.OWN_VIEW)),
            Map.entry("POST /v1/chat/completions", new Route("write", Reach.REFERENCES_MODEL)),
            Map.entry("POST /v1/completions", new Route("write", Reach.REFERENCES_MODEL)),
            Map.entry("GET /v1/models", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/models/{id}", new Route("read", Reach.OWNED)),
            Map.entry("GET /v1/capture/settings", new Route("read", Reach.OWN_VIEW)),
            Map.entry("PUT /v1/capture/settings", new Route("admin", Reach.OWN_CREATE)),
            Map.entry("GET /v1/capture/records", new Route("read", Reach.OWN_VIEW)),
            Map.entry("GET /v1/capture/export", new Route("read", Reach.OWN_VIEW)),
            Map.entry("POST /v1/feedback", new Route("write", Reach.REFERENCES_RESPONSE)),
            Map.entry("POST /v1/keys", new Route("admin", Reach.OWN_CREATE)),
            Map.entry("GET /v1/keys", new Route("admin", Reach.OWN_VIEW)),
            Map.entry("DELETE /v1/keys/{id}", new Route("admin", Reach.OWNED)),
            Map.entry("GET /v1/projects", new Route("admin", Reach.OWN_VIEW)),
            Map.entry("POST /v1/projects", new Route("admin", Reach.OPERATOR)),
            Map.entry("GET /v1/audit", new Route("admin", Reach.OWN_VIEW)),
            Map.entry("GET /v1/me", new Route("read", Reach.OWN_VIEW)),
            Map.entry("POST /v1/webhooks", new Route("admin", Reach.OWN_CREATE)),
            Map.entry("GET /v1/webhooks", new Route("admin", Reach.OWN_VIEW)),
            Map.entry("GET /v1/webhooks/{id}", new Route("admin", Reach.OWNED)),
            Map.entry("DELETE /v1/webhooks/{id}", new Route("admin", Reach.OWNED)),
            Map.entry("POST /v1/webhooks/{id}/rotate", new Route("admin", Reach.OWNED)),
            Map.entry("GET /v1/webhooks/{id}/deliveries", new Route("admin", Reach.OWNED)),
            Map.entry("POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", new Route("admin", Reach.OWNED)));

    /**
     * Where the matrix's webhooks point: an address of TEST-NET-1 (RFC 5737), public by the gateway's rules and never
     * resolved, so creating one needs no DNS; its deliveries simply fail.
     */
    private static final String WEBHOOK_URL = "https://192.0.2.10/refinery-matrix";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final String adminKey;

    IsolationMatrix(String gateway, String adminKey) {
        this.gateway = gateway;
        this.adminKey = adminKey;
    }

    /** The first tenant's resources the other tenant aims at. */
    private record Targets(String dataset, String job, String eval, String version, String key, String keyPrefix, String webhook,
                           String response, String collection, String pipeline) {
    }

    void run() throws Exception {
        Map<String, String> operations = operations();
        Set<String> missing = new TreeSet<>(operations.keySet());
        missing.removeAll(ROUTES.keySet());
        assertTrue(missing.isEmpty(), "routes without an entry in the isolation matrix: " + missing);

        String reader = createKey(adminKey, Map.of("name", "matrix reader", "scope", "read")).get("key").asText();
        JsonNode revokedKey = createKey(adminKey, Map.of("name", "matrix revoked", "scope", "admin"));
        assertEquals(200, call("DELETE", "/v1/keys/" + revokedKey.get("id").asText(), adminKey, null).status());
        int project = call("POST", "/v1/projects", adminKey, "{\"id\": \"matrix-other\", \"organization\": \"matrix-org\"}").status();
        assertTrue(project == 201 || project == 409, "project: " + project);
        String other = createKey(adminKey, Map.of("name", "matrix other", "scope", "admin", "project", "matrix-other")).get("key").asText();
        JsonNode readerKey = firstOf(call("GET", "/v1/keys", adminKey, null).json(), "matrix reader");
        Answer grader = call("POST", "/v1/graders", adminKey, "{\"name\": \"matrix-grader\", \"kind\": \"contains\", \"config\": {\"text\": \"x\"}}");
        assertEquals(201, grader.status(), grader.body());
        Answer webhook = call("POST", "/v1/webhooks", adminKey, "{\"url\": \"" + WEBHOOK_URL + "\"}");
        assertEquals(201, webhook.status(), webhook.body());
        Answer collection = call("POST", "/v1/collections", adminKey, "{\"name\": \"matrix-collection\"}");
        assertEquals(201, collection.status(), collection.body());
        Answer pipeline = call("POST", "/v1/pipelines", adminKey, "{\"name\": \"matrix-pipeline\", \"collectionId\": \""
                + collection.json().get("id").asText() + "\", \"template\": {}}");
        assertEquals(201, pipeline.status(), pipeline.body());
        Targets mine = new Targets(firstId("/v1/datasets"), firstId("/v1/fine-tunes"), firstId("/v1/evals"),
                firstId("/v1/registry/models"), readerKey.get("id").asText(), readerKey.get("prefix").asText(), webhook.json().get("id").asText(),
                capturedAnswer(), collection.json().get("id").asText(), pipeline.json().get("id").asText());

        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> op : operations.entrySet()) {
            Route route = ROUTES.get(op.getKey());
            String method = op.getKey().substring(0, op.getKey().indexOf(' '));
            String path = fill(op.getValue(), mine);
            String body = body(op.getKey(), mine);
            expect(failures, op.getKey() + " without a key", call(method, path, null, body), 401);
            expect(failures, op.getKey() + " with a revoked key", call(method, path, revokedKey.get("key").asText(), body), 401);
            if (!route.scope().equals("read")) {
                expect(failures, op.getKey() + " with a read-only key", call(method, path, reader, body), 403);
            }
            Answer theirs = call(method, path, other, body);
            switch (route.reach()) {
                case OWNED, TENANT_PATH, REFERENCES_DATASET, REFERENCES_COLLECTION, REFERENCES_MODEL, REFERENCES_RESPONSE -> expect(failures, op.getKey() + " with another tenant's key", theirs, 404);
                case OPERATOR -> expect(failures, op.getKey() + " with another tenant's key", theirs, 403);
                case OWN_VIEW, OWN_CREATE -> {
                    if (theirs.status() / 100 != 2) {
                        failures.add(op.getKey() + " with another tenant's key: " + theirs.status() + " " + theirs.body());
                    }
                    for (String id : List.of(mine.dataset(), mine.job(), mine.eval(), mine.version(), mine.key(), mine.keyPrefix(),
                            mine.webhook(), mine.response(), mine.collection(), mine.pipeline())) {
                        if (theirs.body().contains(id)) {
                            failures.add(op.getKey() + " with another tenant's key shows " + id + ": " + theirs.body());
                        }
                    }
                }
            }
            if (theirs.body().contains("\"default\"")) {
                failures.add(op.getKey() + " with another tenant's key names the first tenant: " + theirs.body());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + operations.size() * 4 + " checks failed:\n" + String.join("\n", failures));
        // The first tenant's job is untouched by all that.
        assertFalse(call("GET", "/v1/fine-tunes/" + mine.job(), adminKey, null).body().contains("CANCELLED"));
    }

    private static void expect(List<String> failures, String what, Answer answer, int status) {
        if (answer.status() != status) {
            failures.add(what + ": expected " + status + ", got " + answer.status() + " " + answer.body());
        }
    }

    /** "METHOD path" of every operation in the gateway's OpenAPI document, mapped to its path. */
    private Map<String, String> operations() throws Exception {
        JsonNode doc = call("GET", "/q/openapi?format=json", null, null).json();
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                    out.put(method.toUpperCase() + " " + path.getKey(), path.getKey());
                }
            }
        }
        return out;
    }

    private static String fill(String path, Targets mine) {
        String id = path.startsWith("/v1/datasets") ? mine.dataset() : path.startsWith("/v1/fine-tunes") ? mine.job()
                : path.startsWith("/v1/evals") ? mine.eval() : path.startsWith("/v1/registry") || path.startsWith("/v1/models") ? mine.version()
                : path.startsWith("/v1/webhooks") ? mine.webhook() : path.startsWith("/v1/collections") ? mine.collection()
                : path.startsWith("/v1/pipelines") ? mine.pipeline() : mine.key();
        // No delivery needs to exist: another tenant's key must be stopped at the webhook already.
        return path.replace("{id}", id).replace("{tenant}", "default").replace("{provider}", "together")
                .replace("{deliveryId}", "dlv-none")
                .replace("{alias}", "champion").replace("{name}", "matrix-grader");
    }

    private static String body(String operation, Targets mine) {
        return switch (operation) {
            case "POST /v1/datasets" -> "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n";
            case "POST /v1/collections" -> "{\"name\": \"matrix made\"}";
            case "POST /v1/pipelines" -> "{\"name\": \"matrix-made\", \"collectionId\": \"" + mine.collection() + "\", \"template\": {}}";
            case "POST /v1/collections/{id}/examples" -> "[{\"producerId\": \"matrix\", \"idempotencyId\": \"not-yours\", \"example\": "
                    + "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}}]";
            case "POST /v1/estimates" -> "{\"datasetId\": \"" + mine.dataset() + "\", \"backend\": \"together\", \"model\": \"llama-3.1-8b\", \"epochs\": 1}";
            case "POST /v1/fine-tunes" -> "{\"datasetId\": \"" + mine.dataset() + "\"}";
            case "POST /v1/keys" -> "{\"name\": \"matrix made\", \"scope\": \"read\"}";
            case "POST /v1/projects" -> "{\"id\": \"matrix-" + System.nanoTime() + "\"}";
            case "POST /v1/webhooks" -> "{\"url\": \"" + WEBHOOK_URL + "\"}";
            case "PUT /v1/tenants/{tenant}/secrets/{provider}" -> "{\"apiKey\": \"tg-not-yours\"}";
            case "POST /v1/registry/models" -> "{\"endpoint\": \"" + PipelineEndToEndTest.MATRIX_SERVER + "\", \"model\": \"matrix-lora\", "
                    + "\"baseModel\": \"matrix-base\"}";
            case "POST /v1/completions" -> "{\"model\": \"" + mine.version() + "\", \"prompt\": \"Once upon a time\", \"max_tokens\": 4}";
            case "POST /v1/chat/completions" -> "{\"model\": \"" + mine.version() + "\", \"messages\": [{\"role\": \"user\", "
                    + "\"content\": \"hi\"}], \"max_tokens\": 4}";
            case "POST /v1/evals" -> "{\"candidate\": \"" + mine.version() + "\"}";
            case "PUT /v1/registry/aliases/{alias}" -> "{\"version\": \"" + mine.version() + "\", \"reason\": \"not yours\"}";
            case "POST /v1/registry/aliases/{alias}/rollback" -> "{\"reason\": \"not yours\"}";
            case "PUT /v1/registry/policy" -> "{\"margin\": 0.0}";
            case "PUT /v1/capture/settings" -> "{\"retentionDays\": 30}";
            case "PUT /v1/pipelines/{id}" -> "{\"name\": \"not-yours\", \"template\": {}}";
            case "POST /v1/feedback" -> "{\"responseId\": \"" + mine.response() + "\", \"thumbs\": \"up\"}";
            case "POST /v1/graders" -> "{\"name\": \"matrix-made\", \"kind\": \"contains\", \"config\": {\"text\": \"x\"}}";
            default -> null;
        };
    }

    /** An answer of the first tenant's, captured: its project turns capture on and asks the base model once. */
    private String capturedAnswer() throws Exception {
        Answer on = call("PUT", "/v1/capture/settings", adminKey, "{\"enabled\": true}");
        assertEquals(200, on.status(), on.body());
        Answer chat = call("POST", "/v1/chat/completions", adminKey, "{\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"hi\"}], \"max_tokens\": 4}");
        assertEquals(200, chat.status(), chat.body());
        String id = chat.json().get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!call("GET", "/v1/capture/records?limit=100", adminKey, null).body().contains(id)) {
            assertTrue(System.nanoTime() < deadline, "answer " + id + " was never captured");
            Thread.sleep(200);
        }
        return id;
    }

    private String firstId(String list) throws Exception {
        JsonNode items = call("GET", list, adminKey, null).json();
        assertTrue(items.isArray() && !items.isEmpty(), list + " has nothing of the first tenant to aim at: " + items);
        return items.get(0).get("id").asText();
    }

    private static JsonNode firstOf(JsonNode keys, String name) {
        for (JsonNode k : keys) {
            if (name.equals(k.path("name").asText())) {
                return k;
            }
        }
        throw new AssertionError("no key named " + name + " in " + keys);
    }

    private JsonNode createKey(String key, Map<String, String> request) throws Exception {
        Answer a = call("POST", "/v1/keys", key, JSON.writeValueAsString(request));
        assertEquals(201, a.status(), a.body());
        return a.json();
    }

    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", path.startsWith("/v1/datasets") && method.equals("POST") && !path.contains("clean-version")
                    ? "application/x-ndjson" : "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            // A live event stream never ends: its first bytes are enough.
            byte[] bytes = path.startsWith("/v1/events") && response.statusCode() == 200 ? in.readNBytes(16) : in.readAllBytes();
            return new Answer(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
