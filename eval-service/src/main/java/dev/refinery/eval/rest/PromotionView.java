package dev.refinery.eval.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/** One change of an alias: who moved it, when, why, from which version to which. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromotionView(String id, String alias, String action, String modelVersionId, String previousVersionId,
                            boolean automatic, String evaluationId, String actor, String reason, boolean undone,
                            OffsetDateTime at) {
}
