package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.refinery.eval.repository.ModelVersion;

import java.time.OffsetDateTime;

/**
 * Payload of {@code model-registered} v1 (contracts/schemas/model-registered.v1.json): a version entered the registry, with
 * where its model is. Keyed by the version's id. Whatever serves models keeps its list of servable versions from it.
 *
 * @param jobId        absent for a model registered from a server
 * @param registeredBy who registered it by hand; absent for a job's model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelRegistered(String tenant, String modelVersionId, String name, String jobId, String datasetId, String baseModel,
                              String backend, ModelArtifact artifact, String registeredBy, OffsetDateTime registeredAt) {

    public static final String TOPIC = "model-registered";

    public static ModelRegistered of(ModelVersion v) {
        return new ModelRegistered(v.tenant, v.id, v.displayName(), v.jobId, v.datasetId, v.baseModel, v.backend, ModelArtifact.of(v),
                v.registeredBy, v.createdAt);
    }
}
