package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.eval.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local engine's base models: folder {@code <models-dir>/<id>}, loaded with
 * {@link LanguageModel#load}. The last one loaded stays in memory, since consecutive evaluations
 * usually share their base model and loading a large one takes a while.
 */
@ApplicationScoped
public class BaseModels {

    private static final Logger LOG = Logger.getLogger(BaseModels.class);
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    /** The folder the default search looks for, walking up from the working directory. */
    private static final String MARKER = "models/stories260K";

    @Inject
    EngineConfig config;

    private String loadedId;
    private LanguageModel loaded;

    /** The base model {@code id}; fails the evaluation when it is not available to the local engine. */
    public synchronized LanguageModel load(String id) {
        if (id.equals(loadedId)) {
            return loaded;
        }
        if (!MODEL_ID.matcher(id).matches()) {
            throw new EvaluationFailure("EVAL_BASE_MODEL_UNKNOWN", "base model '" + id + "' is not a local model id"
                    + " (letters, digits, '.', '_' and '-', like stories260K)");
        }
        Path dir = modelsDir().resolve(id);
        if (!Files.isDirectory(dir)) {
            throw new EvaluationFailure("EVAL_BASE_MODEL_UNKNOWN", "base model '" + id + "' is not available to the local engine: "
                    + "no folder " + dir + " (available: " + available() + ")");
        }
        long started = System.nanoTime();
        try {
            LanguageModel model = LanguageModel.load(dir);
            loadedId = id;
            loaded = model;
            LOG.infof("base model %s loaded from %s in %d ms", id, dir, (System.nanoTime() - started) / 1_000_000);
            return model;
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_BASE_MODEL_UNREADABLE", "base model '" + id + "' in " + dir + " cannot be loaded: ["
                    + e.code() + "] " + e.getMessage(), e);
        }
    }

    /** The configured folder, else the nearest {@code models/} above the working directory that holds stories260K. */
    Path modelsDir() {
        if (config.modelsDir().isPresent()) {
            return config.modelsDir().get().toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(MARKER))) {
                return p.resolve("models");
            }
        }
        throw new EvaluationFailure("EVAL_BASE_MODEL_UNKNOWN", "no models folder: set refinery.engine.models-dir"
                + " (REFINERY_ENGINE_MODELS_DIR) to a folder with one sub-folder per base model");
    }

    private String available() {
        try (Stream<Path> dirs = Files.list(modelsDir())) {
            List<String> ids = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            return ids.isEmpty() ? "none" : String.join(", ", ids);
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
