package dev.refinery.training.service;

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
 * for that tenant), so that the answer is exactly what the project itself may see and do there.
 */
@ApplicationScoped
public class ProjectCalls {

    private static final String SELF = "training-service";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    IdentityTokens tokens;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** GET {@code baseUrl + path} for {@code tenant}. */
    public HttpResponse<String> get(String tenant, String baseUrl, String path) throws IOException, InterruptedException {
        return send(tenant, request(baseUrl, path).GET());
    }

    /** POST of a JSON body to {@code baseUrl + path} for {@code tenant}. */
    public HttpResponse<String> postJson(String tenant, String baseUrl, String path, String json) throws IOException, InterruptedException {
        return send(tenant, request(baseUrl, path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** PUT of a JSON body to {@code baseUrl + path} for {@code tenant}. */
    public HttpResponse<String> putJson(String tenant, String baseUrl, String path, String json) throws IOException, InterruptedException {
        return send(tenant, request(baseUrl, path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpRequest.Builder request(String baseUrl, String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + path)).timeout(TIMEOUT);
    }

    private HttpResponse<String> send(String tenant, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header(IdentityTokens.HEADER, tokens.mint(Caller.serviceFor(SELF, tenant))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
