package dev.refinery.inference.events;

import java.time.OffsetDateTime;

/**
 * What inference-service reads of {@code model-registered} v1 (contracts/schemas/model-registered.v1.json): a version of a
 * project and where its model is. Other fields are ignored.
 */
public record ModelRegistered(String tenant, String modelVersionId, String name, String jobId, String baseModel, String backend,
                              ModelArtifact artifact, OffsetDateTime registeredAt) {

    public static final String TOPIC = "model-registered";
    public static final String TYPE = "refinery.model-registered.v1";
}
