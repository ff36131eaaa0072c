package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A thin client of the gateway's /v1 API. Non-2xx answers become {@link ApiError}s carrying the problem body. */
public final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param apiKey sent as {@code Authorization: Bearer} with every request; never printed */
    public GatewayClient(String baseUrl, String apiKey) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.apiKey = apiKey;
    }

    /** Uploads a JSONL file as a new dataset; the file is streamed. */
    public JsonNode uploadDataset(Path file, String name, String idempotencyKey) {
        return uploadDataset(file, name, idempotencyKey, java.util.Map.of());
    }

    /** Uploads with check options (target, model, splits, ...) passed as query parameters, as the API takes them. */
    public JsonNode uploadDataset(Path file, String name, String idempotencyKey, java.util.Map<String, String> checks) {
        return uploadDataset(file, name, idempotencyKey, checks, sent -> { });
    }

    /**
     * Uploads with check options, telling {@code progress} the bytes of the file read into the request so far (a progress
     * bar); the file is streamed with its length.
     */
    public JsonNode uploadDataset(Path file, String name, String idempotencyKey, java.util.Map<String, String> checks,
                                  java.util.function.LongConsumer progress) {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw new ApiError(0, null, "no such file: " + file);
        }
        StringBuilder query = new StringBuilder("name=").append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
        checks.forEach((k, v) -> query.append('&').append(k).append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new dev.refinery.datasets.read.CountingInputStream(java.nio.file.Files.newInputStream(file), progress);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), size);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("v1/datasets?" + query))
                .header("Content-Type", "application/x-ndjson")
                .timeout(Duration.ofMinutes(30))
                .POST(body);
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b.build());
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).DELETE().build());
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /**
     * Streams a non-JSON answer (an export's JSONL) into {@code out} as it comes, never holding it whole.
     *
     * @return the bytes written
     */
    public long download(String path, java.io.OutputStream out) {
        HttpRequest request = authorized(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(30)).GET().build());
        try {
            HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                if (r.statusCode() / 100 != 2) {
                    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    JsonNode body = text.isBlank() ? JSON.nullNode() : parse(text);
                    throw new ApiError(r.statusCode(), body, "GET " + request.uri().getPath() + " answered " + r.statusCode()
                            + (body.hasNonNull("code") ? " " + body.get("code").asText() + ": " + body.path("detail").asText() : ""));
                }
                return in.transferTo(out);
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, null, "interrupted");
        }
    }

    public JsonNode postJson(String path, Object body, String idempotencyKey) {
        return sendJson("POST", path, body, idempotencyKey);
    }

    /** POSTs {@code json} as it is written (records a producer wrote are passed on byte for byte). */
    public JsonNode postRaw(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public JsonNode putJson(String path, Object body) {
        return sendJson("PUT", path, body, null);
    }

    private JsonNode sendJson(String method, String path, Object body, String idempotencyKey) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            return send(b.build());
        } catch (IOException e) {
            throw new ApiError(0, null, "cannot encode request: " + e.getMessage());
        }
    }

    private HttpRequest authorized(HttpRequest request) {
        return apiKey == null ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Bearer " + apiKey).build();
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(authorized(request), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? JSON.nullNode() : parse(r.body());
            if (r.statusCode() / 100 != 2) {
                throw new ApiError(r.statusCode(), body, request.method() + " " + request.uri().getPath() + " answered " + r.statusCode()
                        + (body.hasNonNull("code") ? " " + body.get("code").asText() + ": " + body.path("detail").asText() : ""));
            }
            return body;
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, null, "interrupted");
        }
    }

    /** The gateway's address, as requests are resolved against it. */
    public String baseUrl() {
        return base.toString();
    }

    private ApiError unreachable(IOException e) {
        String why = e instanceof java.net.ConnectException ? "connection refused"
                : e instanceof java.net.http.HttpConnectTimeoutException ? "connection timed out"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        ApiError error = new ApiError(0, null, "cannot reach the gateway at " + base + ": " + why);
        error.unreachable = true;
        return error;
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(s);
        }
    }

    /** A request the gateway refused or could not answer. */
    public static final class ApiError extends RuntimeException {
        private final int status;
        private final JsonNode problem;
        private boolean unreachable;

        ApiError(int status, JsonNode problem, String message) {
            super(message);
            this.status = status;
            this.problem = problem;
        }

        public int status() {
            return status;
        }

        /** True when no answer came: the gateway is not running at that address, or the network failed. */
        public boolean unreachable() {
            return unreachable;
        }

        /** The problem+json body, or null. */
        public JsonNode problem() {
            return problem;
        }
    }
}
