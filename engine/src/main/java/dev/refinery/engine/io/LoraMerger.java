package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;

import java.util.Arrays;

/**
 * Folds a LoRA adapter into the base weights, W' = W + (alpha / r) · B A, so that the result runs (and
 * exports) as a plain model with no adapter overhead. Used before exporting a fine-tuned model.
 */
public final class LoraMerger {

    private LoraMerger() {
    }

    /** A merged copy of {@code base}; the base and the adapter are left untouched. */
    public static ModelWeights merge(ModelWeights base, LoraAdapter adapter) {
        requireSameShapes(base.config(), adapter.modelConfig());
        ModelWeights merged = base.copy();
        float scale = adapter.config().scale();
        for (int layer = 0; layer < merged.layers.length; layer++) {
            for (Projection p : Projection.values()) {
                if (adapter.adapts(p)) {
                    addScaledProduct(merged.layers[layer].weight(p), adapter.b(layer, p), adapter.a(layer, p), scale);
                }
            }
        }
        return merged;
    }

    /** W += scale · B A with W [out, in], B [out, r], A [r, in]; each element's sum over r runs in double. */
    private static void addScaledProduct(Tensor w, Tensor b, Tensor a, float scale) {
        int out = w.dim(0);
        int in = w.dim(1);
        int rank = a.dim(0);
        float[] wd = w.data();
        float[] bd = b.data();
        float[] ad = a.data();
        double[] row = new double[in];
        for (int o = 0; o < out; o++) {
            Arrays.fill(row, 0);
            for (int r = 0; r < rank; r++) {
                double coefficient = bd[o * rank + r];
                if (coefficient == 0) {
                    continue;
                }
                int aRow = r * in;
                for (int i = 0; i < in; i++) {
                    row[i] += coefficient * ad[aRow + i];
                }
            }
            int wRow = o * in;
            for (int i = 0; i < in; i++) {
                wd[wRow + i] = (float) (wd[wRow + i] + scale * row[i]);
            }
        }
    }

    /** The adapter's layout must match too: an interleaved adapter on a rotate-half base would scramble q/k. */
    public static void requireSameShapes(ModelConfig base, ModelConfig adapted) {
        boolean same = base.dim() == adapted.dim() && base.hiddenDim() == adapted.hiddenDim() && base.nLayers() == adapted.nLayers()
                && base.nHeads() == adapted.nHeads() && base.nKvHeads() == adapted.nKvHeads() && base.headDim() == adapted.headDim()
                && base.ropeStyle() == adapted.ropeStyle();
        if (!same) {
            throw new EngineException.ShapeMismatch("adapter was made for " + describe(adapted) + " but the base model is " + describe(base));
        }
    }

    private static String describe(ModelConfig c) {
        return "dim=" + c.dim() + " hidden_dim=" + c.hiddenDim() + " layers=" + c.nLayers() + " heads=" + c.nHeads() + "/" + c.nKvHeads()
                + " head_dim=" + c.headDim() + " rope=" + c.ropeStyle();
    }
}
