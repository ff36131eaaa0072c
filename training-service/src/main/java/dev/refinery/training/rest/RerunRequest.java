package dev.refinery.training.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.problem.ApiException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a rerun may change about the job it repeats: where it trains and on which base model, nothing else. A team leaving
 * a provider re-runs the same dataset, method and hyperparameters elsewhere; changing those would be a new job, not a
 * rerun, and its evaluation would no longer say anything about the provider change alone.
 *
 * @param backend   left out: the earlier job's backend
 * @param baseModel left out: the earlier job's base model (which the new backend may not offer: that is refused by name)
 */
@Schema(description = "Optional: run the same request on another backend and/or base model; every other field stays as it was")
public record RerunRequest(
        @Schema(description = "local, together, fireworks, openai or kubernetes (when enabled)", example = "together") String backend,
        @Schema(description = "a base model the backend offers", example = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference") String baseModel) {

    /** No body: the same request again. */
    public static final RerunRequest SAME = new RerunRequest(null, null);

    private static final Set<String> FIELDS = Set.of("backend", "baseModel");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads a rerun body, or none: a body-less POST means "the same again" whatever Content-Type its client put on it (HTTP
     * clients differ there, and reruns were body-less before they took one). Fields other than backend and baseModel are
     * refused by name rather than ignored: a caller who sends {@code hyperparameters} here expects them used, and a silent
     * rerun with the old ones would mislead.
     */
    public static RerunRequest of(String text) {
        if (text == null || text.isBlank()) {
            return SAME;
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw notAnObject();
        }
        if (body == null || body.isNull()) {
            return SAME;
        }
        if (!body.isObject()) {
            throw notAnObject();
        }
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("JOB_RERUN_FIELD_UNSUPPORTED", "a rerun changes only backend and baseModel, everything else stays "
                    + "as the job ran it; " + String.join(", ", unknown) + " cannot be changed here (submit a new job with POST /jobs "
                    + "for a different spec)").with("field", unknown.get(0)).with("allowed", List.copyOf(new java.util.TreeSet<>(FIELDS)));
        }
        return new RerunRequest(text(body, "backend"), text(body, "baseModel"));
    }

    private static ApiException notAnObject() {
        return ApiException.badRequest("REQUEST_BODY_INVALID", "send no body to repeat the job as it was, or a JSON object with backend "
                + "and/or baseModel to repeat it there");
    }

    /** The earlier request with this rerun's backend and base model where it names them. */
    public JobRequest applyTo(JobRequest earlier) {
        return new JobRequest(earlier.datasetId(), baseModel != null ? baseModel : earlier.baseModel(), backend != null ? backend : earlier.backend(),
                earlier.method(), earlier.hyperparameters(), earlier.budgetUsd(), earlier.fromJob(), earlier.evaluation());
    }

    /** A string field; null or blank means "keep the earlier value". */
    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("JOB_FIELD_INVALID", field + " must be a string, got " + value.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT)).with("field", field);
        }
        return value.asText().isBlank() ? null : value.asText().strip();
    }
}
