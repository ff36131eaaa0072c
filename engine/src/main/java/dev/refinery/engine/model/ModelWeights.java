package dev.refinery.engine.model;

import dev.refinery.engine.EngineException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * All parameters of a Llama-architecture model, validated against its {@link ModelConfig}.
 * Tensor names follow the Hugging Face Llama layout ({@code model.layers.0.self_attn.q_proj.weight}),
 * which is what safetensors files and PEFT adapters use.
 */
public final class ModelWeights {

    private final ModelConfig config;
    public final Tensor tokenEmbedding;
    public final LayerWeights[] layers;
    public final Tensor finalNorm;
    /** Untied output classifier, or null when it shares {@link #tokenEmbedding}. */
    public final Tensor classifier;

    public ModelWeights(ModelConfig config, Tensor tokenEmbedding, LayerWeights[] layers, Tensor finalNorm, Tensor classifier) {
        this.config = config;
        this.tokenEmbedding = tokenEmbedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.classifier = classifier;
        validate();
    }

    public ModelConfig config() {
        return config;
    }

    /** The matrix that maps the final hidden state to logits, [vocab, dim]. */
    public Tensor outputMatrix() {
        return classifier != null ? classifier : tokenEmbedding;
    }

    /** Every tensor under its Hugging Face name, in a stable order. The tied classifier appears once. */
    public Map<String, Tensor> byHfName() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", tokenEmbedding);
        for (int i = 0; i < layers.length; i++) {
            LayerWeights l = layers[i];
            String p = "model.layers." + i + ".";
            out.put(p + "input_layernorm.weight", l.attnNorm);
            for (Projection proj : Projection.values()) {
                out.put(p + proj.hfModule() + ".weight", l.weight(proj));
                Tensor bias = l.bias(proj);
                if (bias != null) {
                    out.put(p + proj.hfModule() + ".bias", bias);
                }
            }
            out.put(p + "post_attention_layernorm.weight", l.ffnNorm);
        }
        out.put("model.norm.weight", finalNorm);
        if (classifier != null) {
            out.put("lm_head.weight", classifier);
        }
        return out;
    }

    /** All tensors as a list (tied classifier once). */
    public List<Tensor> all() {
        return new ArrayList<>(byHfName().values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : all()) {
            n += t.size();
        }
        return n;
    }

    /** A deep copy, so that merges and full fine-tuning never touch the original. */
    public ModelWeights copy() {
        LayerWeights[] ls = new LayerWeights[layers.length];
        for (int i = 0; i < layers.length; i++) {
            LayerWeights l = layers[i];
            ls[i] = new LayerWeights(c(l.attnNorm), c(l.wq), c(l.wk), c(l.wv), c(l.wo), c(l.bq), c(l.bk), c(l.bv),
                    c(l.ffnNorm), c(l.gate), c(l.up), c(l.down));
        }
        return new ModelWeights(config, c(tokenEmbedding), ls, c(finalNorm), c(classifier));
    }

    private static Tensor c(Tensor t) {
        return t == null ? null : t.copy(t.name());
    }

    /**
     * Builds the tensors of a model from a name lookup. Used by every loader so that shape checking
     * lives in one place.
     */
    public static ModelWeights assemble(ModelConfig config, TensorSource source) {
        int dim = config.dim();
        int hidden = config.hiddenDim();
        Tensor emb = source.get("model.embed_tokens.weight", config.vocabSize(), dim);
        LayerWeights[] layers = new LayerWeights[config.nLayers()];
        for (int i = 0; i < config.nLayers(); i++) {
            String p = "model.layers." + i + ".";
            Tensor bq = null;
            Tensor bk = null;
            Tensor bv = null;
            if (config.attentionBias()) {
                bq = source.get(p + "self_attn.q_proj.bias", config.qDim());
                bk = source.get(p + "self_attn.k_proj.bias", config.kvDim());
                bv = source.get(p + "self_attn.v_proj.bias", config.kvDim());
            }
            layers[i] = new LayerWeights(
                    source.get(p + "input_layernorm.weight", dim),
                    source.get(p + "self_attn.q_proj.weight", config.qDim(), dim),
                    source.get(p + "self_attn.k_proj.weight", config.kvDim(), dim),
                    source.get(p + "self_attn.v_proj.weight", config.kvDim(), dim),
                    source.get(p + "self_attn.o_proj.weight", dim, config.qDim()),
                    bq, bk, bv,
                    source.get(p + "post_attention_layernorm.weight", dim),
                    source.get(p + "mlp.gate_proj.weight", hidden, dim),
                    source.get(p + "mlp.up_proj.weight", hidden, dim),
                    source.get(p + "mlp.down_proj.weight", dim, hidden));
        }
        Tensor norm = source.get("model.norm.weight", dim);
        Tensor cls = config.tiedEmbeddings() ? null : source.get("lm_head.weight", config.vocabSize(), dim);
        return new ModelWeights(config, emb, layers, norm, cls);
    }

    /** Random weights of a given shape (for benchmarks and tests): N(0, 0.02) matrices, unit norms. */
    public static ModelWeights random(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return assemble(config, (name, shape) -> {
            float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(d, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (gaussian(rnd) * 0.02);
                }
            }
            return new Tensor(name, shape, d);
        });
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private void validate() {
        checkShape(tokenEmbedding, config.vocabSize(), config.dim());
        if (layers.length != config.nLayers()) {
            throw new EngineException.ShapeMismatch("config says " + config.nLayers() + " layers but " + layers.length + " were given");
        }
        for (LayerWeights l : layers) {
            checkShape(l.attnNorm, config.dim());
            checkShape(l.wq, config.qDim(), config.dim());
            checkShape(l.wk, config.kvDim(), config.dim());
            checkShape(l.wv, config.kvDim(), config.dim());
            checkShape(l.wo, config.dim(), config.qDim());
            checkShape(l.ffnNorm, config.dim());
            checkShape(l.gate, config.hiddenDim(), config.dim());
            checkShape(l.up, config.hiddenDim(), config.dim());
            checkShape(l.down, config.dim(), config.hiddenDim());
            if (config.attentionBias()) {
                checkShape(l.bq, config.qDim());
                checkShape(l.bk, config.kvDim());
                checkShape(l.bv, config.kvDim());
            }
        }
        checkShape(finalNorm, config.dim());
        if (!config.tiedEmbeddings()) {
            checkShape(classifier, config.vocabSize(), config.dim());
        }
    }

    private static void checkShape(Tensor t, int... expected) {
        if (t == null) {
            throw new EngineException.ShapeMismatch("missing tensor of shape " + Arrays.toString(expected));
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new EngineException.ShapeMismatch("tensor " + t.name() + " has shape " + Arrays.toString(t.shape())
                    + " but the model config requires " + Arrays.toString(expected));
        }
    }

    /** Looks up a tensor by Hugging Face name, with the shape the config expects (for error messages and checks). */
    @FunctionalInterface
    public interface TensorSource {
        Tensor get(String name, int... expectedShape);
    }
}
