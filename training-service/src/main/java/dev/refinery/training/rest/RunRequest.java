package dev.refinery.training.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.problem.ApiException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /pipelines/{id}/runs}: a run by hand. */
public record RunRequest(
        @Schema(description = "a VALID version of the pipeline's collection; default: its newest") String datasetId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request in {@code body}: none (no body at all, as {@code curl -X POST} sends) is a run on the newest version. */
    public static RunRequest read(String body) {
        if (body == null || body.isBlank()) {
            return new RunRequest(null);
        }
        try {
            JsonNode tree = JSON.readTree(body);
            if (!tree.isObject() || (tree.has("datasetId") && !tree.get("datasetId").isTextual() && !tree.get("datasetId").isNull())) {
                throw ApiException.badRequest("PIPELINE_FIELD_INVALID", "send {\"datasetId\": \"ds-...\"} or nothing").with("field", "datasetId");
            }
            return new RunRequest(tree.path("datasetId").isTextual() ? tree.get("datasetId").asText() : null);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("PIPELINE_FIELD_INVALID", "the body is not JSON: send {\"datasetId\": \"ds-...\"} or nothing")
                    .with("field", "datasetId");
        }
    }
}
