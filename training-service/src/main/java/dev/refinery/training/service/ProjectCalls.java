package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to another Refinery service made by this service acting for one project (its identity: service training-service
 * for that tenant), so that the answer is exactly what the project itself may see and do there. Every call ends in an
 * {@link Answer}: never an exception for a service that is away.
 */
@ApplicationScoped
public class ProjectCalls {

    private static final String SELF = "training-service";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IdentityTokens tokens;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * What a call got: the status (0: the service could not be reached) and the JSON body (an empty object when there is
     * none); {@code problem} is null for a 2xx and says what went wrong otherwise.
     */
    public record Answer(int status, JsonNode body, String problem) {

        /** A 2xx whose content cannot be used, as the caller judged it. */
        static Answer refused(String why) {
            return new Answer(422, JsonNodeFactory.instance.objectNode(), why);
        }

        /** The problem+json code of a refusal ("" when it has none). */
        public String code() {
            return body.path("code").asText("");
        }

        /** Whether trouble that passes: the service away, overloaded or failing (asking again later may work). */
        public boolean passes() {
            return status == 0 || status == 429 || status >= 500;
        }
    }

    /** GET {@code baseUrl + path} for {@code tenant}. */
    public Answer get(String tenant, String baseUrl, String path) {
        return send(tenant, request(baseUrl, path).GET());
    }

    /** POST of a JSON body to {@code baseUrl + path} for {@code tenant}. */
    public Answer postJson(String tenant, String baseUrl, String path, String json) {
        return send(tenant, request(baseUrl, path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** PUT of a JSON body to {@code baseUrl + path} for {@code tenant}. */
    public Answer putJson(String tenant, String baseUrl, String path, String json) {
        return send(tenant, request(baseUrl, path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** DELETE of {@code baseUrl + path} for {@code tenant}. */
    public Answer delete(String tenant, String baseUrl, String path) {
        return send(tenant, request(baseUrl, path).DELETE());
    }

    private static HttpRequest.Builder request(String baseUrl, String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + path)).timeout(TIMEOUT);
    }

    private Answer send(String tenant, HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.header(IdentityTokens.HEADER, tokens.mint(Caller.serviceFor(SELF, tenant))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(0, JsonNodeFactory.instance.objectNode(), "unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, JsonNodeFactory.instance.objectNode(), "interrupted");
        } catch (RuntimeException e) { // a malformed URL setting, a key that cannot sign: said, never thrown at the caller
            return new Answer(0, JsonNodeFactory.instance.objectNode(), "not sent: " + e);
        }
        JsonNode body;
        try {
            body = response.body() == null || response.body().isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JsonNodeFactory.instance.objectNode();
        }
        int status = response.statusCode();
        String problem = status / 100 == 2 ? null : "answered " + status + (body.has("code") ? " " + body.path("code").asText() + ": "
                + body.path("detail").asText() : "");
        return new Answer(status, body, problem);
    }
}
