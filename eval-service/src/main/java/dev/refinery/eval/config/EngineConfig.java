package dev.refinery.eval.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** Where the local engine finds base models ({@code refinery.engine.*}, env {@code REFINERY_ENGINE_*}). */
@ConfigMapping(prefix = "refinery.engine")
public interface EngineConfig {

    /**
     * Folder with one sub-folder per model id (e.g. {@code stories260K/}). Unset: the nearest
     * {@code models/} folder above the working directory that holds {@code stories260K}.
     */
    Optional<Path> modelsDir();
}
