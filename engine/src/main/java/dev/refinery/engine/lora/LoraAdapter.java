package dev.refinery.engine.lora;

import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable low-rank matrices of a LoRA adapter: for each targeted projection of each layer,
 * A [rank, in] and B [out, rank]. Tensors are in the engine's native row layout for the base model
 * (see {@link dev.refinery.engine.model.RopeStyle}); exporters convert to the Hugging Face layout.
 */
public final class LoraAdapter {

    private final LoraConfig config;
    private final ModelConfig modelConfig;
    private final Map<Projection, Tensor>[] a;
    private final Map<Projection, Tensor>[] b;

    @SuppressWarnings("unchecked")
    private LoraAdapter(LoraConfig config, ModelConfig modelConfig) {
        this.config = config;
        this.modelConfig = modelConfig;
        this.a = new Map[modelConfig.nLayers()];
        this.b = new Map[modelConfig.nLayers()];
        for (int i = 0; i < modelConfig.nLayers(); i++) {
            a[i] = new EnumMap<>(Projection.class);
            b[i] = new EnumMap<>(Projection.class);
        }
    }

    /**
     * A fresh adapter initialised like PEFT: A ~ U(-1/sqrt(in), 1/sqrt(in)) (Kaiming-uniform with a = sqrt(5)),
     * B = 0, so the adapted model starts exactly equal to the base.
     */
    public static LoraAdapter initialise(LoraConfig config, ModelConfig modelConfig, long seed) {
        LoraAdapter adapter = new LoraAdapter(config, modelConfig);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int layer = 0; layer < modelConfig.nLayers(); layer++) {
            for (Projection p : Projection.values()) {
                if (!config.targets().contains(p)) {
                    continue;
                }
                int in = p.inFeatures(modelConfig);
                int out = p.outFeatures(modelConfig);
                float bound = (float) (1.0 / Math.sqrt(in));
                float[] av = new float[config.rank() * in];
                for (int i = 0; i < av.length; i++) {
                    av[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
                adapter.a[layer].put(p, new Tensor(peftName(layer, p, "lora_A"), new int[] {config.rank(), in}, av));
                adapter.b[layer].put(p, Tensor.zeros(peftName(layer, p, "lora_B"), out, config.rank()));
            }
        }
        return adapter;
    }

    /** An adapter from given tensors (used by loaders); shapes are checked. */
    public static LoraAdapter of(LoraConfig config, ModelConfig modelConfig, Map<String, Tensor> byPeftName) {
        LoraAdapter adapter = new LoraAdapter(config, modelConfig);
        for (int layer = 0; layer < modelConfig.nLayers(); layer++) {
            for (Projection p : config.targets()) {
                Tensor ta = require(byPeftName, peftName(layer, p, "lora_A"), config.rank(), p.inFeatures(modelConfig));
                Tensor tb = require(byPeftName, peftName(layer, p, "lora_B"), p.outFeatures(modelConfig), config.rank());
                adapter.a[layer].put(p, ta);
                adapter.b[layer].put(p, tb);
            }
        }
        return adapter;
    }

    private static Tensor require(Map<String, Tensor> tensors, String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new dev.refinery.engine.EngineException.CorruptCheckpoint("adapter is missing tensor " + name);
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new dev.refinery.engine.EngineException.ShapeMismatch("adapter tensor " + name + " has shape "
                    + java.util.Arrays.toString(t.shape()) + " but the base model needs " + java.util.Arrays.toString(shape));
        }
        return t;
    }

    /** PEFT's tensor name, e.g. {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}. */
    public static String peftName(int layer, Projection p, String ab) {
        return "base_model.model.model.layers." + layer + "." + p.hfModule() + "." + ab + ".weight";
    }

    public LoraConfig config() {
        return config;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    public boolean adapts(Projection p) {
        return config.targets().contains(p);
    }

    /** A [rank, in] of a projection, or null when that projection is not adapted. */
    public Tensor a(int layer, Projection p) {
        return a[layer].get(p);
    }

    /** B [out, rank] of a projection, or null when that projection is not adapted. */
    public Tensor b(int layer, Projection p) {
        return b[layer].get(p);
    }

    /** All tensors under their PEFT names, in a stable order. */
    public Map<String, Tensor> byPeftName() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int layer = 0; layer < a.length; layer++) {
            for (Projection p : Projection.values()) {
                if (a[layer].containsKey(p)) {
                    out.put(peftName(layer, p, "lora_A"), a[layer].get(p));
                    out.put(peftName(layer, p, "lora_B"), b[layer].get(p));
                }
            }
        }
        return out;
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : byPeftName().values()) {
            n += t.size();
        }
        return n;
    }
}
