package dev.refinery.eval.rest;

import java.util.List;

/** Request bodies of the registry's routes (API types; never stored as they are). */
public final class RegistryRequests {

    private RegistryRequests() {
    }

    /**
     * Point an alias at a version.
     *
     * @param version      a version id (mv-...) or another alias
     * @param reason       why, for whoever reads the history
     * @param evaluationId optional: the evaluation that justifies it
     */
    public record Promote(String version, String reason, String evaluationId) {
    }

    /**
     * Register a model that an OpenAI-compatible server of the operator answers (vLLM, TGI, ...).
     *
     * @param endpoint  the server's name in this deployment ({@code refinery.eval.endpoints.<name>.url})
     * @param model     the server's name for the model (for vLLM, the LoRA adapter's name or the served model)
     * @param baseModel the server's name for its base model, the baseline an evaluation compares with by default
     */
    public record RegisterModel(String endpoint, String model, String baseModel) {
    }

    /** Give an alias back to the version that held it before. */
    public record Rollback(String reason) {
    }

    /**
     * A project's promotion policy; a field left out keeps its value ({@code guards: []} removes every guard;
     * {@code forgettingLossMargin: -1} stops gating on the general-ability loss).
     */
    public record Policy(String metric, Double margin, Double lossMargin, Double forgettingMargin, Double forgettingLossMargin,
                         String alias, Boolean autoPromote, List<Guard> guards) {
    }

    /** A guard metric: the candidate may lose at most {@code margin} of it against the baseline. */
    public record Guard(String metric, Double margin) {
    }

    /**
     * Evaluate a version by hand.
     *
     * @param candidate a version id or alias
     * @param baseline  a version id or alias; left out: the candidate's base model
     * @param datasetId whose test split (any validated dataset of the project); left out: the candidate's training dataset
     * @param testSet   instead of datasetId: a validated dataset of the project all of whose records are the test items (a
     *                  file uploaded as a test set)
     * @param metric    left out: the project's policy metric
     * @param maxItems  left out: the service's limit
     * @param metrics   more metrics to score beside the primary one and the defaults (text metrics, or graders as
     *                  {@code grader:<name>})
     * @param maxTokens tokens each answer may have (greedy decoding); left out: the service's setting
     * @param stop       sequences that end every model's answers (at most 4)
     * @param candidates several versions, each evaluated against the same baseline on the same test set with the same
     *                   settings (one evaluation each); instead of {@code candidate}
     */
    public record Evaluate(String candidate, String baseline, String datasetId, String metric, Integer maxItems, List<String> metrics,
                           Integer maxTokens, List<String> stop, List<String> candidates, String testSet) {
    }
}
