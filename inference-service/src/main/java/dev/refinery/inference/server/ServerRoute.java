package dev.refinery.inference.server;

import dev.refinery.inference.config.InferenceConfig;

/**
 * A request's way to an operator's inference server: which server, and the model name to ask it for (a model registered
 * from it, the version id an adapter was loaded under, or the name it answers its base model under).
 *
 * @param adapterVersion the version whose adapter was loaded for this route; null when none was
 */
public record ServerRoute(String server, InferenceConfig.Server config, String model, String adapterVersion) {
}
