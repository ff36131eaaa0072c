package dev.refinery.training.service;

import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.config.TrainingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Whether a collection is the project's: asked of ingest-service, which owns collections, as this service acting for the
 * project (so the answer is exactly what the project may see: another project's collection is as unknown as none).
 */
@ApplicationScoped
public class CollectionLookup {

    private static final String SELF = "training-service";

    @Inject
    TrainingSettings settings;

    @Inject
    IdentityTokens tokens;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @throws ApiException 404 {@code PIPELINE_COLLECTION_NOT_FOUND} when the project has no such collection; 503
     *                      {@code PIPELINE_COLLECTION_UNVERIFIED} when ingest-service cannot say
     */
    public void requireOwn(String tenant, String collectionId) {
        if (settings.pipelines().ingestUrl().isEmpty()) {
            return;
        }
        URI uri = URI.create(settings.pipelines().ingestUrl().get().replaceAll("/+$", "") + "/collections/" + collectionId);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header(IdentityTokens.HEADER, tokens.mint(Caller.serviceFor(SELF, tenant))).GET().build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw unverified(collectionId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unverified(collectionId, "interrupted");
        }
        if (status == 404) {
            throw ApiException.notFound("PIPELINE_COLLECTION_NOT_FOUND", "the project has no collection " + collectionId)
                    .with("field", "collectionId");
        }
        if (status != 200) {
            throw unverified(collectionId, "ingest-service answered " + status);
        }
    }

    private static ApiException unverified(String collectionId, String why) {
        return new ApiException(503, "PIPELINE_COLLECTION_UNVERIFIED", "Service unavailable", "whether collection " + collectionId
                + " is the project's could not be checked (" + why + "); try again");
    }
}
