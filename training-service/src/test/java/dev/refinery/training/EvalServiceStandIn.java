package dev.refinery.training;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * eval-service's {@code POST /evals} as its contract answers it (202 with the PENDING evaluation's id), for the module test
 * of drift pipelines, where eval-service does not run; the e2e asks the real one. It keeps each request, with the identity
 * it came with, and the evaluation id it answered.
 */
public class EvalServiceStandIn implements QuarkusTestResourceLifecycleManager {

    /** One POST /evals: its JSON body, its identity header and the evaluation id answered. */
    public record Asked(String body, String identity, String evalId) {
    }

    static final List<Asked> ASKED = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/evals", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String evalId = "ev-" + UUID.randomUUID().toString().replace("-", "");
            ASKED.add(new Asked(body, exchange.getRequestHeaders().getFirst("X-Refinery-Identity"), evalId));
            byte[] answer = ("{\"id\": \"" + evalId + "\", \"status\": \"PENDING\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return Map.of("refinery.training.pipelines.eval-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
