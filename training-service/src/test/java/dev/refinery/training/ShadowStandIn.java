package dev.refinery.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a pipeline's shadow phase asks of the two services it talks to, answered by their contracts, for the module test
 * where neither runs (the e2e asks the real ones): inference-service's {@code PUT/GET /v1/shadow-trials/{id}} (a trial stays
 * OPEN until the test ends it with its counts) and eval-service's {@code GET /registry/policy} and
 * {@code GET/PUT /registry/aliases/{alias}}. Every request is kept with the identity it came with.
 */
public class ShadowStandIn implements QuarkusTestResourceLifecycleManager {

    /** One request: method, path, body and identity header. */
    public record Asked(String method, String path, String body, String identity) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<Asked> ASKED = new CopyOnWriteArrayList<>();
    static final Map<String, ObjectNode> TRIALS = new ConcurrentHashMap<>();
    /** The version each alias names (one project's: the tests act for the default one). */
    static final Map<String, String> ALIASES = new ConcurrentHashMap<>();
    /** The project's policy: whether it promotes on its own. */
    static volatile boolean autoPromote = true;
    private HttpServer server;

    /** Ends trial {@code id} with these counts, as inference-service would once enough pairs were judged. */
    static void end(String id, int wins, int losses, int ties, int unclear) {
        ObjectNode t = TRIALS.get(id);
        int judged = wins + losses + ties;
        t.put("status", "ENDED").put("wins", wins).put("losses", losses).put("ties", ties).put("unclear", unclear)
                .put("endedAt", OffsetDateTime.now(ZoneOffset.UTC).toString()).put("endReason", judged + " pairs judged");
        if (wins + losses > 0) {
            t.put("winRate", (double) wins / (wins + losses));
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/shadow-trials/", exchange -> {
            Asked asked = keep(exchange);
            String id = asked.path().substring("/v1/shadow-trials/".length());
            if (asked.method().equals("PUT")) {
                ObjectNode request = (ObjectNode) JSON.readTree(asked.body());
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                ObjectNode trial = request.deepCopy().put("id", id).put("status", "OPEN").put("wins", 0).put("losses", 0).put("ties", 0)
                        .put("unclear", 0).put("startedAt", now.toString())
                        .put("endsAt", now.plus(java.time.Duration.parse(request.path("within").asText())).toString());
                answer(exchange, 200, TRIALS.computeIfAbsent(id, k -> trial).toString());
            } else {
                ObjectNode trial = TRIALS.get(id);
                answer(exchange, trial == null ? 404 : 200, trial == null ? "{\"code\": \"SHADOW_TRIAL_NOT_FOUND\"}" : trial.toString());
            }
        });
        server.createContext("/registry/policy", exchange -> {
            keep(exchange);
            answer(exchange, 200, "{\"metric\": \"opening_match\", \"alias\": \"champion\", \"autoPromote\": " + autoPromote + "}");
        });
        server.createContext("/registry/aliases/", exchange -> {
            Asked asked = keep(exchange);
            String alias = asked.path().substring("/registry/aliases/".length());
            if (asked.method().equals("PUT")) {
                ALIASES.put(alias, JSON.readTree(asked.body()).path("version").asText());
            }
            String version = ALIASES.get(alias);
            answer(exchange, version == null ? 404 : 200, version == null ? "{\"code\": \"MODEL_ALIAS_NOT_FOUND\"}"
                    : "{\"alias\": \"" + alias + "\", \"modelVersionId\": \"" + version + "\"}");
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("refinery.training.pipelines.eval-url", url, "refinery.training.pipelines.inference-url", url);
    }

    private static Asked keep(HttpExchange exchange) throws IOException {
        Asked asked = new Asked(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("X-Refinery-Identity"));
        ASKED.add(asked);
        return asked;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
