package dev.refinery.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small stand-ins for the five services, each on its own port, answering the documented endpoints
 * just enough to check the gateway's routing: they echo what reached them (service, raw path, raw
 * query, forwarded headers, the sha256 of an uploaded body) so the tests can see it in the answer
 * that passes back through the gateway. A control server lets a test stop and restart a service
 * and read the progress of an upload while it is still being sent (state stays in this resource;
 * the test reads it over HTTP, never across class loaders).
 */
public class StubServices implements QuarkusTestResourceLifecycleManager {

    /** The 409 training-service answers to the Idempotency-Key {@code reused}; the gateway must pass it on byte for byte. */
    static final String CONFLICT_PROBLEM = "{\"type\":\"https://refinery.dev/problems/idempotency-key-reused\",\"title\":\"Conflict\","
            + "\"status\":409,\"code\":\"IDEMPOTENCY_KEY_REUSED\",\"detail\":\"this Idempotency-Key was used with another request\","
            + "\"instance\":\"/jobs\"}";
    static final String CONTROL_URL = "stubs.control-url";

    private static final String[] SERVICES = {"ingest-service", "validation-service", "training-service", "eval-service",
            "inference-service"};

    private final Map<String, HttpServer> servers = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final AtomicLong uploadBytesSoFar = new AtomicLong();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-service");
        t.setDaemon(true);
        return t;
    });
    private HttpServer control;
    /** A streamed chat answer holds its last event until the test releases it; whether the gateway then hung up on it. */
    private volatile java.util.concurrent.CountDownLatch streamRelease = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean streamAbandoned = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new LinkedHashMap<>();
        for (String service : SERVICES) {
            HttpServer server = serve(service, 0);
            ports.put(service, server.getAddress().getPort());
            config.put("refinery.gateway." + service.replace("-service", "") + "-url", "http://127.0.0.1:" + server.getAddress().getPort());
        }
        control = create(0);
        control.createContext("/", this::control);
        control.start();
        config.put(CONTROL_URL, "http://127.0.0.1:" + control.getAddress().getPort());
        // Short enough for the timeout test, long enough for a loaded build machine.
        config.put("refinery.gateway.request-timeout", "3s");
        config.put("refinery.gateway.enrichment-timeout", "3s");
        config.put("refinery.gateway.sse.heartbeat", "1s");
        return config;
    }

    @Override
    public void stop() {
        servers.values().forEach(s -> s.stop(0));
        if (control != null) {
            control.stop(0);
        }
        workers.shutdownNow();
    }

    private HttpServer create(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
            server.setExecutor(workers);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a stub server on port " + port, e);
        }
    }

    private HttpServer serve(String service, int port) {
        HttpServer server = create(port);
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(service, exchange);
            } catch (IOException e) {
                // the gateway hung up first (the timeout test does so on purpose)
            }
        });
        server.start();
        servers.put(service, server);
        return server;
    }

    /** POST /services/{name}/stop|start, GET /uploads/bytes-so-far. */
    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            if (parts.length == 4 && parts[1].equals("services")) {
                String service = parts[2];
                if (parts[3].equals("stop")) {
                    servers.remove(service).stop(0);
                } else {
                    serve(service, ports.get(service));
                }
                send(exchange, 204, null, null);
            } else if (exchange.getRequestURI().getPath().equals("/streams/release")) {
                streamRelease.countDown();
                send(exchange, 204, null, null);
            } else if (exchange.getRequestURI().getPath().equals("/streams/abandoned")) {
                send(exchange, 200, "text/plain", Boolean.toString(streamAbandoned.get()));
            } else if (exchange.getRequestURI().getPath().equals("/uploads/bytes-so-far")) {
                send(exchange, 200, "text/plain", Long.toString(uploadBytesSoFar.get()));
            } else {
                send(exchange, 404, null, null);
            }
        }
    }

    private void answer(String service, HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/q/health/live")) {
            send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
        } else if (service.equals("ingest-service") && method.equals("POST") && path.equals("/datasets")) {
            upload(exchange);
        } else if (service.equals("ingest-service") && method.equals("POST") && path.matches("/datasets/[^/]+/clean-version")) {
            exchange.getResponseHeaders().add("Location", "/datasets/ds-child");
            send(exchange, 201, "application/json", "{\"id\":\"ds-child\",\"parentDatasetId\":" + quoted(path.split("/")[2]) + "}");
        } else if (service.equals("validation-service") && method.equals("POST") && path.equals("/estimates")) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            send(exchange, 200, "application/json", "{\"service\":\"" + service + "\",\"request\":" + body
                    + ",\"contentType\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Type")) + "}");
        } else if (service.equals("ingest-service") && path.equals("/datasets/ds-known")) {
            send(exchange, 200, "application/json", "{\"id\":\"ds-known\",\"name\":\"greetings\",\"bytes\":120,\"lines\":2}");
        } else if (service.equals("ingest-service") && path.startsWith("/datasets/")) {
            send(exchange, 404, "application/problem+json", "{\"title\":\"Not found\",\"status\":404,\"code\":\"DATASET_NOT_FOUND\"}");
        } else if (service.equals("validation-service") && path.equals("/reports/ds-known")) {
            send(exchange, 200, "application/json", "{\"datasetId\":\"ds-known\",\"status\":\"VALID\",\"problemCount\":0}");
        } else if (service.equals("validation-service") && path.matches("/reports/[^/]+")) {
            send(exchange, 404, "application/problem+json", "{\"title\":\"Not found\",\"status\":404,\"code\":\"REPORT_NOT_FOUND\"}");
        } else if (service.equals("training-service") && method.equals("POST") && path.equals("/jobs")) {
            submitJob(exchange);
        } else if (service.equals("training-service") && method.equals("POST") && path.matches("/jobs/[^/]+/rerun")) {
            rerunJob(exchange);
        } else if (service.equals("inference-service") && method.equals("POST") && path.equals("/v1/chat/completions")) {
            chat(exchange);
        } else if (service.equals("eval-service") && path.equals("/evals/ev-slow")) {
            sleep(8_000);
            send(exchange, 200, "application/json", "{\"id\":\"ev-slow\"}");
        } else {
            echo(service, exchange);
        }
    }

    /**
     * inference-service's chat completion, reduced to what the gateway must get right: a whole answer passes back, a
     * streamed one passes piece by piece (its last event waits for the test), and a client that leaves closes it.
     */
    private void chat(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!body.contains("\"stream\":true")) {
            send(exchange, 200, "application/json", "{\"object\":\"chat.completion\",\"request\":" + body + "}");
            return;
        }
        java.util.concurrent.CountDownLatch release = streamRelease;
        streamAbandoned.set(false);
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        java.io.OutputStream out = exchange.getResponseBody();
        out.write("data: {\"piece\":1}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            release.await(20, java.util.concurrent.TimeUnit.SECONDS);
            // After the release: the rest, slowly, so that a client gone meanwhile shows as a failed write.
            for (int i = 2; i <= 50; i++) {
                out.write(("data: {\"piece\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            streamAbandoned.set(true);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streamRelease = new java.util.concurrent.CountDownLatch(1);
        }
    }

    /** ingest-service's upload, reduced to what the gateway must get right: the exact bytes and the forwarded headers. */
    private void upload(HttpExchange exchange) throws IOException {
        uploadBytesSoFar.set(0);
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                bytes += n;
                uploadBytesSoFar.addAndGet(n);
            }
        }
        String sha = HexFormat.of().formatHex(sha256.digest());
        String id = "ds-" + sha.substring(0, 32);
        exchange.getResponseHeaders().add("Location", "/datasets/" + id);
        send(exchange, 201, "application/json", "{\"id\":\"" + id + "\",\"bytes\":" + bytes
                + ",\"sha256\":\"" + sha + "\""
                + ",\"query\":" + quoted(exchange.getRequestURI().getRawQuery())
                + ",\"contentType\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Type"))
                + ",\"contentLength\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Length"))
                + ",\"idempotencyKey\":" + quoted(exchange.getRequestHeaders().getFirst("Idempotency-Key")) + "}");
    }

    private void submitJob(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if ("reused".equals(exchange.getRequestHeaders().getFirst("Idempotency-Key"))) {
            send(exchange, 409, "application/problem+json", CONFLICT_PROBLEM);
            return;
        }
        exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + ports.get("training-service") + "/jobs/ft-1");
        send(exchange, 201, "application/json", "{\"id\":\"ft-1\",\"request\":" + body
                + ",\"contentType\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Type"))
                + ",\"idempotencyKey\":" + quoted(exchange.getRequestHeaders().getFirst("Idempotency-Key")) + "}");
    }

    /** A rerun: what reached the service, with the body (as text: it may be empty) and its Content-Type. */
    private void rerunJob(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        send(exchange, 201, "application/json", "{\"service\":\"training-service\",\"method\":\"POST\",\"path\":"
                + quoted(exchange.getRequestURI().getRawPath()) + ",\"body\":" + quoted(body)
                + ",\"contentType\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Type")) + "}");
    }

    private void echo(String service, HttpExchange exchange) throws IOException {
        send(exchange, 200, "application/json", "{\"service\":\"" + service + "\",\"method\":\"" + exchange.getRequestMethod()
                + "\",\"path\":" + quoted(exchange.getRequestURI().getRawPath())
                + ",\"query\":" + quoted(exchange.getRequestURI().getRawQuery())
                + ",\"identity\":" + quoted(exchange.getRequestHeaders().getFirst("X-Refinery-Identity")) + "}");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
