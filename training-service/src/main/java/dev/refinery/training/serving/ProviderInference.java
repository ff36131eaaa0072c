package dev.refinery.training.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.catalog.ProviderCutoff;
import dev.refinery.kit.relay.PassThrough;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.service.CatalogHolder;
import dev.refinery.training.service.ProviderCredentials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a provider for a completion with the project's key, for inference-service (which serves the models providers keep):
 * the provider key stays here, where it is stored, and is never returned. The key is the project's stored one, else the
 * deployment's for the projects allowed on it (as for jobs); a model past its provider's serving cutoff is refused before
 * any call, naming the day. The provider's answer passes back as it comes (a stream piece by piece); its errors too (they
 * carry no key); refusals of ours are in OpenAI's error shape.
 */
@ApplicationScoped
public class ProviderInference {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The providers' public chat-completions roots (providers.md §4). */
    private static final Map<String, String> PUBLIC_ROOTS = Map.of("together", "https://api.together.xyz/v1", "fireworks",
            "https://api.fireworks.ai/inference/v1", "openai", "https://api.openai.com/v1");
    private static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);

    @Inject
    ProviderCredentials credentials;

    @Inject
    TrainingSettings settings;

    @Inject
    CatalogHolder catalog;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Clock clock = Clock.systemUTC();

    /** @param path {@code /chat/completions} or {@code /completions} */
    public Response ask(String provider, String tenant, String path, byte[] body) {
        Optional<Backends.Hosted> hosted = Backends.hosted(provider).filter(h -> PUBLIC_ROOTS.containsKey(h.name()));
        if (hosted.isEmpty()) {
            return refusal(404, "provider_unknown", "no provider '" + provider + "' answers completions here");
        }
        String model = modelOf(body);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Optional<ProviderCutoff> ended = catalog.get().backendIds().contains(provider)
                ? catalog.get().backend(provider).servingEnded(model, today) : Optional.empty();
        if (ended.isPresent()) {
            return refusal(400, "model_retired", provider + " stopped serving " + model + " on " + ended.get().from() + " ("
                    + ended.get().what() + "); run its fine-tune again on another backend (refinery models migrate)");
        }
        Optional<ProviderCredentials.Credentials> key = credentials.find(tenant, hosted.get());
        if (key.isEmpty()) {
            return refusal(400, "provider_key_missing", "project " + tenant + " has no " + provider + " key to ask this model with: "
                    + "PUT /v1/tenants/" + tenant + "/secrets/" + provider);
        }
        String root = hosted.get().settings().apply(settings.providers()).inferenceUrl().map(u -> u.replaceAll("/+$", ""))
                .orElse(PUBLIC_ROOTS.get(provider));
        URI uri = URI.create(root + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_WITHIN).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key.get().apiKey().reveal())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return refusal(502, "upstream_unreachable", provider + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refusal(503, "interrupted", "the call to " + provider + " was interrupted");
        }
        Response.ResponseBuilder r = Response.status(answer.statusCode()).entity(PassThrough.of(answer.body()))
                .type(answer.headers().firstValue("Content-Type").orElse(MediaType.APPLICATION_JSON));
        answer.headers().firstValue("Retry-After").ifPresent(v -> r.header("Retry-After", v));
        return r.build();
    }

    private static String modelOf(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root == null ? "" : root.path("model").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static Response refusal(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
        error.put("param", null);
        error.put("code", code);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
