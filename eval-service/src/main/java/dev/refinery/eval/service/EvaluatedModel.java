package dev.refinery.eval.service;

import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.ModelVersion;

/**
 * One model an evaluation runs: a base model as it ships, or a registered version (the base with an adapter merged in, or a
 * whole fine-tuned model on the base's tokenizer).
 *
 * @param name      as results name it: the base model's id, or base id + "+" + job id
 * @param versionId the registered version; null for a base model (and for an evaluation recorded before the registry)
 * @param type      null for a base model
 * @param key       the artifact's folder in {@code bucket}
 * @param backend   where it was trained; for a base model, where it is served ({@code local}: the engine)
 * @param providerModel the provider's name of a model it keeps; null otherwise
 * @param datasetId the dataset it was trained on; null for a base model
 */
public record EvaluatedModel(String name, String versionId, String baseModel, ArtifactType type, String bucket, String key, String backend,
                             String providerModel, String datasetId) {

    public static final String LOCAL = "local";

    /** A base model as the engine runs it. */
    public static EvaluatedModel base(String baseModel) {
        return baseOn(baseModel, LOCAL);
    }

    /** A base model as {@code backend} serves it. */
    public static EvaluatedModel baseOn(String baseModel, String backend) {
        return new EvaluatedModel(baseModel, null, baseModel, null, null, null, backend, null, null);
    }

    public static EvaluatedModel of(ModelVersion v) {
        return new EvaluatedModel(v.displayName(), v.id, v.baseModel, v.artifactType, v.bucket, v.artifactKey, v.backend, v.providerModel,
                v.datasetId);
    }

    /**
     * Whether it answers through a provider's API rather than on the engine: a model the provider keeps, or a base model
     * served by one.
     */
    public boolean onEndpoint() {
        return isBase() ? !LOCAL.equals(backend) : !type.inBucket();
    }

    public boolean isBase() {
        return type == null;
    }

    /** How a message names it: the name, and the version id when there is one. */
    public String describe() {
        return isBase() ? "base model " + name : versionId == null ? name : name + " (" + versionId + ")";
    }
}
