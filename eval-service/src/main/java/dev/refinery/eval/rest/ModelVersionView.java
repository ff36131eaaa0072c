package dev.refinery.eval.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A model version as the API shows it: where it came from (dataset, job, backend), where its weights are, the aliases that
 * name it now, and (one version at a time) its evaluations and the promotions that moved an alias to or from it. A model
 * registered from a server has no job, dataset or lineage, and names who registered it; its backend is
 * {@code endpoint:<server>}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelVersionView(String id, String name, String jobId, String datasetId, String baseModel, String backend, String registeredBy,
                               Artifact artifact, List<String> aliases, OffsetDateTime createdAt, Lineage lineage,
                               List<EvaluationRef> evaluations, List<PromotionView> promotions) {

    /**
     * Where the rest of its lineage is read, at the gateway: the dataset version and its validation report, and the job
     * with its effective specification (other services own them).
     */
    public record Lineage(String dataset, String validationProblems, String job, String evaluations) {
    }

    /** {@code bucket} + {@code key} of an adapter or whole model, or the provider's name for a model it keeps. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String type, String bucket, String key, String providerModel) {
    }

    /** One evaluation of the version: where to read it, and what it decided. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EvaluationRef(String id, String status, String outcome, String decision, OffsetDateTime createdAt) {
    }
}
