package dev.refinery.inference.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** Where the local engine finds base models ({@code refinery.engine.*}, env {@code REFINERY_ENGINE_*}), as the other services. */
@ConfigMapping(prefix = "refinery.engine")
public interface EngineConfig {

    /** Folder with one sub-folder per model id. Unset: the nearest {@code models/} above the working directory holding stories260K. */
    Optional<Path> modelsDir();
}
