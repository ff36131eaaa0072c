package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a Hugging Face model directory ({@code config.json} plus {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}) for the architectures in {@link #SUPPORTED_ARCHITECTURES}.
 * The loaded model uses {@link dev.refinery.engine.model.RopeStyle#HALF}, the Hugging Face pairing.
 */
public final class HfModelLoader {

    public static final String CONFIG_FILE = "config.json";
    public static final List<String> SUPPORTED_ARCHITECTURES = HfConfigMapping.SUPPORTED;

    private static final String LM_HEAD = "lm_head.weight";

    private HfModelLoader() {
    }

    /** The model's configuration as config.json states it (tying as declared by {@code tie_word_embeddings}). */
    public static ModelConfig readConfig(Path modelDir) {
        Path file = modelDir.resolve(CONFIG_FILE);
        return HfConfigMapping.toModelConfig(JsonFiles.readObject(file, "model config"), file);
    }

    /** {@code bos_token_id} / {@code eos_token_id} from config.json. */
    public static SpecialTokenIds readSpecialTokens(Path modelDir) {
        Path file = modelDir.resolve(CONFIG_FILE);
        ObjectNode json = JsonFiles.readObject(file, "model config");
        return HfConfigMapping.specialTokens(json, file);
    }

    /**
     * Loads config and weights. A checkpoint without {@code lm_head.weight} is loaded with tied embeddings
     * even if config.json does not say so. A missing or wrongly shaped tensor is a
     * {@link EngineException.ShapeMismatch} naming the tensor, its file, and both shapes.
     */
    public static ModelWeights load(Path modelDir) {
        ModelConfig declared = readConfig(modelDir);
        try (TensorStore store = SafeTensors.open(modelDir)) {
            ModelConfig config = declared.tiedEmbeddings() || store.contains(LM_HEAD) ? declared : tied(declared);
            return ModelWeights.assemble(config, (name, shape) -> readChecked(store, modelDir, name, shape));
        }
    }

    private static Tensor readChecked(TensorStore store, Path modelDir, String name, int[] expected) {
        if (!store.contains(name)) {
            throw new EngineException.ShapeMismatch("model " + modelDir + " has no tensor '" + name + "'; config.json requires one of shape "
                    + Arrays.toString(expected));
        }
        int[] actual = store.entry(name).shape();
        if (!Arrays.equals(actual, expected)) {
            throw new EngineException.ShapeMismatch("tensor '" + name + "' in " + store.fileOf(name) + " has shape "
                    + Arrays.toString(actual) + " but config.json requires " + Arrays.toString(expected));
        }
        return store.read(name);
    }

    private static ModelConfig tied(ModelConfig c) {
        return new ModelConfig(c.architecture(), c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.headDim(),
                c.vocabSize(), c.maxSeqLen(), c.normEps(), c.ropeTheta(), c.ropeStyle(), true, c.attentionBias());
    }
}
