package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.training.config.TrainingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * Asks eval-service to score a model version on every record of a dataset ({@code POST /evals} with {@code testSet}), as
 * the project: the drift check's evaluation. Such an evaluation informs and never promotes; its eval-finished carries the
 * score.
 */
@ApplicationScoped
public class ChampionScoring {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TrainingSettings settings;

    @Inject
    ProjectCalls calls;

    /** What eval-service answered: the evaluation's id, or a refusal to keep, or trouble that passes (ask again later). */
    public record Answer(String evalId, String problem, boolean retryLater) {
    }

    public Answer score(String tenant, String versionId, String datasetId, String metric) {
        if (settings.pipelines().evalUrl().isEmpty()) {
            return new Answer(null, "refinery.training.pipelines.eval-url is not set", false);
        }
        ObjectNode body = JSON.createObjectNode().put("candidate", versionId).put("testSet", datasetId).put("metric", metric);
        HttpResponse<String> response;
        try {
            response = calls.postJson(tenant, settings.pipelines().evalUrl().get(), "/evals", body.toString());
        } catch (IOException e) {
            return new Answer(null, "eval-service unreachable: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, "interrupted", true);
        }
        JsonNode answer = read(response.body());
        if (response.statusCode() == 202 && answer.path("id").isTextual()) {
            return new Answer(answer.path("id").asText(), null, false);
        }
        String problem = "eval-service answered " + response.statusCode() + (answer.has("code") ? " " + answer.path("code").asText() + ": "
                + answer.path("detail").asText() : "");
        // eval-service reads dataset-validated on its own: a version (or the champion) it has not heard of yet is not a refusal
        boolean notYetKnown = response.statusCode() == 404 || "EVAL_DATASET_UNKNOWN".equals(answer.path("code").asText());
        return new Answer(null, problem, response.statusCode() >= 500 || response.statusCode() == 429 || notYetKnown);
    }

    private static JsonNode read(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
