package dev.refinery.inference.service;

import dev.refinery.inference.repository.ServedVersion;

/**
 * What a request's {@code model} names, resolved: a base model of the engine as it ships, or a version of the project.
 *
 * @param model     how responses name it: the version's id, or the base model's id
 * @param versionId null for a base model
 * @param kind      how it is served
 * @param key       the folder of an adapter or whole model in {@code bucket}; null otherwise
 * @param backend   where it was trained, or endpoint:<server>
 * @param providerModel the provider's or server's name for a model it keeps
 */
public record ServedTarget(String model, String versionId, String baseModel, Kind kind, String bucket, String key, String backend,
                           String providerModel) {

    public enum Kind {
        /** The engine's base model. */
        BASE,
        /** A LoRA adapter in our bucket, on the engine's base model: one batch with every other adapter of that base. */
        ADAPTER,
        /** A whole fine-tuned model in our bucket, on the base model's tokenizer: an engine of its own. */
        FULL_MODEL,
        /** A model a provider or an operator's server keeps. */
        HOSTED
    }

    public static ServedTarget base(String baseModel) {
        return new ServedTarget(baseModel, null, baseModel, Kind.BASE, null, null, null, null);
    }

    /** {@code model} as {@code backend} (a provider, or endpoint:<server>) serves it, named {@code name} in the request. */
    public static ServedTarget hosted(String name, String backend, String model) {
        return new ServedTarget(name, null, model, Kind.HOSTED, null, null, backend, model);
    }

    public static ServedTarget of(ServedVersion v) {
        Kind kind = switch (v.artifactType) {
            case "lora-adapter" -> Kind.ADAPTER;
            case "full-model" -> Kind.FULL_MODEL;
            default -> Kind.HOSTED;
        };
        return new ServedTarget(v.id, v.id, v.baseModel, kind, v.bucket, v.artifactKey, v.backend, v.providerModel);
    }
}
