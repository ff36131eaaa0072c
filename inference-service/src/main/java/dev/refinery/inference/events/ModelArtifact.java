package dev.refinery.inference.events;

/**
 * Where a version's model is, as model-registered and model-promoted say it: {@code bucket} + {@code key} of an adapter or
 * whole model in object storage, or {@code providerModel}, the name its provider or server answers it under.
 *
 * @param type lora-adapter, full-model or provider-model
 */
public record ModelArtifact(String type, String bucket, String key, String providerModel) {
}
