package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.config.TrainingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


/**
 * Whether a collection is the project's: asked of ingest-service, which owns collections, as this service acting for the
 * project (so the answer is exactly what the project may see: another project's collection is as unknown as none).
 */
@ApplicationScoped
public class CollectionLookup {

    @Inject
    TrainingSettings settings;

    @Inject
    ProjectCalls calls;

    /**
     * @throws ApiException 404 {@code PIPELINE_COLLECTION_NOT_FOUND} when the project has no such collection; 503
     *                      {@code PIPELINE_COLLECTION_UNVERIFIED} when ingest-service cannot say
     */
    public void requireOwn(String tenant, String collectionId) {
        requireOwn(tenant, collectionId, "collectionId");
    }

    /** As {@link #requireOwn(String, String)}, the 404 naming {@code field}. */
    public void requireOwn(String tenant, String collectionId, String field) {
        if (settings.pipelines().ingestUrl().isEmpty()) {
            return;
        }
        ProjectCalls.Answer answer = calls.get(tenant, settings.pipelines().ingestUrl().get(), "/collections/" + collectionId);
        int status = answer.status();
        if (status == 0) {
            throw unverified(collectionId, answer.problem());
        }
        if (status == 404) {
            throw ApiException.notFound("PIPELINE_COLLECTION_NOT_FOUND", "the project has no collection " + collectionId)
                    .with("field", field);
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
