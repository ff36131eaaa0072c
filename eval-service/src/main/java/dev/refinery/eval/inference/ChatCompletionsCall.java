package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.identity.IdentityTokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * One {@code POST {base}/chat/completions} for one prompt (providers.md §4) and what its answer means. It never
 * retries: {@link InferenceClient} decides that from the {@link AttemptOutcome}.
 */
final class ChatCompletionsCall {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration requestTimeout;
    private final Clock clock;

    ChatCompletionsCall(HttpClient http, Duration requestTimeout, Clock clock) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    AttemptOutcome attempt(Endpoint endpoint, List<ChatMessage> messages, Decoding decoding) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.chatCompletions())
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(endpoint.model(), messages, decoding), StandardCharsets.UTF_8));
        endpoint.key().ifPresent(key -> request.header("Authorization", "Bearer " + key));
        if (endpoint.identity() != null) {
            request.header(IdentityTokens.HEADER, endpoint.identity().get());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Refused connection, reset, timeout: the endpoint may be restarting or overloaded.
            return new AttemptOutcome.Retryable(0, "no answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", java.util.Optional.empty());
        }
        return interpret(endpoint, response);
    }

    static String requestBody(String model, List<ChatMessage> messages, Decoding decoding) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode list = body.putArray("messages");
        for (ChatMessage message : messages) {
            list.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("max_tokens", decoding.maxTokens());
        body.put("temperature", decoding.temperature());
        if (!decoding.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            decoding.stop().forEach(stop::add);
        }
        return body.toString();
    }

    private AttemptOutcome interpret(Endpoint endpoint, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return answer(response.body());
        }
        ProviderError error = ProviderError.parse(response.body());
        if (status == 429 || status >= 500) {
            return new AttemptOutcome.Retryable(status, error.message(), RetryAfter.from(response.headers(), clock));
        }
        if (status == 401 || status == 403) {
            return new AttemptOutcome.Fatal(InferenceErrorCodes.ENDPOINT_UNAUTHORIZED, "the endpoint refused "
                    + (endpoint.key().isPresent() ? "the API key" : "the request without an API key (none is configured)")
                    + " (HTTP " + status + ": " + error.message() + ")");
        }
        if (status == 404 && endpoint.identity() != null) {
            // inference-service learns a version from model-registered, which may still be on its way: asked again shortly.
            return new AttemptOutcome.Retryable(status, "inference-service does not know the model (yet): " + error.message(),
                    java.util.Optional.empty());
        }
        if (endpoint.kind() == ProviderKind.FIREWORKS && status == 404 && error.saysNotDeployed()) {
            return new AttemptOutcome.Fatal(InferenceErrorCodes.MODEL_GONE, "no Fireworks deployment serves this model;"
                    + " Fireworks serves fine-tuned models only on an on-demand deployment, so one must exist (create it"
                    + " with POST /v1/accounts/{account}/deployments) before the model can be evaluated (HTTP 404: "
                    + error.message() + ")");
        }
        if (status == 404 || error.saysModelNotFound()) {
            return new AttemptOutcome.Fatal(InferenceErrorCodes.MODEL_GONE, "the endpoint does not know this model:"
                    + " it does not exist, was deleted, or this key cannot see it (HTTP " + status + ": " + error.message() + ")");
        }
        // 400, 413, 422...: the request itself is refused, and sending it again cannot change that.
        return new AttemptOutcome.Fatal(InferenceErrorCodes.ENDPOINT_ERROR, "the endpoint refused the request (HTTP "
                + status + ": " + error.message() + ")");
    }

    private static AttemptOutcome answer(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return garbage("the answer is not JSON", body);
        }
        if (root == null || !root.isObject()) {
            return garbage("the answer is not a JSON object", body);
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return garbage("the answer has no choices", body);
        }
        JsonNode content = choices.get(0).path("message").get("content");
        if (content == null || !content.isTextual()) {
            return garbage("choices[0].message.content is missing or not text", body);
        }
        return new AttemptOutcome.Answer(content.asText());
    }

    private static AttemptOutcome garbage(String what, String body) {
        return new AttemptOutcome.Fatal(InferenceErrorCodes.ENDPOINT_GARBAGE, what + " (it began: "
                + ProviderError.parse(body).message() + ")");
    }
}
