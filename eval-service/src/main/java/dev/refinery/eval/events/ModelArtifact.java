package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.refinery.eval.repository.ModelVersion;

/**
 * Where a version's model is, as model-registered and model-promoted say it: {@code bucket} + {@code key} for an adapter or
 * whole model in object storage, else {@code providerModel}, the name its provider or server answers it under.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelArtifact(String type, String bucket, String key, String providerModel) {

    public static ModelArtifact of(ModelVersion v) {
        return new ModelArtifact(v.artifactType.wireName(), v.bucket, v.artifactKey, v.providerModel);
    }
}
