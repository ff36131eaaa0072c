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
import dev.refinery.engine.io.HfModelLoader;
import dev.refinery.training.config.EngineSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

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
    private static final String MARKER_MODEL = "stories260K";
    /** The backend name these models are described under (catalog entries name their backend). */
    private static final String BACKEND = LocalEngineBackend.NAME;
    static final int MAX_LORA_RANK = 256;

    /** A model of the catalog. */
    public record Model(String id, Path path, String format, int contextLength) {
    }

    @Inject
    EngineSettings settings;

    private Path modelsDir;
    private final Map<String, LanguageModel> loaded = new ConcurrentHashMap<>();

    @PostConstruct
    void locate() {
        modelsDir = settings.modelsDir().map(Path::of).orElseGet(EngineModels::searchUpward);
        LOG.infof("base models from %s: %s", modelsDir, ids());
    }

    public Path modelsDir() {
        return modelsDir;
    }

    public List<Model> models() {
        List<Model> out = new ArrayList<>();
        if (modelsDir == null || !Files.isDirectory(modelsDir)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(modelsDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                describe(dir).ifPresent(out::add);
            }
        } catch (IOException e) {
            LOG.warnf("cannot list models in %s: %s", modelsDir, e.getMessage());
        }
        return out;
    }

    public List<String> ids() {
        return models().stream().map(Model::id).toList();
    }

    public Optional<Model> find(String id) {
        if (id == null || modelsDir == null || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
            return Optional.empty();
        }
        Path dir = modelsDir.resolve(id);
        return Files.isDirectory(dir) ? describe(dir) : Optional.empty();
    }

    /**
     * The model as the planner checks jobs against it.
     *
     * @throws CatalogException {@code CATALOG_MODEL_UNKNOWN} when the models folder has no such model
     */
    public CatalogModel require(String id) {
        Model m = find(id).orElseThrow(() -> new CatalogException(CatalogErrorCode.CATALOG_MODEL_UNKNOWN,
                "base model '" + id + "' is not in the engine's models folder " + modelsDir + "; available: " + String.join(", ", ids())));
        ContextLengths context = new ContextLengths(m.contextLength(), m.contextLength(), "the model's own config (" + m.format() + ")");
        return new CatalogModel(BACKEND, m.id(), List.of(), m.id(), null, null, context, Set.of(TrainingMethod.SFT, TrainingMethod.DPO),
                Set.of(TrainingType.LORA, TrainingType.FULL), new LoraLimits(MAX_LORA_RANK, List.of(), "the engine's limit"),
                null, List.of(), List.of("trained on this machine by the built-in engine; not priced"));
    }

    /** The loaded model (weights, tokenizer, chat template); loaded once per process. */
    public LanguageModel load(String id) {
        Model m = find(id).orElseThrow(() -> new EngineException.InputError("base model " + id + " is not in " + modelsDir));
        return loaded.computeIfAbsent(id, k -> LanguageModel.load(m.path()));
    }

    private static Optional<Model> describe(Path dir) {
        String id = dir.getFileName().toString();
        try {
            if (Files.isRegularFile(dir.resolve(HfModelLoader.CONFIG_FILE))) {
                return Optional.of(new Model(id, dir, "huggingface", HfModelLoader.readConfig(dir).maxSeqLen()));
            }
            Optional<Path> checkpoint = llama2cCheckpoint(dir);
            if (checkpoint.isPresent()) {
                return Optional.of(new Model(id, dir, "llama2.c", llama2cContext(checkpoint.get())));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s is not a usable model: %s", dir, e.getMessage());
        }
        return Optional.empty();
    }

    private static Optional<Path> llama2cCheckpoint(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> bins = files.filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".bin") && !n.startsWith("tok");
            }).toList();
            return bins.size() == 1 ? Optional.of(bins.get(0)) : Optional.empty();
        }
    }

    /** seq_len, the seventh little-endian int of a llama2.c header. */
    private static int llama2cContext(Path checkpoint) throws IOException {
        try (InputStream in = Files.newInputStream(checkpoint)) {
            byte[] header = in.readNBytes(7 * Integer.BYTES);
            if (header.length < 7 * Integer.BYTES) {
                throw new IOException(checkpoint + " is too short for a llama2.c header");
            }
            int seqLen = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(6 * Integer.BYTES);
            if (seqLen <= 0) {
                throw new IOException(checkpoint + " declares a context of " + seqLen + " tokens");
            }
            return seqLen;
        }
    }

    /** Tests and local runs start somewhere inside the repository: use its models/ folder. */
    private static Path searchUpward() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models").resolve(MARKER_MODEL))) {
                return p.resolve("models");
            }
        }
        return Path.of("models").toAbsolutePath();
    }
}
