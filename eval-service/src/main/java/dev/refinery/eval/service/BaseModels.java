package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.ModelLibrary;
import dev.refinery.eval.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The local engine's base models: folder {@code <models-dir>/<id>}, loaded with
 * {@link LanguageModel#load}. The last one loaded stays in memory, since consecutive evaluations
 * usually share their base model and loading a large one takes a while.
 */
@ApplicationScoped
public class BaseModels {

    private static final Logger LOG = Logger.getLogger(BaseModels.class);
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

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
        ModelLibrary library = library();
        Path dir = library.find(id).map(ModelLibrary.Entry::path).orElseThrow(() -> new EvaluationFailure("EVAL_BASE_MODEL_UNKNOWN",
                "base model '" + id + "' is not available to the local engine: no model folder " + library.dir().resolve(id)
                        + " (available: " + (library.ids().isEmpty() ? "none" : String.join(", ", library.ids())) + ")"));
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

    /** The configured folder, else the repository's models/ folder (see {@link ModelLibrary#locate}). */
    ModelLibrary library() {
        return ModelLibrary.locate(config.modelsDir());
    }
}
