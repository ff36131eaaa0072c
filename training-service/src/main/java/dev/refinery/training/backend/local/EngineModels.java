package dev.refinery.training.backend.local;

import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ContextLengths;
import dev.refinery.catalog.LoraLimits;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.ModelLibrary;
import dev.refinery.training.config.EngineSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The base models the local engine can fine-tune: one sub-folder of the models directory per model,
 * holding a llama2.c checkpoint (+ {@code tok*.bin}) or a Hugging Face model ({@code config.json} +
 * safetensors). The folder name is the model id. Each is described in the one model type the platform
 * has ({@link CatalogModel}, backend {@code local}: SFT and DPO, LoRA and full, its context, no price).
 * Loaded models are kept: LoRA training never changes the base weights, so every job on a model can
 * share one copy.
 */
@ApplicationScoped
public class EngineModels {

    private static final Logger LOG = Logger.getLogger(EngineModels.class);
    /** The backend name these models are described under (catalog entries name their backend). */
    private static final String BACKEND = LocalEngineBackend.NAME;
    static final int MAX_LORA_RANK = 256;

    @Inject
    EngineSettings settings;

    private ModelLibrary library;
    private final Map<String, LanguageModel> loaded = new ConcurrentHashMap<>();

    @PostConstruct
    void locate() {
        library = ModelLibrary.locate(settings.modelsDir().map(Path::of));
        LOG.infof("base models from %s: %s", library.dir(), ids());
    }

    public Path modelsDir() {
        return library.dir();
    }

    public List<ModelLibrary.Entry> models() {
        return library.entries();
    }

    public List<String> ids() {
        return library.ids();
    }

    public Optional<ModelLibrary.Entry> find(String id) {
        return library.find(id);
    }

    /**
     * The model as the planner checks jobs against it.
     *
     * @throws CatalogException {@code CATALOG_MODEL_UNKNOWN} when the models folder has no such model
     */
    public CatalogModel require(String id) {
        ModelLibrary.Entry m = find(id).orElseThrow(() -> new CatalogException(CatalogErrorCode.CATALOG_MODEL_UNKNOWN,
                "base model '" + id + "' is not in the engine's models folder " + library.dir() + "; available: " + String.join(", ", ids())));
        ContextLengths context = new ContextLengths(m.contextLength(), m.contextLength(), "the model's own config (" + m.format() + ")");
        return new CatalogModel(BACKEND, m.id(), List.of(), m.id(), null, null, context, Set.of(TrainingMethod.SFT, TrainingMethod.DPO),
                Set.of(TrainingType.LORA, TrainingType.FULL), new LoraLimits(MAX_LORA_RANK, List.of(), "the engine's limit"),
                null, List.of(), List.of("trained on this machine by the built-in engine; not priced"));
    }

    /** The loaded model (weights, tokenizer, chat template); loaded once per process. */
    public LanguageModel load(String id) {
        ModelLibrary.Entry m = find(id).orElseThrow(() -> new EngineException.InputError("base model " + id + " is not in " + library.dir()));
        return loaded.computeIfAbsent(id, k -> LanguageModel.load(m.path()));
    }
}
