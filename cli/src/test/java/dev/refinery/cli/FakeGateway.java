package dev.refinery.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HttpServer standing in for the gateway: each "METHOD /path?query" answers from its own script, one answer per
 * request, the last one again once the script runs out; every request is recorded as "METHOD /path?query body".
 */
final class FakeGateway implements AutoCloseable {

    /** One scripted answer. */
    record Answer(int status, String json) {
        static Answer ok(String json) {
            return new Answer(200, json);
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    FakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code request} ("POST /v1/evals") with these, in order. */
    FakeGateway on(String request, Answer... answers) {
        scripts.put(request, new ArrayDeque<>(List.of(answers)));
        return this;
    }

    FakeGateway on(String request, String... okJson) {
        return on(request, java.util.Arrays.stream(okJson).map(Answer::ok).toArray(Answer[]::new));
    }

    /** Every request so far, in order. */
    List<String> seen() {
        return List.copyOf(seen);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(body.isEmpty() ? request : request + " " + body);
            Deque<Answer> script = scripts.get(request);
            Answer a = script == null ? new Answer(404, "{\"status\":404,\"code\":\"NOT_FOUND\",\"detail\":\"no stub for " + request + "\"}")
                    : script.size() > 1 ? script.poll() : script.peek();
            byte[] bytes = a.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", a.status() / 100 == 2 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(a.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
