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
 */
public record EvaluatedModel(String name, String versionId, String baseModel, ArtifactType type, String bucket, String key) {

    public static EvaluatedModel base(String baseModel) {
        return new EvaluatedModel(baseModel, null, baseModel, null, null, null);
    }

    public static EvaluatedModel of(ModelVersion v) {
        return new EvaluatedModel(v.displayName(), v.id, v.baseModel, v.artifactType, v.bucket, v.artifactKey);
    }

    public boolean isBase() {
        return type == null;
    }

    /** How a message names it: the name, and the version id when there is one. */
    public String describe() {
        return isBase() ? "base model " + name : versionId == null ? name : name + " (" + versionId + ")";
    }
}
