package dev.refinery.training.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Where the local engine finds base models ({@code refinery.engine.*}, env {@code REFINERY_ENGINE_*}). */
@ConfigMapping(prefix = "refinery.engine")
public interface EngineSettings {

    /**
     * The folder holding one sub-folder per base model (the folder name is the model id). Unset: the first
     * {@code models/} folder with a {@code stories260K} model found upward from the working directory.
     */
    Optional<String> modelsDir();
}
