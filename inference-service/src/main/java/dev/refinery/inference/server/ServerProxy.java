package dev.refinery.inference.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.kit.relay.PassThrough;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Asks an operator's server for a chat completion on the caller's behalf: the caller's request as it came (already checked
 * by the same rules as the engine's), with {@code model} set to the server's name for the model; the answer passes back as
 * the server gives it, a stream piece by piece. A client that leaves closes the server's answer.
 */
@ApplicationScoped
public class ServerProxy {

    private static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * The server's answer at {@code path} ({@code /chat/completions} or {@code /completions}), or its refusal; {@code notFound} when it does not know the model (it may have forgotten an adapter). */
    public Answer send(ServerRoute route, String path, ObjectNode request) {
        request.put("model", route.model());
        HttpRequest.Builder call = HttpRequest.newBuilder(URI.create(route.root() + path + route.query())).timeout(ANSWER_WITHIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()));
        route.headers().forEach(call::header);
        HttpResponse<InputStream> response;
        long startedAt = System.nanoTime();
        try {
            response = http.send(call.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ServerErrors.unreachable(route.server(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServerErrors.unreachable(route.server(), e);
        }
        return new Answer(route, response, startedAt);
    }

    /** One answer of a server, to relay or to refuse. */
    public static final class Answer {
        private final ServerRoute route;
        private final HttpResponse<InputStream> response;
        private final long startedAt;

        Answer(ServerRoute route, HttpResponse<InputStream> response, long startedAt) {
            this.route = route;
            this.response = response;
            this.startedAt = startedAt;
        }

        public boolean modelNotFound() {
            return response.statusCode() == 404;
        }

        /** Discards the answer (it will be asked again). */
        public void discard() {
            try (InputStream in = response.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // nothing to keep
            }
        }

        /**
         * The answer for the caller: a success as the server sent it (streamed piece by piece); the server's own refusal of
         * the request (400, 422) as it is; a 429 as a 429 with its Retry-After; any other failure as 502.
         */
        public Response relay() {
            return relay(arrived -> { });
        }

        /** {@link #relay()}, and a success that reaches its end is handed to {@code whole} too (body and timings). */
        public Response relay(Consumer<WatchedAnswer.Arrived> whole) {
            int status = response.statusCode();
            String type = response.headers().firstValue("Content-Type").orElse(MediaType.APPLICATION_JSON);
            if (status / 100 == 2) {
                return Response.ok(PassThrough.of(new WatchedAnswer(response.body(), startedAt, whole))).type(type)
                        .header("Cache-Control", "no-cache").build();
            }
            String text = read();
            if (status == 400 || status == 422) {
                return Response.status(400).type(MediaType.APPLICATION_JSON).entity(text).build();
            }
            if (status == 429) {
                throw OpenAiException.busy("The inference server " + route.server() + " is busy; retry after the time in Retry-After.",
                        response.headers().firstValue("Retry-After").map(ServerProxy::seconds).orElse(1));
            }
            throw ServerErrors.failed(route.server(), status, text);
        }

        /** A whole (not streamed) success's body, as the server sent it; any other answer fails as it would for a caller. */
        public String wholeBody() {
            int status = response.statusCode();
            if (status / 100 != 2) {
                throw ServerErrors.failed(route.server(), status, read());
            }
            try (InputStream in = response.body()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ServerErrors.unreachable(route.server(), e);
            }
        }

        private String read() {
            try (InputStream in = response.body()) {
                return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    static int seconds(String retryAfter) {
        try {
            return Math.max(1, Integer.parseInt(retryAfter.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A server's API root without a trailing slash. */
    static String root(InferenceConfig.Server config) {
        String url = config.url().strip();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
