package dev.refinery.eval.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/** An alias of the project, the version it names, and (one alias at a time) its history, newest first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AliasView(String alias, String modelVersionId, String model, OffsetDateTime updatedAt, List<PromotionView> history) {
}
