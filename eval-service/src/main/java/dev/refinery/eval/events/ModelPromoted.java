package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Payload of {@code model-promoted} v1 (contracts/schemas/model-promoted.v1.json): an alias of a project now names another
 * model version, by a promotion or a rollback. Whatever serves models follows it. Keyed by {@code tenant/alias}, so that
 * the changes of one alias arrive in order.
 *
 * @param previousVersionId what the alias named before; absent when this created it
 * @param evaluationId      the evaluation whose decision promoted it; absent for a manual change that names none
 * @param actor             the key prefix or token subject of whoever did it, or "eval-service" for an automatic promotion
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelPromoted(String tenant, String alias, String action, String modelVersionId, String previousVersionId,
                            Model model, boolean automatic, String evaluationId, String actor, String reason,
                            OffsetDateTime promotedAt) {

    public static final String TOPIC = "model-promoted";

    /** The version the alias names now, and where its weights are. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String baseModel, String jobId, String datasetId, String backend, Artifact artifact) {
    }

    /** {@code bucket} + {@code key} for an adapter or whole model in object storage, else the provider's {@code providerModel}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String type, String bucket, String key, String providerModel) {
    }
}
