package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a model as a Hugging Face directory ({@code config.json} + {@code model.safetensors}) that
 * transformers loads as LlamaForCausalLM, or Qwen2ForCausalLM when the model has q/k/v biases.
 * Models with interleaved RoPE (llama2.c) are converted to the rotate-half layout on the way out.
 */
public final class HfModelWriter {

    private HfModelWriter() {
    }

    /** Writes float32 weights. */
    public static void write(ModelWeights weights, Path dir, SpecialTokenIds tokens) {
        write(weights, dir, tokens, SafeTensorsDtype.F32);
    }

    /** Writes weights in F32, F16 or BF16 ({@code torch_dtype} follows). Creates {@code dir} if needed. */
    public static void write(ModelWeights weights, Path dir, SpecialTokenIds tokens, SafeTensorsDtype dtype) {
        String torchDtype = torchDtype(dtype);
        ModelWeights hf = toHfLayout(weights);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException.OutputError("cannot create model directory " + dir + ": " + e.getMessage(), e);
        }
        JsonFiles.write(dir.resolve(HfModelLoader.CONFIG_FILE), HfConfigMapping.toJson(hf.config(), tokens, torchDtype));
        SafeTensorsWriter.write(dir.resolve(SafeTensors.SINGLE_FILE), hf.byHfName(), Map.of("format", "pt"), dtype);
    }

    /**
     * The same network with rotate-half RoPE: q_proj/k_proj rows (and their biases) permuted per head
     * when the model is interleaved; otherwise the model itself. Unchanged tensors are shared, not copied.
     */
    public static ModelWeights toHfLayout(ModelWeights weights) {
        ModelConfig c = weights.config();
        if (c.ropeStyle() == RopeStyle.HALF) {
            return weights;
        }
        ModelConfig half = new ModelConfig(c.architecture(), c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(),
                c.headDim(), c.vocabSize(), c.maxSeqLen(), c.normEps(), c.ropeTheta(), RopeStyle.HALF, c.tiedEmbeddings(),
                c.attentionBias());
        Map<String, Tensor> tensors = weights.byHfName();
        return ModelWeights.assemble(half, (name, shape) -> {
            Tensor t = tensors.get(name);
            int heads = ropeHeads(name, c);
            return heads > 0 ? RopeLayout.toHalf(t, heads) : t;
        });
    }

    /** Heads to permute over for a q/k weight or bias name, or 0 for tensors RoPE does not touch. */
    static int ropeHeads(String name, ModelConfig c) {
        if (name.contains("." + Projection.Q.hfModule() + ".")) {
            return c.nHeads();
        }
        if (name.contains("." + Projection.K.hfModule() + ".")) {
            return c.nKvHeads();
        }
        return 0;
    }

    private static String torchDtype(SafeTensorsDtype dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new EngineException.InvalidArgument("models can be written as F32, F16 or BF16, not " + dtype);
        };
    }
}
