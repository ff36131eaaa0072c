package dev.refinery.training.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.training.config.TrainingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
        ProjectCalls.Answer answer = calls.postJson(tenant, settings.pipelines().evalUrl().get(), "/evals", body.toString());
        if (answer.status() == 202 && answer.body().path("id").isTextual()) {
            return new Answer(answer.body().path("id").asText(), null, false);
        }
        String problem = "eval-service " + answer.problem();
        // eval-service reads dataset-validated on its own: a version (or the champion) it has not heard of yet is not a refusal
        boolean notYetKnown = answer.status() == 404 || "EVAL_DATASET_UNKNOWN".equals(answer.code());
        return new Answer(null, problem, answer.passes() || notYetKnown);
    }
}
