package dev.refinery.inference.events;

import java.time.OffsetDateTime;

/**
 * What inference-service reads of {@code model-promoted} v1 and v2 (contracts/schemas/model-promoted.v*.json): an alias of a
 * project now names a version, and where that version's model is (so the alias can be served even before the version's
 * model-registered arrives). v2 only lets {@code model.jobId} be absent. Other fields are ignored.
 */
public record ModelPromoted(String tenant, String alias, String action, String modelVersionId, Model model, OffsetDateTime promotedAt) {

    public static final String TOPIC = "model-promoted";

    public record Model(String baseModel, String jobId, String backend, ModelArtifact artifact) {
    }
}
