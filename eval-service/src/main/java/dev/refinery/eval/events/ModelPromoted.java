package dev.refinery.eval.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Payload of {@code model-promoted} v2 (contracts/schemas/model-promoted.v2.json): an alias of a project now names another
 * model version, by a promotion or a rollback. v2 is v1 where a model registered from a server has no job and no dataset. Whatever serves models follows it. Keyed by {@code tenant/alias}, so that
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
    public static final int VERSION = 2;

    /** The version the alias names now, and where its weights are; jobId and datasetId are absent for a model registered from a server. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String baseModel, String jobId, String datasetId, String backend, ModelArtifact artifact) {
    }

}
